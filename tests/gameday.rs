#![cfg(not(target_arch = "wasm32"))]
//! Game day: seeded incidents, the playbook as actions, scoring and the
//! post-mortem draft.

use rollback_lab::core::gameday::{DbChoice, DbState, Decision, GameDay, Incident, PlaybookStep};

#[test]
fn the_same_seed_gives_the_same_hidden_incident() {
    assert_eq!(Incident::from_seed(7), Incident::from_seed(7));
    let kinds: std::collections::BTreeSet<String> =
        (0..60).map(|s| format!("{:?}", Incident::from_seed(s).fault)).collect();
    assert!(kinds.len() >= 4, "seeds vary the fault: {kinds:?}");
    for s in 0..60 {
        let i = Incident::from_seed(s);
        assert!(i.scenario().validate().is_ok(), "seed {s}");
        assert!((4..13).contains(&i.at_minute));
    }
}

fn play_well(seed: u64) -> GameDay {
    let mut g = GameDay::new(seed);
    let at = g.incident.at_minute;
    while g.sim.minute() < at + 3 {
        g.tick();
    }
    assert!(g.act(PlaybookStep::Freeze).ok);
    assert!(g.act(PlaybookStep::KillSwitch).ok);
    assert!(g.act(PlaybookStep::Revert).ok);
    g.tick();
    let right = g.incident.right_db_choice();
    assert!(g.choose_db(right).ok);
    g.tick();
    assert!(g.act(PlaybookStep::Verify).ok, "healthy after kill switch and revert");
    g.message = "orders-api 1.43 rolled back; checkout affected for 4 minutes; next update 15:30.".into();
    assert!(g.act(PlaybookStep::Communicate).ok);
    g.decide(if g.incident.cause_found { Decision::Rollforward } else { Decision::StayRolledBack });
    while !g.finished() {
        g.tick();
    }
    g
}

#[test]
fn a_run_by_the_playbook_scores_close_to_the_best() {
    for seed in [1, 2, 3, 11, 29] {
        let g = play_well(seed);
        let s = g.score();
        assert_eq!(s.steps_in_order, 6);
        assert!(s.db_right && s.decision_right == Some(true) && s.data_lost == 0);
        assert_eq!(s.time_to_detect, Some(3));
        let best = g.best();
        assert!(best.points >= s.points.saturating_sub(15), "seed {seed}: best {} vs {}", best.points, s.points);
        assert!(s.points >= 70, "seed {seed}: {s:?}");
    }
}

#[test]
fn skipping_steps_restoring_needlessly_and_waiting_cost_points() {
    let seed = (0..200).find(|s| Incident::from_seed(*s).db != DbState::Contracted).unwrap();
    let good = play_well(seed).score();
    let mut g = GameDay::new(seed);
    while g.sim.minute() < g.incident.at_minute + 15 {
        g.tick();
    }
    g.act(PlaybookStep::Revert);
    g.act(PlaybookStep::Freeze);
    let out = g.choose_db(DbChoice::RestoreBackup);
    assert!(!out.ok && out.message.contains("rows written since the backup"));
    assert!(!g.act(PlaybookStep::Communicate).ok, "no message, no post");
    g.decide(Decision::StayRolledBack);
    let s = g.score();
    assert!(s.data_lost > 0);
    assert!(s.steps_in_order < 6);
    assert_eq!(s.time_to_detect, Some(15));
    assert!(s.points + 30 < good.points, "{} vs {}", s.points, good.points);
}

#[test]
fn verify_fails_while_users_still_meet_the_bad_path() {
    let mut g = GameDay::new(5);
    // Before anything was done there is nothing to verify, even while the
    // service still looks healthy (the fault has not started yet).
    let v = g.act(PlaybookStep::Verify);
    assert!(!v.ok && v.message.contains("Nothing to verify yet"), "{}", v.message);
    assert!(!g.done(PlaybookStep::Verify), "a refused step is not counted");
    while g.sim.minute() < g.incident.at_minute + 2 {
        g.tick();
    }
    let v = g.act(PlaybookStep::Verify);
    assert!(!v.ok && v.message.contains("Nothing to verify yet"));
    // The kill switch acts on the next minute: verifying at once is too early.
    assert!(g.act(PlaybookStep::KillSwitch).ok);
    let v = g.act(PlaybookStep::Verify);
    assert!(!v.ok && v.message.contains("Not yet"), "{}", v.message);
    assert!(!g.verified && !g.done(PlaybookStep::Verify));
    g.tick();
    assert!(g.act(PlaybookStep::Verify).ok);
    assert!(g.verified && g.done(PlaybookStep::Verify));
}

#[test]
fn the_debrief_names_steps_out_of_order_and_explains_the_points() {
    let mut g = GameDay::new(11);
    while g.sim.minute() < g.incident.at_minute + 3 {
        g.tick();
    }
    // Revert before freezing: Freeze comes out of order.
    assert!(g.act(PlaybookStep::Revert).ok);
    assert!(g.act(PlaybookStep::Freeze).ok);
    g.tick();
    assert!(g.act(PlaybookStep::Verify).ok);
    assert_eq!(g.out_of_order(), vec![PlaybookStep::Freeze]);
    g.decide(Decision::StayRolledBack);
    let s = g.score();
    let parts = s.parts();
    assert_eq!(parts.iter().map(|p| p.points).sum::<i32>().clamp(0, 100) as u32, s.points);
    assert_eq!(parts.iter().map(|p| p.max).sum::<u32>(), 100, "the points available add up to 100");
    let steps = parts.iter().find(|p| p.label == "Playbook steps in order").unwrap();
    assert_eq!(steps.points, 8 * s.steps_in_order as i32);
    let md = g.postmortem("2026-11-26");
    assert!(md.contains("## Decision\n\nStayed on the previous release"), "{md}");
    assert!(md.contains("Out of the playbook's order: Freeze promotions."), "{md}");
}

#[test]
fn the_post_mortem_draft_has_timeline_impact_and_next_steps() {
    let g = play_well(3);
    let md = g.postmortem("2026-11-26");
    for part in [
        "# Post-mortem",
        "## What happened",
        "## Impact",
        "Impact window: minute",
        "## Timeline",
        "On-call: Freeze promotions",
        "## What went well",
        "## Next steps",
    ] {
        assert!(md.contains(part), "missing {part}\n{md}");
    }
    assert!(!md.contains("fault"), "the timeline shows what a team would see, not ground truth");
}

/// A reload in the middle of an incident replays the log: the same minute,
/// the same steps, the same score as the game that was left.
#[test]
fn a_game_day_log_replays_the_game_it_recorded() {
    use rollback_lab::core::gameday::{GameDayLog, Input};
    for seed in [1, 2, 3, 11, 29] {
        let mut g = GameDay::new(seed);
        let mut log = GameDayLog::new(seed);
        let at = g.incident.at_minute;
        while g.sim.minute() < at + 2 {
            g.tick();
            log.minute = g.sim.minute();
        }
        log.apply(&mut g, Input::Step(PlaybookStep::Freeze));
        g.tick();
        log.apply(&mut g, Input::Step(PlaybookStep::Revert));
        let right = g.incident.right_db_choice();
        log.apply(&mut g, Input::Db(right));
        for _ in 0..3 {
            g.tick();
        }
        log.minute = g.sim.minute();
        g.message = "rolled back".into();
        log.message = g.message.clone();
        // Through JSON, as the session keeps it.
        let kept: GameDayLog = serde_json::from_str(&serde_json::to_string(&log).unwrap()).unwrap();
        let back = kept.replay();
        assert_eq!(back.sim.minute(), g.sim.minute(), "seed {seed}");
        assert_eq!(back.steps, g.steps);
        assert_eq!(back.db_choice, g.db_choice);
        assert_eq!(back.message, g.message);
        assert_eq!(back.score(), g.score());
        assert_eq!(back.sim.ticks().len(), g.sim.ticks().len());
    }
}
