//! Diagrams as accessible SVG (title and description, colours from the
//! theme's custom properties, scaling to the page width), drawn from the
//! numbers given in the content (`core::diagram`).

use leptos::prelude::*;

use crate::core::diagram::{self, Diagram};

/// Render `{{#diagram …}}` (the content is validated, so errors are rare;
/// they are shown as text rather than hidden).
pub fn render(args: &[String]) -> AnyView {
    match diagram::parse(args) {
        Ok(d) => view! { <DiagramView d=d /> }.into_any(),
        Err(e) => view! { <p class="directive-missing">{format!("(diagram: {e})")}</p> }.into_any(),
    }
}

fn fmt_pct(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0} %")
    } else {
        format!("{v} %")
    }
}

#[component]
fn Figure(
    #[prop(into)] id: String,
    #[prop(into)] title: String,
    #[prop(into)] desc: String,
    #[prop(into)] view_box: String,
    children: Children,
) -> impl IntoView {
    let t = format!("{id}-title");
    let d = format!("{id}-desc");
    let labelled = format!("{t} {d}");
    view! {
        <figure class="diagram" id=id.clone()>
            // On a phone the picture keeps a readable size and scrolls
            // sideways in this box, which the keyboard can reach too.
            <div class="diagram-scroll" tabindex="0" role="group" aria-label=format!("{title} (scrolls sideways on small screens)")>
                <svg viewBox=view_box role="img" aria-labelledby=labelled>
                    <title id=t>{title.clone()}</title>
                    <desc id=d>{desc}</desc>
                    {children()}
                </svg>
            </div>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

#[component]
fn DiagramView(d: Diagram) -> impl IntoView {
    match d {
        Diagram::CanarySplit { stages } => canary_split(stages).into_any(),
        Diagram::FlagFlow { flag, default } => flag_flow(flag, default).into_any(),
        Diagram::ApiCompat => api_compat().into_any(),
        Diagram::ExpandContract { last_safe } => expand_contract(last_safe).into_any(),
        Diagram::Gate { metric, threshold, window } => gate(metric, threshold, window).into_any(),
        Diagram::Playbook { title, steps } => playbook(title, steps).into_any(),
        Diagram::Decision { threshold, window } => decision(threshold, window).into_any(),
    }
}

fn canary_split(stages: Vec<f64>) -> impl IntoView {
    let n = stages.len();
    let row_h = 34.0;
    let h = 30.0 + row_h * n as f64;
    let bar_x = 90.0;
    let bar_w = 480.0;
    let rows = stages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let y = 24.0 + row_h * i as f64;
            let cw = bar_w * p / 100.0;
            view! {
                <g>
                    <text x="8" y=y + 17.0 class="d-label">{format!("Stage {}", i + 1)}</text>
                    <rect x=bar_x y=y width=bar_w - cw height="24" class="d-stable" rx="3" />
                    <rect x=bar_x + bar_w - cw y=y width=cw.max(2.0) height="24" class="d-canary" rx="3" />
                    <text x=bar_x + 8.0 y=y + 17.0 class="d-on-fill">{if *p < 100.0 { format!("stable {}", fmt_pct(100.0 - p)) } else { String::new() }}</text>
                    <text x=bar_x + bar_w + 8.0 y=y + 17.0 class="d-label d-canary-text">{format!("canary {}", fmt_pct(*p))}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let desc = format!(
        "Traffic between the stable version and the canary at each stage: {}. Each stage holds while the gates watch, then promotes.",
        stages.iter().map(|p| fmt_pct(*p)).collect::<Vec<_>>().join(", then ")
    );
    let vb = format!("0 0 680 {h}");
    view! {
        <Figure id="diagram-canary-split" title="Traffic split between stable and canary, stage by stage" desc=desc view_box=vb>
            <text x="90" y="14" class="d-small">"← stable (old version)"</text>
            <text x="570" y="14" class="d-small" text-anchor="end">"canary (new version) →"</text>
            {rows}
        </Figure>
    }
}

fn flag_flow(flag: String, default: String) -> impl IntoView {
    let desc = format!(
        "Each request asks the flag {flag}. On: the new code path runs. Off, or unknown because this pod has never reached the flag service: the default ({default}) and the old path. Turning the flag off is the kill switch: it sends every request down the old path, with no deploy."
    );
    view! {
        <Figure id="diagram-flag-flow" title="A flag evaluated on every request, with the kill switch" desc=desc view_box="0 0 680 230">
            <rect x="10" y="85" width="110" height="50" rx="8" class="d-box" />
            <text x="65" y="115" text-anchor="middle" class="d-label">"request"</text>
            <line x1="120" y1="110" x2="200" y2="110" class="d-arrow" marker-end="url(#d-head)" />
            <polygon points="280,60 360,110 280,160 200,110" class="d-box" />
            <text x="280" y="106" text-anchor="middle" class="d-small">{flag.clone()}</text>
            <text x="280" y="122" text-anchor="middle" class="d-label">"on?"</text>
            <line x1="360" y1="110" x2="440" y2="50" class="d-arrow" marker-end="url(#d-head)" />
            <text x="395" y="66" class="d-small">"on"</text>
            <rect x="440" y="25" width="220" height="50" rx="8" class="d-canary-box" />
            <text x="550" y="55" text-anchor="middle" class="d-label">"new code path"</text>
            <line x1="360" y1="110" x2="440" y2="170" class="d-arrow" marker-end="url(#d-head)" />
            <text x="404" y="176" text-anchor="end" class="d-small">{format!("off / unknown → {default}")}</text>
            <rect x="440" y="145" width="220" height="50" rx="8" class="d-stable-box" />
            <text x="550" y="175" text-anchor="middle" class="d-label">"old code path (safe)"</text>
            <rect x="200" y="190" width="180" height="32" rx="6" class="d-kill" />
            <text x="290" y="211" text-anchor="middle" class="d-label">"kill switch: flag off"</text>
            // The kill switch sets the flag the diamond reads.
            <line x1="260" y1="190" x2="272" y2="158" class="d-arrow" marker-end="url(#d-head)" />
            <defs>
                <marker id="d-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="d-head" />
                </marker>
            </defs>
        </Figure>
    }
}

fn api_compat() -> impl IntoView {
    let cell = |x: f64, y: f64, ok: bool, label: &'static str, note: &'static str| {
        view! {
            <g>
                <rect x=x y=y width="220" height="70" rx="6" class=if ok { "d-ok" } else { "d-bad" } />
                <text x=x + 110.0 y=y + 30.0 text-anchor="middle" class="d-label">{if ok { format!("✓ {label}") } else { format!("✗ {label}") }}</text>
                <text x=x + 110.0 y=y + 52.0 text-anchor="middle" class="d-small">{note}</text>
            </g>
        }
    };
    let desc = "Four pairs. Old client with old server and new client with new server work. Old client with new server must work: that is backward compatibility (new server tolerates old requests, adds only optional fields). New client with old server must work after a rollback: that is forward compatibility (new client tolerates missing fields).";
    view! {
        <Figure id="diagram-api-compat" title="Old and new clients against old and new API shapes" desc=desc view_box="0 0 680 230">
            <text x="330" y="18" text-anchor="middle" class="d-label">"old server"</text>
            <text x="560" y="18" text-anchor="middle" class="d-label">"new server"</text>
            <text x="10" y="70" class="d-label">"old client"</text>
            <text x="10" y="160" class="d-label">"new client"</text>
            {cell(220.0, 32.0, true, "today", "nothing changed")}
            {cell(450.0, 32.0, true, "backward compatible", "new server, old requests")}
            {cell(220.0, 122.0, true, "forward compatible", "after a rollback")}
            {cell(450.0, 122.0, true, "the goal", "both new")}
            <text x="10" y="220" class="d-small">"Every cell must stay green for the whole rollout, including after a rollback."</text>
        </Figure>
    }
}

fn expand_contract(last_safe: usize) -> impl IntoView {
    let phases = ["Expand", "Dual write", "Backfill", "Switch reads", "Contract"];
    let w = 120.0;
    let boxes = phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = 20.0 + i as f64 * (w + 10.0);
            let safe = i < last_safe;
            view! {
                <g>
                    <rect x=x y="60" width=w height="50" rx="6" class=if safe { "d-ok" } else { "d-bad" } />
                    <text x=x + w / 2.0 y="82" text-anchor="middle" class="d-label">{format!("{}. {p}", i + 1)}</text>
                    <text x=x + w / 2.0 y="100" text-anchor="middle" class="d-small">{if safe { "no data lost" } else { "restore data" }}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let safe_end = 20.0 + last_safe as f64 * (w + 10.0) - 10.0;
    let desc = format!(
        "The five phases in order. A rollback loses nothing from phase 1 through phase {last_safe} ({}): that is the rollback window, and {} is the last safe rollback point. After it, undoing means restoring or repairing data.",
        phases[..last_safe].join(", "),
        phases[last_safe - 1]
    );
    view! {
        <Figure id="diagram-expand-contract" title="Expand and contract: the rollback window and the last safe rollback point" desc=desc view_box="0 0 680 170">
            <line x1="20" y1="40" x2=safe_end y2="40" class="d-window" />
            <text x=(20.0 + safe_end) / 2.0 y="30" text-anchor="middle" class="d-label d-ok-text">"rollback window: switch back, lose nothing"</text>
            {boxes}
            <line x1=safe_end + 5.0 y1="50" x2=safe_end + 5.0 y2="130" class="d-flagpole" />
            <text x=safe_end + 5.0 y="148" text-anchor="middle" class="d-label">{format!("⚑ last safe rollback point: {}", phases[last_safe - 1])}</text>
        </Figure>
    }
}

fn gate(metric: String, threshold: f64, window: u32) -> impl IntoView {
    // Baseline at 1×, the canary rising past the threshold. The gate checks
    // every minute the canary's value pooled over the last `window` minutes
    // (as the simulator does): it fires at the first minute that pooled
    // value is above the threshold, and the canary's line ends there.
    let base_y = 130.0;
    let scale = 150.0;
    let thr_y = base_y - (threshold - 1.0) * scale;
    let x0 = 60.0;
    let minutes = 36usize;
    let step = (620.0 - x0) / minutes as f64;
    let x_at = |m: f64| x0 + m * step;
    // The canary's excess over the baseline (1.0 = +100 %), minute by minute.
    let excess: Vec<f64> = (0..=minutes)
        .map(|m| {
            let rise = if m < 8 { 0.05 } else { 0.05 + (threshold - 0.9) * ((m - 8) as f64 / 6.0).min(1.0) };
            rise + ((m as f64) * 1.7).sin() * 0.03
        })
        .collect();
    let w = (window.max(1) as usize).min(minutes);
    let fire = (w - 1..=minutes)
        .find(|&m| excess[m + 1 - w..=m].iter().sum::<f64>() / w as f64 > threshold - 1.0)
        .unwrap_or(minutes);
    let path: String = excess[..=fire]
        .iter()
        .enumerate()
        .map(|(m, e)| format!("{}{:.1},{:.1}", if m == 0 { "M" } else { "L" }, x_at(m as f64), base_y - e * scale))
        .collect();
    let (wx0, wx1) = (x_at((fire + 1 - w) as f64 - 0.5).max(x0), x_at(fire as f64 + 0.5));
    let desc = format!(
        "The canary's {metric} against the stable baseline, minute by minute. The gate's threshold is {threshold} × baseline. Every minute the gate pools the last {window} minutes of canary requests; the first time that pooled value is above the threshold (the shaded window, ending at minute {fire}), the gate acts: the canary is aborted and its line ends."
    );
    view! {
        <Figure id="diagram-gate" title=format!("A gate: {metric} above {threshold} × baseline for {window} minutes") desc=desc view_box="0 0 680 215">
            <rect x=wx0 y="10" width=wx1 - wx0 height="150" class="d-window-fill" />
            <text x=(wx0 + wx1) / 2.0 y="24" text-anchor="middle" class="d-small">{format!("last {window} min, pooled")}</text>
            <line x1=x0 y1=base_y x2="640" y2=base_y class="d-baseline" />
            <text x="8" y=base_y + 4.0 class="d-small">"stable"</text>
            <line x1=x0 y1=thr_y x2="640" y2=thr_y class="d-threshold" />
            <text x="8" y=thr_y + 4.0 class="d-small">{format!("{threshold}×")}</text>
            <path d=path class="d-canary-line" />
            <line x1=wx1 y1="10" x2=wx1 y2="160" class="d-abort" />
            <text x=wx1 y="178" text-anchor="middle" class="d-label">{format!("minute {fire}: abort, weight → 0")}</text>
            <line x1="60" y1="200" x2="84" y2="200" class="d-canary-line" />
            <text x="90" y="204" class="d-small">"canary"</text>
            <line x1="150" y1="200" x2="174" y2="200" class="d-baseline" />
            <text x="180" y="204" class="d-small">"stable (baseline)"</text>
            <line x1="290" y1="200" x2="314" y2="200" class="d-threshold" />
            <text x="320" y="204" class="d-small">"threshold"</text>
            <text x="640" y="204" text-anchor="end" class="d-small">"minutes →"</text>
        </Figure>
    }
}

fn playbook(title: String, steps: Vec<String>) -> impl IntoView {
    let n = steps.len();
    let per_row = 3usize;
    let rows = n.div_ceil(per_row);
    let h = 20.0 + rows as f64 * 80.0;
    let boxes = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let r = i / per_row;
            let c = i % per_row;
            let x = 20.0 + c as f64 * 220.0;
            let y = 15.0 + r as f64 * 80.0;
            let arrow = (i + 1 < n && c + 1 < per_row).then(|| view! {
                <line x1=x + 180.0 y1=y + 25.0 x2=x + 215.0 y2=y + 25.0 class="d-arrow" marker-end="url(#pb-head)" />
            });
            let down = (i + 1 < n && c + 1 == per_row).then(|| view! {
                <path d=format!("M{},{} L{},{} L{},{} L{},{}", x + 90.0, y + 50.0, x + 90.0, y + 65.0, 110.0, y + 65.0, 110.0, y + 79.0) class="d-arrow-path" marker-end="url(#pb-head)" />
            });
            view! {
                <g>
                    <rect x=x y=y width="180" height="50" rx="8" class="d-box" />
                    // Long step names get the smaller type, so they keep a margin in the box.
                    <text x=x + 90.0 y=y + 30.0 text-anchor="middle" class={if s.chars().count() > 18 { "d-small d-strong" } else { "d-label" }}>{format!("{}. {s}", i + 1)}</text>
                    {arrow}
                    {down}
                </g>
            }
        })
        .collect::<Vec<_>>();
    let desc = format!(
        "{title}, in order: {}.",
        steps.iter().enumerate().map(|(i, s)| format!("{}. {s}", i + 1)).collect::<Vec<_>>().join(", ")
    );
    let vb = format!("0 0 680 {h}");
    view! {
        <Figure id=format!("diagram-{}", crate::core::markdown::slugify(&title)) title=title desc=desc view_box=vb>
            <defs>
                <marker id="pb-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="d-head" />
                </marker>
            </defs>
            {boxes}
        </Figure>
    }
}

fn decision(threshold: f64, window: u32) -> impl IntoView {
    let desc = format!(
        "Is the canary's p99 above {threshold} × baseline for {window} minutes? No: keep promoting. Yes: the canary is rolled back automatically and on-call is alerted. Then: is the root cause known and the patch risk-free? Yes: hotfix, a rollforward through the same canary. No: roll back fully and schedule the fix."
    );
    view! {
        <Figure id="diagram-decision" title="Hotfix or rollback: the decision tree" desc=desc view_box="0 0 680 300">
            <rect x="190" y="10" width="300" height="56" rx="8" class="d-box" />
            <text x="340" y="34" text-anchor="middle" class="d-label">{format!("p99 > {threshold}× baseline")}</text>
            <text x="340" y="54" text-anchor="middle" class="d-label">{format!("for {window} minutes?")}</text>
            <line x1="190" y1="38" x2="90" y2="100" class="d-arrow" />
            <text x="120" y="62" class="d-small">"no"</text>
            <rect x="10" y="100" width="160" height="44" rx="8" class="d-ok" />
            <text x="90" y="127" text-anchor="middle" class="d-label">"keep promoting"</text>
            <line x1="400" y1="66" x2="400" y2="100" class="d-arrow" />
            <text x="410" y="88" class="d-small">"yes"</text>
            <rect x="250" y="100" width="300" height="44" rx="8" class="d-bad" />
            <text x="400" y="127" text-anchor="middle" class="d-label">"auto-rollback the canary, alert on-call"</text>
            <line x1="400" y1="144" x2="400" y2="170" class="d-arrow" />
            <rect x="220" y="170" width="360" height="50" rx="8" class="d-box" />
            <text x="400" y="192" text-anchor="middle" class="d-label">"root cause known and"</text>
            <text x="400" y="210" text-anchor="middle" class="d-label">"patch risk-free?"</text>
            <line x1="300" y1="220" x2="200" y2="250" class="d-arrow" />
            <text x="222" y="242" class="d-small">"yes"</text>
            <rect x="60" y="250" width="260" height="40" rx="8" class="d-ok" />
            <text x="190" y="275" text-anchor="middle" class="d-label">"hotfix: rollforward via canary"</text>
            <line x1="500" y1="220" x2="560" y2="250" class="d-arrow" />
            <text x="540" y="242" class="d-small">"no"</text>
            <rect x="400" y="250" width="270" height="40" rx="8" class="d-bad" />
            <text x="535" y="275" text-anchor="middle" class="d-label">"roll back fully, fix later"</text>
        </Figure>
    }
}
