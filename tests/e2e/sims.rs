//! The canary and migration simulators, as a learner uses them.

use crate::harness::{Browser, R};
use serde_json::json;

#[tokio::test]
async fn worked_example_3_runs_from_its_page_and_the_gate_rolls_it_back() -> R {
    let b = Browser::new().await?;
    b.open("/learn/example-hotfix-or-rollback").await?;
    b.click_text(".run-card a", "Run this in the canary simulator").await?;
    b.wait_for_text("main h1", "Canary simulator").await?;
    b.wait_for_text(".scenario-description", "40 % slower").await?;
    b.wait_for_text(".summary-card .outcome", "Not started").await?;
    b.click_text("button", "Run to the end").await?;
    b.wait_for_text(".summary-card .outcome", "Rolled back").await?;
    // The button disabled itself; the focus went to the outcome, not <body>.
    b.wait_js("document.activeElement && document.activeElement.id === 'summary-title'").await?;
    b.wait_for_text(".event-log", "gate \"p99 > 1.4× baseline for 10 min\"").await?;
    // The gate that acted still says so after the canary's traffic is gone.
    b.wait_for_css(".gate-row[data-status=fired]").await?;
    b.wait_for_text(".gate-row[data-status=fired]", "at m9").await?;
    b.wait_for_text(".summary-card", "at the end of minute 9").await?;
    // The p99 chart shows the rollback as a marker, and the gate threshold line.
    b.wait_for_css("#chart-latency_p99 .marker.rollback").await?;
    b.wait_for_css("#chart-latency_p99 path.series.threshold").await?;
    b.wait_for_text(".summary-card .verdict", "never saw the regression").await?;
    b.screenshot("canary-worked-example-3").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    b.assert_no_errors("canary").await?;
    Ok(())
}

#[tokio::test]
async fn the_learner_steps_acts_and_shares_a_canary_run() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/canary?scenario=kill-switch-save").await?;
    b.wait_for_text(".sim-clock", "minute 0").await?;
    for _ in 0..6 {
        b.click_text("button", "Step 1 minute").await?;
    }
    b.wait_for_text(".sim-clock", "minute 6").await?;
    b.click_text("button", "Kill switch: off").await?;
    b.wait_for_text(".event-log", "kill switch").await?;
    b.wait_for_text(".sim-status", "new code path off").await?;
    let events_before = b.js("return document.querySelectorAll('.event-log li').length;").await?;
    // The share link replays the same run in a fresh browser.
    b.click_text("button", "Copy share link").await?;
    let link = b
        .wait_js("document.getElementById('canary-share-link') && document.getElementById('canary-share-link').value")
        .await?;
    let other = Browser::new().await?;
    other.client.goto(link.as_str().unwrap()).await?;
    other.wait_for_text(".sim-clock", "minute 7").await?;
    other.wait_for_text(".sim-status", "new code path off").await?;
    let events_after = other.js("return document.querySelectorAll('.event-log li').length;").await?;
    assert_eq!(events_before, events_after, "the replay has the same events");
    // A tampered link: a clear message and the default scenario.
    let bad = link.as_str().unwrap().replace("run=", "run=zz");
    other.client.goto(&bad).await?;
    other.wait_for_text("main .field-error", "can't be opened").await?;
    other.wait_for_css("#chart-error_rate").await?;
    other.assert_no_errors("shared run").await?;
    Ok(())
}

#[tokio::test]
async fn canary_parameters_re_simulate_and_bad_values_are_refused_beside_the_field() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/canary?scenario=worked-example-1").await?;
    b.click_text("button", "Run to the end").await?;
    b.wait_for_text(".summary-card .outcome", "Promoted").await?;
    // A big error fault from minute 3: the gate rolls it back at once.
    b.fill("#cs-fault-kind", "error").await?;
    b.fill("#cs-fault-at", "3").await?;
    b.fill("#cs-fault-factor", "40").await?;
    b.wait_for_text(".summary-card .outcome", "Rolled back").await?;
    // Values out of range are refused beside the field; the run stays as it was.
    for (id, bad, msg) in [
        ("#cs-error-rate", "-1", "Allowed: 0 to 100"),
        ("#cs-stages", "5, 250", "not a percentage"),
        ("#cs-minutes", "NaN", "Type a number"),
        ("#cs-fault-factor", "", "Type a number"),
        ("#cs-rpm", "0", "Allowed: 1 to"),
    ] {
        b.fill(id, bad).await?;
        b.wait_for_text(&format!("{id}-error"), msg).await?;
        b.wait_for_text(".summary-card .outcome", "Rolled back").await?;
    }
    b.assert_no_errors("params").await?;
    Ok(())
}

#[tokio::test]
async fn a_runbook_plan_opens_in_the_canary_simulator() -> R {
    let b = Browser::new().await?;
    b.open("/runbooks").await?;
    b.click_text("button", "New from exercise 1").await?;
    b.wait_for_css("#rb-name").await?;
    b.click_text("button", "Try this plan in the canary simulator").await?;
    b.wait_for_text("main h1", "Canary simulator").await?;
    b.wait_for_text(".gate-list", "5xx rate").await?;
    b.click_text("button", "Run to the end").await?;
    b.wait_for_text(".summary-card .outcome", "Promoted").await?;
    Ok(())
}

async fn skip(b: &Browser) -> R {
    b.click_text("button", "Skip until idle").await
}

#[tokio::test]
async fn the_rename_through_contract_then_a_rollback_counts_the_rows_lost() -> R {
    let b = Browser::new().await?;
    b.open("/learn/example-rename-column").await?;
    b.click_text(".run-card a", "migration simulator").await?;
    b.wait_for_text("main h1", "Migration simulator").await?;
    b.wait_for_text(".summary-card", "200,000,000").await?;
    // Before expand the validation queries fail as PostgreSQL would, once.
    b.wait_for_text(".validations", "ERROR: column \"order_status\" does not exist").await?;
    assert!(!b.text(".validations").await?.contains("ERROR: ERROR"));
    b.click("button[data-action=expand]").await?;
    skip(&b).await?;
    b.wait_for_text(".phase[data-status=done] .phase-name", "Expand").await?;
    b.click("button[data-action=dual_write]").await?;
    skip(&b).await?;
    b.click("button[data-action=backfill]").await?;
    skip(&b).await?;
    b.wait_for_text(".backfill", "100.0 %").await?;
    b.wait_for_text(".validations", "✓").await?;
    // Before contract, a rollback costs nothing.
    b.click("button[data-action=switch_reads]").await?;
    skip(&b).await?;
    b.click("button[data-action=rollback]").await?;
    b.wait_for_text(".confirm .rows-lost", "loses no rows").await?;
    // The question takes the focus on its safe choice; Escape closes it and
    // gives the focus back to the button that asked it.
    b.wait_js("document.activeElement && document.activeElement.textContent === 'Cancel'").await?;
    b.keys("\u{E00C}").await?;
    b.wait_js("!document.querySelector('.confirm')").await?;
    b.wait_js("document.activeElement && document.activeElement.dataset.action === 'rollback'").await?;
    // The last safe rollback point is marked on the timeline.
    b.wait_for_text(".phase.last-safe .phase-name", "Switch reads").await?;
    // Contract is two moves: the build that stops naming `status` first,
    // then the DROP (a warning first, then the point of no return).
    b.click("button[data-action=deploy_new_only]").await?;
    skip(&b).await?;
    b.click("button[data-action=contract]").await?;
    b.wait_for_text(".confirm", "Point of no return").await?;
    b.click_text(".confirm button", "Contract").await?;
    skip(&b).await?;
    b.wait_for_text(".summary-card [data-phase]", "Contract").await?;
    // Time passes (stepped to the end, not raced on a running clock):
    // orders are written after the backup.
    b.click_text("button", "Run to the end").await?;
    b.wait_js("parseInt(document.querySelector('.facts dd:nth-of-type(7)').textContent.replace(/,/g, '')) > 0").await?;
    b.click("button[data-action=rollback]").await?;
    b.wait_for_text(".confirm .rows-lost", "This rollback loses").await?;
    let lost = b.js("return parseInt(document.querySelector('.confirm .rows-lost').dataset.rowsLost);").await?;
    assert!(lost.as_i64().unwrap_or(0) > 0, "rows lost: {lost}");
    b.wait_for_text(".confirm .last-safe-note", "Last safe rollback point: Switch reads").await?;
    b.wait_for_text(".confirm button.danger", "lose").await?;
    b.screenshot("migration-rollback-after-contract").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    b.click_text(".confirm button.danger", "Roll back").await?;
    b.wait_for_text(".event-log", "restore").await?;
    // The backfill panel says what the rollback did, not "100 % · 0 rows".
    b.wait_for_text(".backfill", "Rolled back").await?;
    b.assert_no_errors("migration").await?;
    Ok(())
}

#[tokio::test]
async fn migration_inputs_are_checked_and_the_run_can_be_shared() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/migration?scenario=healthy-rename").await?;
    // Running the clock before any step says where to begin.
    b.click_text("button", "Run the clock").await?;
    b.wait_for_text(".run-hint", "start with Expand").await?;
    b.click_text("button", "Restart").await?;
    // Settings out of range are refused beside the field.
    b.fill("#ms-batch", "0").await?;
    b.wait_for_text("#ms-batch-error", "Batch size must be").await?;
    assert!(!b.text("#ms-batch-error").await?.contains("batch_size"), "the field's words, not the file's key");
    b.fill("#ms-rows", "2000000000").await?;
    b.wait_for_text("#ms-rows-error", "Rows must be between").await?;
    b.fill("#ms-rows", "abc").await?;
    b.wait_for_text("#ms-rows-error", "whole number").await?;
    b.fill("#ms-rows", "1000000").await?;
    b.fill("#ms-batch", "10000").await?;
    b.wait_for_text(".summary-card", "1,000,000").await?;
    // A fault with a bad parameter is refused beside it as it is typed.
    b.fill("#mf-param", "2").await?;
    b.wait_for_text("#mf-param-error", "at most 1").await?;
    b.fill("#mf-param", "0.5").await?;
    b.wait_js("!document.getElementById('mf-param-error')").await?;
    // The parameter's label follows the kind of fault.
    b.fill("#mf-kind", "lag_spike").await?;
    b.wait_for_text("label[for=mf-param]", "Replica speed").await?;
    b.fill("#mf-kind", "batch_failures").await?;
    b.wait_for_text("label[for=mf-param]", "Failure rate").await?;
    // Act, share, replay elsewhere.
    b.click("button[data-action=expand]").await?;
    skip(&b).await?;
    b.click("button[data-action=dual_write]").await?;
    skip(&b).await?;
    b.click_text("button", "Copy share link").await?;
    let link = b
        .wait_js(
            "document.getElementById('migration-share-link') && document.getElementById('migration-share-link').value",
        )
        .await?;
    let other = Browser::new().await?;
    other.client.goto(link.as_str().unwrap()).await?;
    other.wait_for_text(".phase[data-status=done] .phase-name", "Dual write").await?;
    other.wait_js("document.getElementById('ms-rows').value === '1000000'").await?;
    let bad = link.as_str().unwrap().replace("run=", "run=x");
    other.client.goto(&bad).await?;
    other.wait_for_text("main .field-error", "can't be opened").await?;
    other.assert_no_errors("migration share").await?;
    Ok(())
}

#[tokio::test]
async fn the_fault_slider_re_runs_the_canary_with_the_new_factor() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/canary?scenario=error-spike-at-1-percent").await?;
    b.click_text("button", "Run to the end").await?;
    let before = b.wait_js("document.querySelector('.sim-status').dataset.status").await?;
    assert_eq!(before, json!("rolledback"), "errors × 100 are caught");
    // Drag the slider down to no fault at all (keyboard: Home).
    b.click("#cs-fault-slider").await?;
    b.keys("\u{E011}").await?; // Home
    b.wait_js("document.getElementById('cs-fault-factor').value === '1'").await?;
    b.wait_js("document.querySelector('.sim-status').dataset.status !== 'rolledback'").await?;
    assert_eq!(b.js("return document.getElementById('cs-fault-slider').value;").await?, json!("1"));
    b.assert_no_errors("slider").await?;
    Ok(())
}

/// A custom canary setup at minute 4 comes back as it was after a reload.
#[tokio::test]
async fn a_reload_brings_the_canary_run_back_where_it_was() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/canary?scenario=worked-example-1").await?;
    b.wait_for_text(".sim-clock", "minute 0").await?;
    b.fill("#cs-fault-kind", "error").await?;
    b.fill("#cs-fault-at", "3").await?;
    for _ in 0..4 {
        b.click_text("button", "Step 1 minute").await?;
    }
    b.wait_for_text(".sim-clock", "minute 4").await?;
    b.wait_js("document.getElementById('canary-scenario').value === 'custom'").await?;
    // Reload the page at a plain address: the run comes back, not example 1.
    b.open("/simulators/canary").await?;
    b.wait_for_text(".restored-note", "minute 4").await?;
    b.wait_for_text(".sim-clock", "minute 4").await?;
    b.wait_js("document.getElementById('canary-scenario').value === 'custom'").await?;
    b.wait_js("document.getElementById('cs-fault-kind').value === 'error' && document.getElementById('cs-fault-at').value === '3'").await?;
    // Restart forgets the note; a damaged kept run gets a plain message.
    b.click_text("button", "Restart").await?;
    b.wait_js("!document.querySelector('.restored-note')").await?;
    // (Set from another page: the simulator keeps its run when it is left.)
    b.open("/glossary").await?;
    b.js("localStorage.setItem('rollback-lab:session:canary', 'xx.00000000'); return true;").await?;
    b.open("/simulators/canary").await?;
    b.wait_for_text("main .field-error", "could not be brought back").await?;
    b.wait_for_css("#chart-error_rate").await?;
    b.assert_no_errors("canary reload").await?;
    Ok(())
}

/// A backfill under way in the migration simulator survives a reload.
#[tokio::test]
async fn a_reload_brings_the_migration_run_back_where_it_was() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/migration?scenario=rename-status").await?;
    b.click("button[data-action=expand]").await?;
    skip(&b).await?;
    b.click("button[data-action=dual_write]").await?;
    skip(&b).await?;
    b.click("button[data-action=backfill]").await?;
    let backfill = "Array.from(document.querySelectorAll('.phase')).find(p => p.querySelector('.phase-name').textContent === 'Backfill').dataset.status";
    b.wait_js(&format!("{backfill} !== 'pending'")).await?;
    let status = b.js(&format!("return {backfill};")).await?;
    let clock = b.text(".sim-clock").await?;
    let progress = b.text(".backfill").await?;
    b.open("/simulators/migration").await?;
    b.wait_for_css(".restored-note").await?;
    assert_eq!(b.text(".sim-clock").await?, clock, "the same simulated time");
    assert_eq!(b.text(".backfill").await?, progress, "the same backfill");
    assert_eq!(b.js(&format!("return {backfill};")).await?, status);
    b.wait_for_text(".phase[data-status=done] .phase-name", "Dual write").await?;
    b.assert_no_errors("migration reload").await?;
    Ok(())
}

/// A game day under way comes back at its minute after a reload, with its
/// clock stopped until the learner resumes it.
#[tokio::test]
async fn a_reload_in_a_game_day_resumes_the_same_incident_with_the_clock_stopped() -> R {
    let seed = 7;
    let b = Browser::new().await?;
    b.open(&format!("/game-day?seed={seed}")).await?;
    b.fill("#gd-speed", "3").await?;
    b.click_text("button", "Start the incident").await?;
    b.wait_js("parseInt((document.querySelector('.gd-clock').textContent.match(/Minute (\\d+)/) || [0, 0])[1]) >= 2")
        .await?;
    b.click("button[data-step=freeze]").await?;
    b.wait_for_text(".gd-step.done", "✓ minute").await?;
    let done_at = b.text(".gd-step.done .muted").await?;
    b.client.refresh().await?;
    b.wait_for_text(".gd-paused", "interrupted by a reload").await?;
    b.wait_for_text(".gd-step.done .muted", &done_at).await?;
    let minute = |t: &str| t.split_whitespace().nth(1).and_then(|m| m.parse::<u32>().ok()).unwrap_or(0);
    let stopped_at = minute(&b.text(".gd-clock").await?);
    assert!(stopped_at >= 2, "clock {stopped_at}");
    // Steps wait for the clock.
    b.wait_js("document.querySelector('button[data-step=revert]').disabled").await?;
    b.click_text(".gd-paused button", "Resume the clock").await?;
    b.wait_js(&format!(
        "parseInt(document.querySelector('.gd-clock').textContent.match(/Minute (\\d+)/)[1]) > {stopped_at}"
    ))
    .await?;
    b.wait_js("!document.querySelector('button[data-step=revert]').disabled").await?;
    b.assert_no_errors("game day reload").await?;
    Ok(())
}

/// Contracting the moment reads are switched drops a column the running
/// build still names: reads and writes fail (SQLSTATE 42703) until a build
/// that no longer names it is everywhere. The two moves fail nothing.
#[tokio::test]
async fn contracting_right_after_switching_reads_fails_statements_and_two_moves_do_not() -> R {
    async fn to_switched_reads(b: &Browser) -> R {
        b.open("/simulators/migration?scenario=healthy-rename").await?;
        for action in ["expand", "dual_write", "backfill", "switch_reads"] {
            b.click(&format!("button[data-action={action}]")).await?;
            skip(b).await?;
        }
        Ok(())
    }
    let failed = "parseInt(Array.from(document.querySelectorAll('.summary-card dt')).find(d => d.textContent === 'Failed reads').nextElementSibling.textContent.replace(/,/g, ''))";
    let b = Browser::new().await?;
    to_switched_reads(&b).await?;
    b.click("button[data-action=contract]").await?;
    b.click_text(".confirm button", "Contract").await?;
    b.click_text("button", "Run to the end").await?;
    b.wait_js(&format!("{failed} > 0")).await?;
    b.wait_for_text(".sqlstate-failures", "42703 undefined_column").await?;
    let c = Browser::new().await?;
    to_switched_reads(&c).await?;
    c.click("button[data-action=deploy_new_only]").await?;
    skip(&c).await?;
    c.click("button[data-action=contract]").await?;
    c.click_text(".confirm button", "Contract").await?;
    c.click_text("button", "Run to the end").await?;
    c.wait_for_text(".summary-card [data-phase]", "Contract").await?;
    assert_eq!(c.js(&format!("return {failed};")).await?.as_i64(), Some(0));
    c.assert_no_errors("two moves").await?;
    Ok(())
}

/// Each status of the canary page says one true thing: not started before
/// the first minute, under way (not "ended") mid-run, no axes without data,
/// a custom setup says it is one, and the two pauses have their own names.
#[tokio::test]
async fn the_canary_page_says_one_true_thing_at_each_moment() -> R {
    let b = Browser::new().await?;
    b.open("/simulators/canary?scenario=worked-example-1").await?;
    b.wait_for_text(".sim-status", "Not started").await?;
    b.wait_for_text(".summary-card .outcome", "Not started").await?;
    b.wait_for_text("#chart-error_rate", "No data yet").await?;
    assert_eq!(b.js("return document.querySelectorAll('#chart-error_rate .grid').length;").await?.as_u64(), Some(0));
    let names: Vec<String> = serde_json::from_value(
        b.js("return Array.from(document.querySelectorAll('main button')).map(x => x.textContent);").await?,
    )?;
    assert!(
        names.iter().any(|n| n == "▶ Run the clock") && names.iter().any(|n| n == "Pause the rollout"),
        "{names:?}"
    );
    assert_eq!(names.iter().filter(|n| n.contains("Pause")).count(), 1, "one button per pause: {names:?}");
    for _ in 0..3 {
        b.click_text("button", "Step 1 minute").await?;
    }
    b.wait_for_text(".summary-card .verdict", "Under way: minute 3 of").await?;
    b.wait_for_text(".sim-status", "Canary progressing").await?;
    b.wait_js("document.querySelectorAll('#chart-error_rate .grid').length > 0").await?;
    b.fill("#cs-fault-kind", "error").await?;
    b.wait_for_text(".scenario-description", "Custom: ").await?;
    b.wait_for_text(".summary-card", "beyond its usual error rate").await?;
    b.wait_for_text(".summary-card", "per-request routing").await?;
    b.assert_no_errors("canary statuses").await?;
    Ok(())
}

/// On a phone the canary's charts come first and the playback bar stays on
/// screen; in game day the clock stays in view and the playbook comes
/// before the charts.
#[tokio::test]
async fn on_a_phone_the_run_is_in_view_and_the_playbook_beside_the_clock() -> R {
    let b = Browser::with_size(375, 812).await?;
    b.open("/simulators/canary?scenario=worked-example-1").await?;
    b.wait_for_css("#chart-error_rate").await?;
    let tops = b
        .js("const t = s => document.querySelector(s).getBoundingClientRect().top; \
             return [t('#chart-error_rate'), t('.sim-actions'), t('.params')];")
        .await?;
    let [chart, actions, params] = [0, 1, 2].map(|i| tops[i].as_f64().unwrap_or(f64::NAN));
    let screen = b.js("return innerHeight;").await?.as_f64().unwrap_or(0.0);
    assert!(chart < screen, "the first chart is on the first screen: {chart} of {screen}");
    assert!(chart < actions && actions < params, "charts, then actions, then settings: {tops}");
    // The playback bar is on screen wherever the page is scrolled.
    b.js("window.scrollTo(0, document.body.scrollHeight); return true;").await?;
    let bar = b
        .js("const r = document.querySelector('.sim-controls').getBoundingClientRect(); return [r.top, r.bottom, innerHeight];")
        .await?;
    let [top, bottom, screen] = [0, 1, 2].map(|i| bar[i].as_f64().unwrap_or(f64::NAN));
    assert!(
        (bottom - screen).abs() < 1.0 && top > screen * 0.6,
        "bar at the bottom, taking at most 40 % of the screen: {bar}"
    );
    b.click_text(".sim-controls button", "Step 1 minute").await?;
    b.wait_for_text(".sim-controls .sim-clock", "minute 1 of").await?;
    // "Run to the end" keeps the page where it is: the focus goes to the
    // rollout's state in the bar, not to the summary far below.
    b.js("window.scrollTo(0, 0); return true;").await?;
    b.click_text(".sim-controls button", "Run to the end").await?;
    b.wait_js("document.activeElement && document.activeElement.classList.contains('sim-status')").await?;
    assert!(b.js("return window.scrollY;").await?.as_f64().unwrap_or(1e9) < 50.0, "no jump down the page");
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");

    // The migration simulator: its first action on the first screen, the
    // clock's bar at the bottom.
    b.open("/simulators/migration?scenario=rename-status").await?;
    b.wait_for_css("button[data-action=expand]").await?;
    let placed = b
        .js("const e = document.querySelector('button[data-action=expand]').getBoundingClientRect(); \
             const bar = document.querySelector('.sim-playback').getBoundingClientRect(); \
             return [e.bottom, bar.top, bar.bottom, innerHeight];")
        .await?;
    let [expand, bar_top, bar_bottom, screen] = [0, 1, 2, 3].map(|i| placed[i].as_f64().unwrap_or(f64::NAN));
    assert!(expand < bar_top && (bar_bottom - screen).abs() < 1.0, "Expand above the bar at the bottom: {placed}");

    b.open("/game-day?seed=7").await?;
    b.click_text("button", "Start the incident").await?;
    b.wait_for_css(".gd-playbook").await?;
    let order = b
        .js("const t = s => document.querySelector(s).getBoundingClientRect().top; return [t('.gd-playbook'), t('#chart-error_rate')];")
        .await?;
    assert!(order[0].as_f64() < order[1].as_f64(), "playbook before the charts: {order}");
    b.js("document.querySelector('.gd-comms').scrollIntoView(); return true;").await?;
    let clock = b.js("const r = document.querySelector('.gd-clock').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;").await?;
    assert_eq!(clock.as_bool(), Some(true), "the clock stays in view");
    b.assert_no_errors("phone sims").await?;
    Ok(())
}
