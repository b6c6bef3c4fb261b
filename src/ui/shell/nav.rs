//! The sidebar: every page by part, then the tools; the current page is
//! highlighted (`aria-current="page"`) and pages marked done are ticked.

use leptos::prelude::*;

use crate::core::routes::{self, Route};
use crate::ui::shell::use_route;
use crate::ui::state::{app_state, course};
use crate::ui::util;

#[component]
pub fn Sidebar(open: RwSignal<bool>) -> impl IntoView {
    let route = use_route();
    let Ok(course) = course() else {
        return view! { <nav id="sidebar" class="sidebar" aria-label="Course"></nav> }.into_any();
    };
    let is_current = move |r: &Route| route.with(|cur| cur == r);
    // On a narrow screen the sidebar is hidden behind the menu button (the
    // 900 px breakpoint of style/layout.css): its links (a few ms of the
    // shell's first render) are built in a task after the page's first
    // frame, or when the menu opens, whichever comes first. Where the
    // sidebar is shown, they are built with the page.
    let built = RwSignal::new(!hidden_behind_menu());
    if !built.get_untracked() {
        util::after_next_frame(move || {
            built.try_set(true);
        });
    }
    // Once built, for good.
    let shown = Memo::new(move |before: Option<&bool>| before.copied().unwrap_or(false) || built.get() || open.get());
    // Keep the current page's link in view inside the sidebar's own scroll
    // (tools sit at the bottom of a long list), without moving the page.
    Effect::new(move |_| {
        route.track();
        shown.track();
        request_animation_frame(|| {
            use wasm_bindgen::JsCast;
            let doc = document();
            let (Some(nav), Some(link)) = (
                doc.get_element_by_id("sidebar").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
                doc.query_selector("#sidebar [aria-current=page]")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
            ) else {
                return;
            };
            // The sidebar is positioned (sticky or fixed), so it is the
            // link's offset parent.
            let (top, height) = (link.offset_top(), nav.client_height());
            let scrolled = nav.scroll_top();
            if height > 0 && (top < scrolled || top + link.offset_height() > scrolled + height) {
                nav.set_scroll_top((top - height / 3).max(0));
            }
        });
    });

    view! {
        <nav
            id="sidebar"
            class="sidebar"
            class:open=move || open.get()
            aria-label="Course"
            on:click=move |ev| {
                use wasm_bindgen::JsCast;
                let on_link = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|el| el.closest("a").ok().flatten())
                    .is_some();
                if on_link {
                    open.set(false);
                }
            }
        >
            {move || shown.get().then(|| links(course, is_current))}
        </nav>
    }
    .into_any()
}

/// The sidebar's list: the course map, every page by part (ticked when
/// done), then the tools.
fn links(
    course: &'static crate::core::content::Course,
    is_current: impl Fn(&Route) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = app_state();
    let parts = course
        .parts()
        .into_iter()
        .map(|(part, pages)| {
            let links = pages
                .into_iter()
                .map(|p| {
                    let slug = p.front.slug.clone();
                    let r = Route::Page(slug.clone());
                    let href = util::app_href(&routes::href(&r));
                    let r2 = r.clone();
                    let slug2 = slug.clone();
                    let done = Memo::new(move |_| state.progress.with(|pr| pr.is_done(&slug2)));
                    let rel = crate::ui::edition::rel_for(&r);
                    let r3 = r.clone();
                    let body: &'static str = p.body.as_str();
                    view! {
                        <li>
                            <a
                                href=href
                                rel=rel
                                aria-current=move || is_current(&r2).then_some("page")
                                class:done=done
                            >
                                <span class="nav-title">{p.front.title.clone()}</span>
                                <span class="nav-done" aria-hidden="true">
                                    {move || if done.get() { "✓" } else { "" }}
                                </span>
                                <span class="visually-hidden">{move || if done.get() { " (done)" } else { "" }}</span>
                            </a>
                            {move || is_current(&r3).then(|| sections(body))}
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <li class="nav-part">
                    <span class="nav-part-title">{part}</span>
                    <ul>{links}</ul>
                </li>
            }
        })
        .collect::<Vec<_>>();

    let tools = routes::app_routes()
        .into_iter()
        .filter(|r| r.route != Route::Search)
        .map(|r| {
            let href = util::app_href(r.path);
            let route_value = r.route.clone();
            let rel = crate::ui::edition::rel_for(&r.route);
            view! {
                <li>
                    <a href=href rel=rel aria-current=move || is_current(&route_value).then_some("page")>
                        <span class="nav-title">{r.title}</span>
                    </a>
                </li>
            }
        })
        .collect::<Vec<_>>();

    view! {
        <ul class="nav-root">
            <li class="nav-part">
                <ul>
                    <li>
                        <a href=util::app_href("/") aria-current=move || is_current(&Route::Home).then_some("page")>
                            <span class="nav-title">"Course map"</span>
                        </a>
                    </li>
                </ul>
            </li>
            {parts}
            <li class="nav-part">
                <span class="nav-part-title">"Tools"</span>
                <ul>{tools}</ul>
            </li>
        </ul>
    }
}

/// A long lesson's sections (five or more `##` headings), listed under its
/// link in the sidebar while it is open, as a book's contents do.
fn sections(body: &'static str) -> Option<impl IntoView> {
    const LONG: usize = 5;
    let headings = (crate::ui::edition::config().sections)(body);
    (headings.len() >= LONG).then(|| {
        let items = headings
            .into_iter()
            .map(|(id, text)| {
                view! { <li><a href=util::resolve_href(&format!("#{id}"))>{text}</a></li> }
            })
            .collect::<Vec<_>>();
        view! { <ul class="nav-sections" aria-label="Sections of this page">{items}</ul> }
    })
}

/// A page's `##` sections from its markdown (the reader and tools builds'
/// `Config::sections`).
pub fn page_sections(body: &str) -> Vec<(String, String)> {
    crate::core::markdown::parse(body, Default::default())
        .headings
        .into_iter()
        .filter(|h| h.level == 2)
        .map(|h| (h.id, h.text))
        .collect()
}

/// Whether the sidebar is hidden behind the menu button (a narrow screen).
fn hidden_behind_menu() -> bool {
    window().match_media("(max-width: 900px)").ok().flatten().is_some_and(|m| m.matches())
}
