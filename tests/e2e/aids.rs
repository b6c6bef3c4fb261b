//! Learning aids: search, glossary, diagrams, live examples, game day.

use rollback_lab::core::gameday::Incident;

use crate::harness::{Browser, R};

#[tokio::test]
async fn search_finds_order_status_and_jumps_to_the_heading() -> R {
    let b = Browser::new().await?;
    b.open("/").await?;
    // "/" focuses the search box.
    b.js("document.activeElement.blur();").await?;
    b.keys("/").await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'search-box'").await?;
    b.keys("order_status").await?;
    b.wait_for_css(".search-results .search-hit mark").await?;
    b.wait_for_text("#search-count", "results").await?;
    let marked = b.js("return document.querySelector('.search-results mark').textContent.toLowerCase();").await?;
    assert_eq!(marked.as_str(), Some("order_status"));
    let href = b.js("return document.querySelector('.search-results a').getAttribute('href');").await?;
    let href = href.as_str().unwrap().to_string();
    assert!(href.starts_with("/learn/"), "{href}");
    // Keyboard: down to the first result, Enter to open it.
    b.keys("\u{E015}").await?; // ArrowDown
    b.wait_js("document.activeElement && document.activeElement.matches('.search-results a')").await?;
    b.keys("\u{E007}").await?; // Enter
    let (path, anchor) =
        href.split_once('#').map(|(p, a)| (p.to_string(), Some(a.to_string()))).unwrap_or((href.clone(), None));
    b.wait_js(&format!("location.pathname === {}", serde_json::json!(path))).await?;
    if let Some(a) = anchor {
        b.wait_for_css(&format!("[id='{a}']")).await?;
        b.wait_js(&format!(
            "Math.abs(document.getElementById({}).getBoundingClientRect().top) < 300",
            serde_json::json!(a)
        ))
        .await?;
        b.wait_for_text(&format!("[id='{a}']"), "").await?;
    }
    // The results page lists everything and says how many.
    b.open("/search?q=order_status").await?;
    b.wait_for_text("main [role=status]", "results for").await?;
    // Hits in pages of the tools build are loaded by the browser (rel=external),
    // hits in reader pages stay with the router.
    let rels = b
        .js("return [...document.querySelectorAll('main .search-hit a')].map(a => [a.getAttribute('href'), a.getAttribute('rel')]);")
        .await?;
    let rels = rels.as_array().unwrap();
    let rel_of = |prefix: &str| {
        rels.iter()
            .find(|p| p[0].as_str().unwrap_or("").starts_with(prefix))
            .map(|p| p[1].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("no hit under {prefix}: {rels:?}"))
    };
    assert_eq!(rel_of("/learn/exercise-2"), Some("external".to_string()));
    assert_eq!(rel_of("/learn/example-rename-column"), None);
    // A typo gets a suggestion that leads to results.
    b.open("/search?q=rollbak").await?;
    b.wait_for_text(".search-suggestion", "Did you mean rollback?").await?;
    b.click(".search-suggestion a").await?;
    b.wait_for_css("main .search-hit").await?;
    b.assert_no_errors("search").await?;
    Ok(())
}

#[tokio::test]
async fn the_canary_lesson_runs_its_embedded_canary_and_the_gate_fires() -> R {
    let b = Browser::new().await?;
    b.open("/learn/canary-releases").await?;
    b.wait_for_css(".live .chart svg").await?;
    b.wait_for_text(".live .live-outcome", "Rolled back at minute").await?;
    b.wait_for_css(".live .marker.rollback").await?;
    // No regression: nothing to catch.
    b.fill(".live input[type=range]", "1").await?;
    b.wait_js("!document.querySelector('.live .live-outcome').textContent.includes('Rolled back')").await?;
    b.fill(".live input[type=range]", "1.6").await?;
    b.wait_for_text(".live .live-outcome", "Rolled back").await?;
    // The diagram is an accessible image with a description.
    b.wait_for_css("#diagram-canary-split svg[role=img] desc").await?;
    // A glossary term links to its entry and has a tooltip.
    let term = b.js("const a = document.querySelector('a.term'); return [a.getAttribute('href'), document.getElementById(a.getAttribute('aria-describedby')).textContent];").await?;
    assert!(term[0].as_str().unwrap().starts_with("/glossary#"));
    assert!(term[1].as_str().unwrap().len() > 20);
    // Every tooltip opened by keyboard stays inside the window (those near
    // the right edge open to the left), and none sits in a table.
    let overflow = b
        .js("const w = innerWidth; const bad = []; for (const a of document.querySelectorAll('main a.term')) { a.focus(); const t = document.getElementById(a.getAttribute('aria-describedby')); const r = t.getBoundingClientRect(); if (r.width > 0 && (r.right > w || r.left < 0)) bad.push(a.textContent + ' ' + Math.round(r.left) + '-' + Math.round(r.right)); if (a.closest('table')) bad.push(a.textContent + ' in a table'); } document.activeElement.blur(); return bad;")
        .await?;
    assert_eq!(overflow, serde_json::json!([]), "tooltips outside the window: {overflow}");
    // The check question gives feedback.
    b.click(".live.check input").await?;
    b.click_text(".live.check button", "Check my answer").await?;
    b.wait_for_css(".check-feedback").await?;
    b.assert_no_errors("canary lesson").await?;
    Ok(())
}

#[tokio::test]
async fn the_threshold_explorer_and_the_inline_migration_respond() -> R {
    let b = Browser::new().await?;
    b.open("/learn/observability-gates").await?;
    // The gate diagram draws the pooled window the course teaches: the
    // shaded window ends where the gate aborts, and the canary's line ends there.
    b.wait_for_text("#diagram-gate desc", "pools the last 10 minutes").await?;
    let geometry = b
        .js("const s = document.querySelector('#diagram-gate svg'); const abort = s.querySelector('.d-abort'); const win = s.querySelector('.d-window-fill'); const d = s.querySelector('path.d-canary-line').getAttribute('d'); const lastX = parseFloat(d.split('L').pop().replace('M', '').split(',')[0]); return [parseFloat(abort.getAttribute('x1')), parseFloat(win.getAttribute('x')) + parseFloat(win.getAttribute('width')), lastX];")
        .await?;
    let g: Vec<f64> = serde_json::from_value(geometry)?;
    assert!((g[0] - g[1]).abs() < 0.5, "the window ends at the abort: {g:?}");
    assert!(g[2] < g[0] && g[0] - g[2] < 20.0, "the canary's line stops at the abort: {g:?}");
    b.fill("#live-threshold", "1.05").await?;
    b.wait_js("parseInt(document.querySelector('.threshold-results .big').textContent) > 0").await?;
    b.fill("#live-threshold", "2").await?;
    b.wait_js("parseInt(document.querySelectorAll('.threshold-results .big')[1].textContent) > 0").await?;
    b.open("/learn/expand-and-contract").await?;
    // The lesson's SQL renames `total`; the example says which column it moves.
    b.wait_for_text(".live p.muted", "this run moves status to order_status").await?;
    for _ in 0..4 {
        b.click_text(".live button", "Next phase").await?;
    }
    b.wait_for_text(".live .live-now", "Switch reads").await?;
    b.click_text(".live button", "What would a rollback cost now?").await?;
    b.wait_for_text(".live .live-lost", "loses no rows").await?;
    b.click_text(".live button", "Next phase").await?;
    b.wait_for_text(".live .live-now", "Contract").await?;
    b.click_text(".live button", "What would a rollback cost now?").await?;
    b.wait_for_text(".live .live-lost", "A rollback now loses").await?;
    b.assert_no_errors("aids").await?;
    Ok(())
}

#[tokio::test]
async fn a_game_day_is_played_to_the_end_and_its_debrief_downloads() -> R {
    let seed = (1..500).find(|s| !Incident::from_seed(*s).cause_found).unwrap();
    let incident = Incident::from_seed(seed);
    let b = Browser::new().await?;
    b.open(&format!("/game-day?seed={seed}")).await?;
    b.wait_for_text("main", &format!("Incident #{seed}")).await?;
    b.fill("#gd-speed", "3").await?;
    b.click_text("button", "Start the incident").await?;
    b.wait_js(&format!("/Minute (\\d+)/.test(document.querySelector('.gd-clock').textContent) && parseInt(document.querySelector('.gd-clock').textContent.match(/Minute (\\d+)/)[1]) >= {}", incident.at_minute + 2)).await?;
    b.screenshot("game-day-playing").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    b.click("button[data-step=freeze]").await?;
    b.click("button[data-step=killswitch]").await?;
    b.click("button[data-step=revert]").await?;
    b.wait_for_text(".gd-feedback", "Diagnosis").await?;
    let choice = match incident.right_db_choice() {
        rollback_lab::core::gameday::DbChoice::NothingToDo => "Nothing to do",
        rollback_lab::core::gameday::DbChoice::SwitchBack => "Switch reads and writes back",
        rollback_lab::core::gameday::DbChoice::RestoreBackup => "Restore the table",
        rollback_lab::core::gameday::DbChoice::TargetedRepair => "Targeted repair",
    };
    b.click_text(".gd-db button", choice).await?;
    b.wait_for_text(".gd-feedback", "Right call").await?;
    // Verify until the next minute has removed the bad path.
    b.wait_js("(() => { document.querySelector('button[data-step=verify]').click(); return document.querySelector('.gd-feedback').textContent.startsWith('Verified'); })()").await?;
    b.fill(
        "#gd-message",
        "orders-api release rolled back after checkout errors; impact 3 minutes; next update at 15:30.",
    )
    .await?;
    b.click_text(".gd-comms button", "Post the message").await?;
    b.wait_for_text(".gd-feedback", "Posted").await?;
    b.click_text(".gd-decision button", "Stay rolled back").await?;
    b.wait_for_text(".gd-debrief", "Best possible").await?;
    b.wait_for_text(".gd-score", "6 of 6").await?;
    // Every step shows when it was done, and the debrief explains the points.
    b.wait_for_text(".gd-db h3", "✓ minute").await?;
    b.wait_for_text(".gd-comms h3", "✓ minute").await?;
    b.wait_for_text(".gd-feedback", "Incident over").await?;
    b.wait_for_text(".gd-decision-result", "You stayed rolled back. That fitted the diagnosis.").await?;
    b.wait_for_text(".gd-points", "Playbook steps in order").await?;
    b.wait_for_text(".gd-points", "48 / 48").await?;
    // Counts are written with thousands separators.
    let users = b
        .js("return Array.from(document.querySelectorAll('.gd-score tr')).find(r => r.textContent.startsWith('Users affected')).children[1].textContent;")
        .await?;
    let users = users.as_str().unwrap_or_default().to_string();
    let digits: String = users.chars().filter(|c| c.is_ascii_digit()).collect();
    assert_eq!(users, rollback_lab::core::num::thousands(digits.parse::<i64>().unwrap_or(-1)), "{users}");
    b.click_text("button", "Download the post-mortem").await?;
    let (name, md) = b.last_download().await?;
    assert!(name.starts_with("post-mortem-game-day-"));
    assert!(
        md.contains("# Post-mortem") && md.contains("## Timeline") && md.contains("On-call: Freeze promotions"),
        "{md}"
    );
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    // The run is kept.
    b.click_text("button", "New incident").await?;
    b.wait_for_text(".item-list", &format!("Incident #{seed}")).await?;
    b.assert_no_errors("game day").await?;
    Ok(())
}
