//! The banner that says what went wrong with storage and what to do, with
//! the raw data to download when it could not be read.

use leptos::prelude::*;

use crate::store::Problem;
use crate::ui::state::app_state;
use crate::ui::util;

#[component]
pub fn StoreBanner() -> impl IntoView {
    let state = app_state();
    move || {
        let problem = state.problem.get()?;
        let message = problem.message();
        let raw = problem.raw().map(str::to_string);
        let needs_discard = matches!(problem, Problem::Unreadable { backup_key: None, .. });
        let download_raw = raw.map(|raw| {
            let on_click = move |_| {
                let name = format!("rollback-lab-unreadable-{}.txt", util::now_ms() as u64);
                let _ = util::download(&name, "text/plain", &raw);
            };
            view! {
                <button type="button" class="button" on:click=on_click>
                    "Download the saved data"
                </button>
            }
        });
        let download_progress =
            matches!(problem, Problem::SaveFailed { .. } | Problem::Unavailable { .. }).then(|| {
                let on_click = move |_| {
                    let json = state.export_json();
                    let _ = util::download("rollback-lab-progress.json", "application/json", &json);
                };
                view! {
                    <button type="button" class="button" on:click=on_click>
                        "Download your progress"
                    </button>
                }
            });
        let discard = needs_discard.then(|| {
            view! {
                <button type="button" class="button secondary" on:click=move |_| state.discard_unreadable()>
                    "Discard it and continue"
                </button>
            }
        });
        let dismiss = (!needs_discard).then(|| {
            view! {
                <button type="button" class="button secondary" on:click=move |_| state.problem.set(None)>
                    "Dismiss"
                </button>
            }
        });
        Some(view! {
            <div class="banner" role="alert" data-testid="store-banner">
                <p>{message}</p>
                <div class="banner-actions">{download_raw} {download_progress} {discard} {dismiss}</div>
            </div>
        })
    }
}

/// "A new version is ready": shown when the service worker has installed a
/// newer build (the page script fires `rollback-lab:update-ready`). The page
/// keeps running the build it started with until the learner reloads, so it
/// never mixes files of two versions.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let ready = RwSignal::new(false);
    let listener = window_event_listener_untyped("rollback-lab:update-ready", move |_| ready.set(true));
    on_cleanup(move || listener.remove());
    let apply = move |_| {
        if let Ok(event) = web_sys::Event::new("rollback-lab:apply-update") {
            let _ = window().dispatch_event(&event);
        }
    };
    move || {
        ready.get().then(|| {
            view! {
                <div class="banner update" role="status" data-testid="update-banner">
                    <p>"A new version of Rollback Lab is ready. Your progress is kept."</p>
                    <div class="banner-actions">
                        <button type="button" class="button primary" on:click=apply>
                            "Reload to update"
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| ready.set(false)>
                            "Later"
                        </button>
                    </div>
                </div>
            }
        })
    }
}
