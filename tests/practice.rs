#![cfg(not(target_arch = "wasm32"))]
//! The practice models: share links, runbooks, checklists, assignments,
//! submissions, reviews and drafts.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use rollback_lab::core::assignment::{is_date, Assignment, AssignmentItem, ExerciseInfo, Review, Submission};
use rollback_lab::core::checklist::{Checklist, Template};
use rollback_lab::core::content::Course;
use rollback_lab::core::draft::Draft;
use rollback_lab::core::progress::Mark;
use rollback_lab::core::runbook::{Runbook, StageRow};
use rollback_lab::core::share::{self, base64url_decode, base64url_encode, pack, unpack, UnpackError};

fn course() -> Course {
    Course::from_dir(Path::new("content")).unwrap()
}

// ---- share links -------------------------------------------------------------

#[test]
fn base64url_round_trips_and_rejects_garbage() {
    for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\x00\xff\xfe<>?"] {
        assert_eq!(base64url_decode(&base64url_encode(data)).as_deref(), Some(data));
    }
    assert_eq!(base64url_encode(b"\xfb\xff"), "-_8");
    assert!(base64url_decode("abc$").is_none());
    assert!(base64url_decode("a").is_none());
}

#[test]
fn a_packed_value_unpacks_and_every_kind_of_damage_is_named() {
    let value = vec!["a".to_string(), "<script>".to_string()];
    let link = pack("checklist", 1, &value);
    let (back, v): (Vec<String>, u32) = unpack(&link, "checklist", 1).unwrap();
    assert_eq!((back, v), (value.clone(), 1));

    let err = |text: &str| unpack::<Vec<String>>(text, "checklist", 1).unwrap_err();
    assert_eq!(err(""), UnpackError::Empty);
    assert_eq!(err("not-a-link"), UnpackError::Damaged);
    assert_eq!(err(&link[..link.len() / 2]), UnpackError::Damaged, "cut in the middle");
    // Change one character of the body: the checksum no longer matches.
    let mut chars: Vec<char> = link.chars().collect();
    chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
    assert_eq!(err(&chars.into_iter().collect::<String>()), UnpackError::Tampered);
    assert!(matches!(err(&pack("assignment", 1, &value)), UnpackError::WrongKind { .. }));
    assert!(matches!(err(&pack("checklist", 3, &value)), UnpackError::Newer { found: 3, supported: 1 }));
    assert!(matches!(err(&pack("checklist", 1, &42)), UnpackError::Invalid(_)));
    assert!(matches!(err(&"x".repeat(share::MAX_PACKED + 1)), UnpackError::TooLong(_)));
    for e in [UnpackError::Damaged, UnpackError::Tampered, UnpackError::Newer { found: 2, supported: 1 }] {
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn query_params_are_found_and_decoded() {
    assert_eq!(share::query_param("?a=1&import=x%2Dy&b", "import").as_deref(), Some("x-y"));
    assert_eq!(share::query_param("a=1", "import"), None);
    assert_eq!(share::query_param("q=two+words", "q").as_deref(), Some("two words"));
    assert_eq!(share::query_param("q=bad%zz", "q").as_deref(), Some("bad%zz"));
}

proptest! {
    #[test]
    fn unpacking_arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = unpack::<Checklist>(&text, "checklist", 1);
    }

    #[test]
    fn packing_round_trips_any_strings(items in prop::collection::vec(".{0,40}", 0..8)) {
        let link = pack("x", 1, &items);
        let (back, _): (Vec<String>, u32) = unpack(&link, "x", 1).unwrap();
        prop_assert_eq!(back, items);
    }
}

// ---- runbooks ------------------------------------------------------------------

fn fields(r: &Runbook) -> Vec<String> {
    r.issues().into_iter().map(|i| i.field).collect()
}

#[test]
fn the_exercise_1_runbook_is_complete() {
    let mut r = Runbook::exercise_1("rb", 0.0);
    r.owner = "Ana".into();
    assert!(r.issues().is_empty(), "{:?}", r.issues());
    let pct: Vec<f64> = r.stage_percents().iter().map(|(p, _)| *p).collect();
    assert_eq!(pct, vec![5.0, 25.0, 50.0, 100.0]);
}

#[test]
fn stages_must_increase_and_end_at_100() {
    let mut r = Runbook::exercise_1("rb", 0.0);
    r.owner = "Ana".into();
    r.stages = vec![
        StageRow { percent: "5".into(), hold_minutes: "10".into() },
        StageRow { percent: "5".into(), hold_minutes: "10".into() },
        StageRow { percent: "abc".into(), hold_minutes: "x".into() },
        StageRow { percent: "50".into(), hold_minutes: "".into() },
    ];
    let f = fields(&r);
    assert!(f.contains(&"stages[1].percent".to_string()), "{f:?}");
    assert!(f.contains(&"stages[2].percent".to_string()), "{f:?}");
    assert!(f.contains(&"stages[2].hold_minutes".to_string()), "{f:?}");
    assert!(f.contains(&"stages".to_string()), "must end at 100: {f:?}");
    assert_eq!(r.issue("stages").as_deref(), Some("The last stage must be 100 %."));
    r.stages[3].percent = "150".into();
    assert!(fields(&r).contains(&"stages[3].percent".to_string()));
}

#[test]
fn thresholds_need_numbers_and_a_window_and_a_kill_switch_is_required() {
    let mut r = Runbook::exercise_1("rb", 0.0);
    r.owner = "Ana".into();
    r.thresholds[0].value = "one percent".into();
    r.thresholds[1].window_minutes = "".into();
    r.thresholds[1].compare = "ratio".into();
    r.thresholds[2].value = "NaN".into();
    for f in &mut r.flags {
        f.kill_switch = false;
    }
    let f = fields(&r);
    for want in ["thresholds[0].value", "thresholds[1].window_minutes", "thresholds[2].value", "flags"] {
        assert!(f.contains(&want.to_string()), "{want}: {f:?}");
    }
}

#[test]
fn the_markdown_layout_is_fixed_and_escapes_table_cells() {
    let mut r = Runbook::exercise_1("rb", 0.0);
    r.owner = "Ana | Ops\nteam".into();
    let md = r.to_markdown("2026-11-26");
    for heading in [
        "# Runbook: Require customerType",
        "## Feature flags",
        "## Rollout stages",
        "## Abort thresholds",
        "## Database phases",
        "**Last safe rollback point:**",
        "## Rollback",
        "## Rollforward",
        "## Communication",
    ] {
        assert!(md.contains(heading), "missing {heading}\n{md}");
    }
    assert!(md.contains("Ana \\| Ops team"), "{md}");
    assert!(md.contains("| 4 | 100 % | — |"), "{md}");
    assert!(md.contains("p99 latency (ms) | above 1.4 × baseline | 10 min | roll back"), "{md}");
    let pos = |s: &str| md.find(s).unwrap();
    assert!(pos("## Feature flags") < pos("## Rollout stages") && pos("## Rollback") < pos("## Rollforward"));
}

// ---- checklists ------------------------------------------------------------------

#[test]
fn a_checklist_has_the_eight_items_plus_the_template_and_knows_its_blockers() {
    let c = course();
    let def = &c.checklists["pre-deploy"];
    let t = Template::starter("t", 0.0);
    let mut list = Checklist::new("c1", "Orders v1.43", def, Some(&t), 1.0);
    assert_eq!(list.items.len(), 11);
    let r = list.readiness();
    assert_eq!((r.checked, r.not_applicable, r.total, r.percent()), (0, 0, 11, 0));
    for item in list.items.iter_mut().take(10) {
        item.checked = true;
    }
    list.items[0].note = "https://grafana.example/d/orders".into();
    let r = list.readiness();
    assert_eq!(
        (r.answered(), r.total, r.percent()),
        (10, 11, 91),
        "rounded to the nearest, 100 only when all are done"
    );
    assert_eq!(r.to_string(), "10 of 11 checked");
    let blockers = list.blockers();
    assert_eq!(blockers.len(), 1);
    assert!(blockers[0].custom);
    let md = list.to_markdown("2026-11-26");
    assert!(md.contains("Readiness: **10 of 11 checked** (91 %)"), "{md}");
    assert!(md.contains("- [x] ") && md.contains("- [ ] "), "{md}");
    assert!(md.contains("— https://grafana.example/d/orders"), "{md}");
    assert!(md.contains("**Blockers (1):**"), "{md}");
    assert!(list.check_imported().is_ok());
    let empty = Checklist { items: vec![], ..list };
    assert!(empty.check_imported().is_err());
}

// ---- assignments and submissions ---------------------------------------------------

fn assignment() -> Assignment {
    Assignment {
        title: "Week 2: migrations".into(),
        instructions: "Work alone.".into(),
        items: vec![
            AssignmentItem::Exercise { slug: "exercise-2".into() },
            AssignmentItem::Exercise { slug: "mini-challenge".into() },
            AssignmentItem::Quiz { pass_percent: 80 },
        ],
        due: Some("2026-12-04".into()),
    }
}

#[test]
fn assignments_are_validated() {
    let ex = ["exercise-1", "exercise-2", "mini-challenge"];
    assert!(assignment().problems(&ex).is_empty());
    let bad = Assignment {
        title: " ".into(),
        instructions: String::new(),
        items: vec![AssignmentItem::Exercise { slug: "exercise-9".into() }, AssignmentItem::Quiz { pass_percent: 0 }],
        due: Some("2026-02-30".into()),
    };
    assert_eq!(bad.problems(&ex).len(), 4, "{:?}", bad.problems(&ex));
    assert!(is_date("2028-02-29") && !is_date("2027-02-29") && !is_date("26-1-1") && !is_date("2026-13-01"));
}

#[test]
fn a_submission_round_trips_and_reads_as_markdown() {
    let mut drafts = BTreeMap::new();
    let mut d = Draft { text: "1. Expand\n2. <script>alert(1)</script>".into(), at: 5.0, ..Default::default() };
    d.rubric.insert("own-0".into(), Mark { on: true, at: 6.0 });
    d.revealed_at = Some(7.0);
    drafts.insert("exercise-2".to_string(), d);
    let infos = [
        ExerciseInfo {
            slug: "exercise-2",
            title: "Exercise 2",
            rubric: vec![("own-0".into(), "Exact steps".into()), ("own-1".into(), "SQL".into())],
        },
        ExerciseInfo { slug: "mini-challenge", title: "Mini challenge", rubric: vec![] },
    ];
    let s = Submission::build(&assignment(), "Sam", "26/11/2026", &infos, &drafts, &[], &|t| t.to_string());
    assert_eq!(s.exercises.len(), 2);
    assert_eq!(s.exercises[0].rubric[0].mark, Some(true));
    assert_eq!(s.exercises[0].rubric[1].mark, None);
    assert!(s.exercises[0].saw_model_answer);
    let q = s.quiz.as_ref().unwrap();
    assert_eq!((q.pass_percent, q.met_pass_mark, q.best_percent), (80, false, None));
    assert!(s.markdown.contains("# Submission: Week 2: migrations"), "{}", s.markdown);
    assert!(s.markdown.contains("_Not taken._"));
    let json = serde_json::to_string_pretty(&s).unwrap();
    assert_eq!(Submission::parse(&json).unwrap(), s);
    // How the model answer came to be seen is said, not just that it was.
    assert!(!s.exercises[0].gave_up);
    assert!(s.exercises[0].model_answer_note().unwrap().contains("after the learner had marked the whole rubric"));
    assert!(s.markdown.contains("after the learner had marked the whole rubric"), "{}", s.markdown);
    let mut gave_up = s.exercises[0].clone();
    gave_up.gave_up = true;
    assert!(gave_up.model_answer_note().unwrap().contains("before finishing the rubric"));
    // What looks unfinished, for the warning before a file is made.
    assert_eq!(s.exercises[0].unfinished().as_deref(), Some("Exercise 2: rubric 1 of 2 marked"));
    assert_eq!(s.exercises[1].unfinished().as_deref(), Some("Mini challenge: no answer written"));
    // A submission file made before `gave_up` existed still opens.
    let old = json.replace(",\n      \"gave_up\": false", "");
    assert!(!old.contains("gave_up"), "{old}");
    assert_eq!(Submission::parse(&old).unwrap(), s);
}

#[test]
fn a_due_date_in_the_past_is_noticed() {
    let mut a = assignment();
    a.due = Some("2026-12-04".into());
    assert!(a.due_in_the_past("2026-12-07"));
    assert!(!a.due_in_the_past("2026-12-04"), "due today is not past");
    a.due = Some("2027-01-10".into());
    assert!(!a.due_in_the_past("2026-12-07"));
    a.due = Some("not a date".into());
    assert!(!a.due_in_the_past("2026-12-07"), "a malformed date is a problem of its own, not 'past'");
}

#[test]
fn hostile_or_foreign_submission_files_are_refused_clearly() {
    for (text, needle) in [
        ("", "empty"),
        ("<html><script>alert(1)</script>", "not valid JSON"),
        ("{\"kind\": \"something-else\"}", "not a Rollback Lab submission"),
        ("{\"kind\": \"rollback-lab-submission\", \"version\": 99}", "newer version"),
        ("{\"kind\": \"rollback-lab-submission\", \"version\": 1, \"learner\": 5}", "damaged"),
    ] {
        let err = Submission::parse(text).unwrap_err();
        assert!(err.contains(needle), "{text}: {err}");
    }
    let huge = format!("{{\"kind\": \"{}\"}}", "x".repeat(3_000_000));
    assert!(Submission::parse(&huge).unwrap_err().contains("KB"));
}

#[test]
fn review_feedback_exports_as_markdown() {
    let s = Submission::build(&assignment(), "Sam", "today", &[], &BTreeMap::new(), &[], &|t| t.to_string());
    let mut r = Review { overall: "Good start.".into(), ..Default::default() };
    r.feedback.insert("quiz".into(), "Retake it.".into());
    let md = r.to_markdown(&s);
    assert!(md.contains("# Feedback: Week 2: migrations") && md.contains("For Sam"));
    assert!(md.contains("## Overall\n\nGood start.") && md.contains("## Quick test\n\nRetake it."));
    assert_eq!(Review::key(&s), "Sam|today|Week 2: migrations");
}

// ---- drafts ----------------------------------------------------------------------

#[test]
fn the_model_answer_waits_for_the_rubric_or_giving_up() {
    let ids: Vec<String> = vec!["a".into(), "b".into()];
    let mut d = Draft::default();
    assert!(!d.may_reveal(&ids));
    d.rubric.insert("a".into(), Mark { on: true, at: 1.0 });
    assert!(!d.may_reveal(&ids));
    d.rubric.insert("b".into(), Mark { on: false, at: 2.0 });
    assert!(d.may_reveal(&ids), "marking 'not yet' counts as marking");
    let gave_up = Draft { gave_up: true, ..Default::default() };
    assert!(gave_up.may_reveal(&ids));
}

#[test]
fn drafts_from_two_tabs_merge_by_time() {
    let mut a = Draft { text: "old".into(), at: 1.0, ..Default::default() };
    a.rubric.insert("x".into(), Mark { on: true, at: 10.0 });
    let mut b = Draft { text: "new".into(), at: 2.0, ..Default::default() };
    b.rubric.insert("x".into(), Mark { on: false, at: 5.0 });
    b.rubric.insert("y".into(), Mark { on: true, at: 5.0 });
    let m = Draft::merge(&a, &b);
    assert_eq!(m.text, "new");
    assert_eq!(m.mark("x"), Some(true), "the later mark wins");
    assert_eq!(m.mark("y"), Some(true));
    // "new" was not edited from "old": the older words are kept beside it.
    assert_eq!(m.others.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(), ["old"]);
}

/// Two tabs start from the same saved text and both type before either
/// saves: whichever order the saves and the storage events come in, both
/// tabs end with the same draft, and neither tab's words are lost.
#[test]
fn two_tabs_typing_at_once_keep_both_texts() {
    let mut start = Draft::default();
    start.edit("shared".into(), 0.0, 1.0);
    // Tab A saves first; tab B's copy still has the start.
    let mut a = start.clone();
    a.edit("shared + A's words".into(), 1.0, 2.0);
    // B received A's save (merge), then saves its own typing, made from 1.0.
    let mut b = Draft::merge(&start, &a);
    assert!(b.others.is_empty(), "A's text was made from the start: no conflict yet");
    b.edit("shared + B's words".into(), 1.0, 3.0);
    assert_eq!(b.text, "shared + B's words");
    assert_eq!(b.others.len(), 1);
    assert_eq!(b.others[0].text, "shared + A's words");
    // A receives B's save: it reaches the same draft.
    let a2 = Draft::merge(&a, &b);
    assert_eq!(a2, b);
    assert_eq!(Draft::merge(&b, &a), b, "the order of the merge does not matter");
    // B saved without having received A's save at all: the merge keeps A's.
    let mut b_blind = start.clone();
    b_blind.edit("shared + B's words".into(), 1.0, 3.0);
    let m = Draft::merge(&a, &b_blind);
    assert_eq!((m.text.as_str(), m.others.len()), ("shared + B's words", 1));
    assert_eq!(m.others[0].text, "shared + A's words");
}

/// A tab that saw the other's text and went on typing from it makes no
/// conflict; a settled text does not come back from an older copy.
#[test]
fn editing_on_from_the_other_tab_makes_no_conflict_and_settled_stays_settled() {
    let mut a = Draft::default();
    a.edit("one".into(), 0.0, 1.0);
    let mut b = a.clone();
    b.edit("one two".into(), 1.0, 2.0);
    let m = Draft::merge(&a, &b);
    assert_eq!((m.text.as_str(), m.others.len()), ("one two", 0));

    let mut x = Draft::default();
    x.edit("x".into(), 0.0, 1.0);
    let mut y = x.clone();
    x.edit("x from A".into(), 1.0, 2.0);
    y.edit("x from B".into(), 1.0, 3.0);
    let mut both = Draft::merge(&x, &y);
    assert_eq!(both.others.len(), 1);
    let old = both.clone();
    let at = both.others[0].at;
    both.settle(at);
    assert!(both.others.is_empty());
    assert!(Draft::merge(&old, &both).others.is_empty(), "an older copy does not bring a settled text back");
    assert!(Draft::merge(&both, &x).others.is_empty());
    // Nothing typed yet is not a text worth keeping.
    let empty = Draft { at: 5.0, ..Default::default() };
    let mut typed = Draft::default();
    typed.edit("hello".into(), 0.0, 6.0);
    assert!(Draft::merge(&empty, &typed).others.is_empty());
}

#[test]
fn a_runbook_plan_runs_in_the_canary_simulator() {
    use rollback_lab::core::canary::plan::scenario_from_plan;
    use rollback_lab::core::canary::{Compare, Metric, Scenario, Sim};
    let mut r = Runbook::exercise_1("rb", 0.0);
    r.owner = "Ana".into();
    let plan = r.canary_plan();
    let sc = scenario_from_plan(&plan, &Scenario::default());
    assert!(sc.validate().is_ok(), "{:?}", sc.validate());
    let weights: Vec<f64> = sc.steps.iter().filter_map(|s| s.set_weight).collect();
    assert_eq!(weights, vec![5.0, 25.0, 50.0, 100.0]);
    assert_eq!(sc.minutes, 15 + 30 + 30 + 30);
    // "5xx above 1 % for 5 min" becomes an absolute 0.01 error-rate gate.
    let g = &sc.gates[0];
    assert_eq!((g.metric, g.compare, g.above, g.for_minutes), (Metric::ErrorRate, Compare::Absolute, Some(0.01), 5));
    let p99 = &sc.gates[1];
    assert_eq!((p99.metric, p99.compare, p99.above), (Metric::LatencyP99, Compare::Ratio, Some(1.4)));
    let kpi = &sc.gates[2];
    assert_eq!((kpi.metric, kpi.compare, kpi.below), (Metric::Kpi, Compare::Difference, Some(-0.02)));
    let mut sim = Sim::new(sc);
    sim.run_to_end();
    assert_eq!(sim.summary().outcome, rollback_lab::core::canary::Outcome::Promoted, "a healthy plan is promoted");
}

#[test]
fn a_runbook_nobody_typed_into_is_untouched_and_prints_no_empty_code() {
    let mut r = Runbook::new("rb-1", 1000.0);
    assert!(r.is_untouched());
    r.updated_at = 2000.0;
    assert!(r.is_untouched(), "saving alone changes nothing");
    let md = r.to_markdown("2026-11-26");
    assert!(!md.contains("``"), "an unnamed flag is a dash, not empty code: {md}");
    assert!(md.contains("| — | off | yes |"), "{md}");
    r.name = "orders-api 1.43".into();
    assert!(!r.is_untouched());
    let mut r2 = Runbook::new("rb-2", 1000.0);
    r2.flags[0].name = "orders.new_path".into();
    assert!(!r2.is_untouched());
    assert!(r2.to_markdown("2026-11-26").contains("| `orders.new_path` | off | yes |"));
}

/// An empty database phase is left out of the export; a step written on
/// several lines stays one list item, its command intact.
#[test]
fn empty_phases_are_left_out_and_multi_line_steps_stay_whole() {
    use rollback_lab::core::runbook::DbPhaseRow;
    let mut r = Runbook::new("rb-3", 1000.0);
    r.db_phases = vec![DbPhaseRow::default()];
    let md = r.to_markdown("2026-12-07");
    assert!(!md.contains("Database phases"), "{md}");
    assert!(!md.contains("— | — | —"), "{md}");
    r.db_phases.push(DbPhaseRow { phase: "Expand".into(), ..Default::default() });
    let md = r.to_markdown("2026-12-07");
    assert_eq!(md.matches("| Expand |").count(), 1, "{md}");
    assert_eq!(md.lines().filter(|l| l.starts_with("| — | — | — |")).count(), 0, "{md}");
    r.rollback_steps = vec![
        "Turn the flag off:\n```sh\nflagctl set orders.new_path off\n```".into(),
        "Watch the 5xx rate for 10 min".into(),
    ];
    let md = r.to_markdown("2026-12-07");
    assert!(
        md.contains("1. Turn the flag off:\n   ```sh\n   flagctl set orders.new_path off\n   ```\n2. Watch"),
        "{md}"
    );
    // The renderer reads it as one ordered list with a code block in item 1.
    let doc = rollback_lab::core::markdown::parse(&md, Default::default());
    let text = rollback_lab::core::markdown::plain_text(&doc.blocks);
    assert!(text.contains("flagctl set orders.new_path off"), "{text}");
}

#[test]
fn an_item_that_does_not_apply_is_answered_not_a_blocker_and_says_so() {
    let c = course();
    let def = &c.checklists["pre-deploy"];
    let mut list = Checklist::new("c2", "Config-only release", def, None, 1.0);
    let n = list.items.len();
    for item in list.items.iter_mut().skip(1) {
        item.checked = true;
    }
    assert_eq!(list.blockers().len(), 1);
    list.items[0].na = true;
    // "Does not apply" without a reason is not an answer yet.
    assert_eq!(list.blockers().len(), 1);
    assert_eq!(list.readiness().answered(), n - 1);
    assert!(list.to_markdown("2026-11-26").contains("with no reason given"));
    list.items[0].note = "No schema change in this release".into();
    assert!(list.blockers().is_empty());
    let r = list.readiness();
    assert_eq!((r.checked, r.not_applicable, r.answered(), r.percent()), (n - 1, 1, n, 100));
    assert_eq!(r.to_string(), format!("{n} of {n} answered ({} checked, 1 does not apply)", n - 1));
    let md = list.to_markdown("2026-11-26");
    assert!(md.contains("— **not applicable** — No schema change"), "{md}");
    assert!(md.contains("No blockers"), "{md}");
    // Old documents and links without the field still read, as applicable.
    let json = serde_json::to_string(&list).unwrap().replace(",\"na\":true", "");
    let back: Checklist = serde_json::from_str(&json).unwrap();
    assert!(!back.items[0].na);
}
