//! Game day: an unknown incident on a running clock, worked through the
//! rollback playbook, a rollforward decision, a score against the best
//! possible run, and a post-mortem draft to edit and download.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::core::canary::Metric;
use crate::core::gameday::{DbChoice, Decision, GameDay, GameDayLog, GameDayRun, GameScore, Input, PlaybookStep};
use crate::core::share;
use crate::ui::canary::{MetricChart, WeightChart};
use crate::ui::runbook::today;
use crate::ui::session;
use crate::ui::state::app_state;
use crate::ui::util;

/// The key of the game day kept across reloads (`ui::session`), and the
/// kind and version of what is kept there.
const SESSION: &str = "gameday";
const LOG_KIND: &str = "gameday-log";
const LOG_VERSION: u32 = 1;

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Intro,
    Playing,
    Done,
}

fn random_seed() -> u64 {
    (js_sys::Math::random() * 1_000_000.0) as u64 + 1
}

#[component]
pub fn GameDayPage() -> impl IntoView {
    let state = app_state();
    let query = use_query_map();
    let linked_seed = query.with_untracked(|q| q.get("seed").and_then(|s| s.parse::<u64>().ok()));
    let bad_seed = query.with_untracked(|q| q.get("seed").is_some()) && linked_seed.is_none();
    // A game day under way before a reload comes back at the minute it
    // reached, with its clock stopped (the run is marked interrupted), unless
    // the address names an incident.
    let kept = session::kept(SESSION)
        .map(|k| share::unpack::<GameDayLog>(&k, LOG_KIND, LOG_VERSION).map(|(l, _)| l))
        .filter(|k| match (k, linked_seed) {
            // A link to another incident opens that one.
            (Ok(l), Some(s)) => l.seed == s,
            _ => !bad_seed,
        });
    let kept_problem = matches!(kept, Some(Err(_)));
    if kept_problem {
        session::forget(SESSION);
    }
    let kept = kept.and_then(Result::ok).map(|mut l| {
        l.interrupted_at.push(l.minute);
        l
    });
    let restored = RwSignal::new(kept.as_ref().map(|l| l.minute));
    let seed = RwSignal::new(kept.as_ref().map(|l| l.seed).or(linked_seed).unwrap_or_else(random_seed));
    let stage = RwSignal::new(if kept.is_some() { Stage::Playing } else { Stage::Intro });
    let game =
        RwSignal::new(kept.as_ref().map(GameDayLog::replay).unwrap_or_else(|| GameDay::new(seed.get_untracked())));
    let log = RwSignal::new(kept.unwrap_or_else(|| GameDayLog::new(seed.get_untracked())));
    // The clock is stopped (after a reload) until the learner resumes it.
    let paused = RwSignal::new(restored.get_untracked().is_some());
    let sim = RwSignal::new(game.with_untracked(|g| g.sim.clone()));
    let speed = RwSignal::new(1u32);
    let feedback = RwSignal::new(String::new());
    let postmortem = RwSignal::new(String::new());
    let timer: StoredValue<Option<IntervalHandle>, LocalStorage> = StoredValue::new_local(None);

    let stop = move || {
        if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
    };
    let finish = move || {
        stop();
        let (score, best, mut pm) = game.with_untracked(|g| (g.score(), g.best(), g.postmortem(&today())));
        let interrupted = log.with_untracked(|l| l.interrupted_at.clone());
        if !interrupted.is_empty() {
            let at: Vec<String> = interrupted.iter().map(|m| m.to_string()).collect();
            pm = format!(
                "> This game day was interrupted by a reload (minute {}); its clock stood still until it was resumed.\n\n{pm}",
                at.join(", ")
            );
        }
        postmortem.set(pm.clone());
        let run = GameDayRun {
            seed: seed.get_untracked(),
            finished_at: util::now_ms(),
            score,
            best_points: best.points,
            postmortem: pm,
        };
        state.update(|p| p.gamedays.push(run));
        feedback.set("Incident over: your score and the debrief are below.".to_string());
        stage.set(Stage::Done);
        util::announce("The game day is over: see your score and the debrief.");
    };
    let sync = move || sim.set(game.with_untracked(|g| g.sim.clone()));
    let start_clock = move || {
        stop();
        let every = std::time::Duration::from_millis(1500 / u64::from(speed.get_untracked().max(1)));
        let handle = set_interval_with_handle(
            move || {
                let mut over = false;
                game.update(|g| {
                    g.tick();
                    over = g.finished() || g.sim.is_finished();
                    log.update(|l| l.minute = g.sim.minute());
                });
                sync();
                if over {
                    finish();
                }
            },
            every,
        )
        .ok();
        timer.set_value(handle);
    };
    on_cleanup(move || {
        if let Some(h) = timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
    });
    let begin = move |_| {
        game.set(GameDay::new(seed.get_untracked()));
        log.set(GameDayLog::new(seed.get_untracked()));
        restored.set(None);
        paused.set(false);
        sync();
        feedback.set(String::new());
        stage.set(Stage::Playing);
        start_clock();
    };
    let step = move |s: PlaybookStep| {
        let mut msg = String::new();
        game.update(|g| log.update(|l| msg = l.apply(g, Input::Step(s)).map(|o| o.message).unwrap_or_default()));
        sync();
        feedback.set(msg.clone());
        util::announce(&msg);
    };
    let db = move |c: DbChoice| {
        let mut msg = String::new();
        game.update(|g| log.update(|l| msg = l.apply(g, Input::Db(c)).map(|o| o.message).unwrap_or_default()));
        feedback.set(msg.clone());
        util::announce(&msg);
    };
    let decide = move |d: Decision| {
        game.update(|g| {
            log.update(|l| {
                l.apply(g, Input::Decide(d));
            })
        });
        sync();
        if d == Decision::StayRolledBack {
            finish();
        } else {
            util::announce("Hotfix shipped: it enters the canary at the first small step.");
        }
    };
    let new_incident = move |_| {
        stop();
        seed.set(random_seed());
        game.set(GameDay::new(seed.get_untracked()));
        log.set(GameDayLog::new(seed.get_untracked()));
        restored.set(None);
        sync();
        stage.set(Stage::Intro);
    };
    let share = move |_| {
        let loc = window().location();
        let url = format!(
            "{}{}?seed={}",
            loc.origin().unwrap_or_default(),
            util::app_href("/game-day"),
            seed.get_untracked()
        );
        util::copy_to_clipboard(&url, |ok| {
            util::announce(if ok { "Link to this incident copied." } else { "Could not copy the link." })
        });
    };
    let download = move |_| {
        let _ = util::download(
            &format!("post-mortem-game-day-{}.md", seed.get_untracked()),
            "text/markdown",
            &postmortem.get_untracked(),
        );
        util::announce("Post-mortem downloaded.");
    };

    session::keep_while_open(
        SESSION,
        || false,
        move || {
            if stage.get() == Stage::Playing {
                log.with(|l| share::pack(LOG_KIND, LOG_VERSION, l))
            } else {
                String::new()
            }
        },
    );
    let resume = move |_| {
        paused.set(false);
        start_clock();
        util::announce("The clock runs again.");
        util::focus_after_render(&["#gd-playbook-title"]);
    };

    let done = move |s: PlaybookStep| game.with(|g| g.steps.iter().find(|t| t.step == s).map(|t| t.minute));
    let step_buttons = move || {
        PlaybookStep::ALL
            .iter()
            .filter(|s| !matches!(s, PlaybookStep::Database | PlaybookStep::Communicate))
            .map(|s| {
                let s = *s;
                view! {
                    <li class="gd-step" class:done=move || done(s).is_some()>
                        <button type="button" class="button" data-step=format!("{s:?}").to_lowercase() disabled=move || stage.get() != Stage::Playing || paused.get() on:click=move |_| step(s)>
                            {s.label()}
                        </button>
                        <span class="muted">{move || done(s).map(|m| format!("✓ minute {m}")).unwrap_or_default()}</span>
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };
    let reverted = move || done(PlaybookStep::Revert).is_some() || done(PlaybookStep::KillSwitch).is_some();
    let score_table = move |mine: GameScore, best: GameScore| {
        let row = |label: &'static str, a: String, b: String| view! { <tr><th scope="row">{label}</th><td>{a}</td><td>{b}</td></tr> };
        let min = |m: Option<u32>| m.map(|m| format!("{m} min")).unwrap_or_else(|| "—".into());
        view! {
            <table class="gd-score">
                <thead><tr><th scope="col">"Measure"</th><th scope="col">"Your run"</th><th scope="col">"Best possible"</th></tr></thead>
                <tbody>
                    {row("Points", mine.points.to_string(), best.points.to_string())}
                    {row("Time to detect", min(mine.time_to_detect), min(best.time_to_detect))}
                    {row("Time to mitigate", min(mine.time_to_mitigate), min(best.time_to_mitigate))}
                    {row("Users affected", crate::core::num::thousands(mine.users_affected as i64), crate::core::num::thousands(best.users_affected as i64))}
                    {row("Error budget used", format!("{:.2} %", mine.budget_consumed * 100.0), format!("{:.2} %", best.budget_consumed * 100.0))}
                    {row("Playbook steps in order", format!("{} of 6", mine.steps_in_order), format!("{} of 6", best.steps_in_order))}
                    {row("Data lost", format!("{} rows", mine.data_lost), format!("{} rows", best.data_lost))}
                </tbody>
            </table>
        }
    };
    let runs = move || {
        let mut v = state.progress.with(|p| p.gamedays.clone());
        v.reverse();
        v.truncate(5);
        v
    };

    view! {
        <Title text="Game day · Rollback Lab" />
        <article class="page wide sim-page gameday">
            <p class="eyebrow">"Tools"</p>
            <h1>"Game day"</h1>
            {bad_seed.then(|| view! { <p class="field-error banner-inline" role="alert">"The incident link has no valid number; here is a new incident instead."</p> })}
            {kept_problem.then(|| view! { <p class="field-error banner-inline" role="alert">"The game day you left could not be brought back (what was kept of it is damaged); here is a new incident."</p> })}
            <Show when=move || stage.get() == Stage::Intro>
                <section class="gd-intro">
                    <p class="summary">
                        "orders-api is rolling out a new release through the canary (5 → 25 → 50 → 100 %). Something will go wrong; you do not know what. \
                         Watch the charts and the alerts, then work through the rollback playbook: each step is a button. Decide at the end whether to roll forward."
                    </p>
                    <p>{move || format!("Incident #{}", seed.get())}</p>
                    <div class="field inline-field">
                        <label for="gd-speed">"Clock"</label>
                        <select id="gd-speed" on:change=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(1))>
                            <option value="1" selected=true>"1 minute every 1.5 s"</option>
                            <option value="3">"1 minute every 0.5 s"</option>
                        </select>
                    </div>
                    <p class="button-row"><button type="button" class="button primary" on:click=begin>"Start the incident"</button></p>
                    <Show when=move || !runs().is_empty()>
                        <h2>"Your last game days"</h2>
                        <ul class="item-list">
                            <For each=runs key=|r| (r.seed, r.finished_at.to_bits()) let:r>
                                <li class="item-row">
                                    <span>{format!("Incident #{}", r.seed)}</span>
                                    <span>{format!("{} points (best possible {})", r.score.points, r.best_points)}</span>
                                    <span class="muted">{util::format_time(r.finished_at)}</span>
                                </li>
                            </For>
                        </ul>
                    </Show>
                </section>
            </Show>
            <Show when=move || stage.get() != Stage::Intro>
                <p class="sim-clock gd-clock" role="timer" aria-live="off">{move || sim.with(|s| format!("Minute {} · canary at {} %", s.minute(), s.weight()))}</p>
                {move || (paused.get() && stage.get() == Stage::Playing).then(|| view! {
                    <div class="banner-inline restored-note gd-paused" role="status">
                        <p>{format!(
                            "This incident was interrupted by a reload at minute {}. Its clock is stopped, and the debrief will say so. Resume when you are ready.",
                            restored.get().unwrap_or_default()
                        )}</p>
                        <button type="button" class="button primary" on:click=resume>"Resume the clock"</button>
                    </div>
                })}
                <div class="sim-grid">
                    <div class="sim-charts">
                        <MetricChart sim=sim metric=Metric::ErrorRate title="Error rate (5xx)" />
                        <MetricChart sim=sim metric=Metric::LatencyP99 title="p99 latency" />
                        <MetricChart sim=sim metric=Metric::Kpi title="Checkout success" />
                        <MetricChart sim=sim metric=Metric::Cpu title="CPU" />
                        <WeightChart sim=sim />
                    </div>
                    <div class="sim-side">
                        <section class="panel gd-playbook" aria-labelledby="gd-playbook-title">
                            <h2 id="gd-playbook-title">"Rollback playbook"</h2>
                            <ol class="gd-steps">{step_buttons}</ol>
                            <div class="gd-db">
                                <h3>"Database considerations" <span class="muted step-done">{move || done(PlaybookStep::Database).map(|m| format!("✓ minute {m}")).unwrap_or_default()}</span></h3>
                                <p class="muted">{move || crate::ui::markdown::inline_md(game.with(|g| g.incident.db_briefing()))}</p>
                                <div class="button-row" role="group" aria-label="Database choice">
                                    {DbChoice::ALL.iter().map(|c| {
                                        let c = *c;
                                        view! {
                                            <button type="button" class="button" aria-pressed=move || game.with(|g| (g.db_choice == Some(c)).to_string())
                                                disabled=move || stage.get() != Stage::Playing || paused.get() on:click=move |_| db(c)>{c.label()}</button>
                                        }
                                    }).collect::<Vec<_>>()}
                                </div>
                            </div>
                            <div class="gd-comms">
                                <h3>"Communicate" <span class="muted step-done">{move || done(PlaybookStep::Communicate).map(|m| format!("✓ minute {m}")).unwrap_or_default()}</span></h3>
                                <label for="gd-message">"Message to #incidents: what happened, impact, next update"</label>
                                <textarea id="gd-message" rows="3" prop:value=move || game.with(|g| g.message.clone())
                                    on:input=move |ev| {
                                        let m = event_target_value(&ev);
                                        log.update(|l| l.message = m.clone());
                                        game.update(|g| g.message = m);
                                    }></textarea>
                                <button type="button" class="button" disabled=move || stage.get() != Stage::Playing || paused.get() on:click=move |_| step(PlaybookStep::Communicate)>"Post the message"</button>
                            </div>
                            <p class="gd-feedback" role="status">{move || feedback.get()}</p>
                            <Show when=move || reverted() && game.with(|g| g.decision.is_none()) && stage.get() == Stage::Playing>
                                <div class="gd-decision">
                                    <h3>"Roll forward?"</h3>
                                    <p>{move || game.with(|g| if done(PlaybookStep::Revert).is_some() { g.incident.diagnosis().to_string() } else { "Revert first to see the diagnosis.".to_string() })}</p>
                                    <div class="button-row">
                                        <button type="button" class="button" on:click=move |_| decide(Decision::Rollforward)>"Roll forward: ship a hotfix"</button>
                                        <button type="button" class="button" on:click=move |_| decide(Decision::StayRolledBack)>"Stay rolled back, fix later"</button>
                                    </div>
                                </div>
                            </Show>
                        </section>
                        <section class="panel" aria-labelledby="gd-events-title">
                            <h2 id="gd-events-title">"Alerts and events"</h2>
                            <div class="event-log" role="log" aria-labelledby="gd-events-title" tabindex="0">
                                <ol>
                                    {move || game.with(|g| g.visible_events().into_iter().rev().map(|e| view! {
                                        <li class=format!("event {}", format!("{:?}", e.kind).to_lowercase())>
                                            <span class="event-minute">{format!("m{}", e.minute)}</span>" "{e.message}
                                        </li>
                                    }).collect::<Vec<_>>())}
                                </ol>
                            </div>
                        </section>
                    </div>
                </div>
            </Show>
            <Show when=move || stage.get() == Stage::Done>
                <section class="gd-debrief" aria-labelledby="gd-debrief-title">
                    <h2 id="gd-debrief-title">"Debrief"</h2>
                    <p class="verdict">{move || game.with(|g| g.incident.reveal())}</p>
                    {move || game.with(|g| score_table(g.score(), g.best()))}
                    {move || game.with(|g| {
                        let s = g.score();
                        let late: Vec<&str> = g.out_of_order().iter().map(|s| s.label()).collect();
                        let decision = match g.decision {
                            Some(Decision::Rollforward) => "You rolled forward with a hotfix.",
                            Some(Decision::StayRolledBack) => "You stayed rolled back.",
                            None => "You took no rollforward decision before the clock ran out.",
                        };
                        let fit = match s.decision_right {
                            Some(true) => " That fitted the diagnosis.",
                            Some(false) => " That did not fit the diagnosis.",
                            None => "",
                        };
                        view! {
                            <p class="gd-decision-result">{format!("{decision}{fit}")}</p>
                            {(!late.is_empty()).then(|| view! {
                                <p class="gd-late">{format!("Out of the playbook's order: {}.", late.join(", "))}</p>
                            })}
                            <table class="gd-points">
                                <caption>"How the points add up"</caption>
                                <thead><tr><th scope="col">"Part"</th><th scope="col">"Points"</th><th scope="col">"Rule"</th></tr></thead>
                                <tbody>
                                    {s.parts().into_iter().map(|p| view! {
                                        <tr>
                                            <th scope="row">{p.label}</th>
                                            <td>{if p.max > 0 { format!("{} / {}", p.points, p.max) } else { p.points.to_string() }}</td>
                                            <td>{p.rule}</td>
                                        </tr>
                                    }).collect::<Vec<_>>()}
                                </tbody>
                            </table>
                        }
                    })}
                    <div class="field">
                        <label for="gd-postmortem">"Post-mortem draft (edit it, then download)"</label>
                        <textarea id="gd-postmortem" rows="18" prop:value=move || postmortem.get() on:input=move |ev| postmortem.set(event_target_value(&ev))></textarea>
                    </div>
                    <p class="button-row">
                        <button type="button" class="button primary" on:click=download>"Download the post-mortem (.md)"</button>
                        <button type="button" class="button" on:click=share>"Copy a link to this incident"</button>
                        <button type="button" class="button secondary" on:click=new_incident>"New incident"</button>
                    </p>
                </section>
            </Show>
        </article>
    }
}
