#![cfg(not(target_arch = "wasm32"))]
//! The store's logic against an in-memory backend that can fail: loading,
//! recovery, saving, import checks, tab merges, and the schema fixtures.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rollback_lab::core::progress::{self, merge, DecodeError, Progress, QuizAttempt, SCHEMA_VERSION};
use rollback_lab::core::quiz::Score;
use rollback_lab::store::{self, check_import, ImportCheck, MemoryBackend, Problem, StoreError, BACKUP_PREFIX, KEY};

fn attempt(id: &str, correct: u32, at: f64) -> QuizAttempt {
    QuizAttempt {
        id: id.into(),
        started_at: at - 1000.0,
        finished_at: at,
        seed: 1,
        answers: BTreeMap::new(),
        score: Score { correct, total: 10, percent: correct * 10, passed: correct >= 7, questions: vec![] },
    }
}

fn backend_with(raw: &str) -> MemoryBackend {
    let b = MemoryBackend::new();
    b.items.borrow_mut().insert(KEY.into(), raw.into());
    b
}

#[test]
fn a_fresh_browser_starts_empty_and_writable() {
    let loaded = store::load(&MemoryBackend::new(), 1.0);
    assert_eq!(loaded.progress, Progress::default());
    assert!(loaded.problem.is_none() && loaded.writable);
}

#[test]
fn saved_progress_loads_back() {
    let b = MemoryBackend::new();
    let mut p = Progress::default();
    p.set_done("canary-releases", true, 5.0);
    p.add_attempt(attempt("a", 7, 10.0));
    store::save(&b, &p).unwrap();
    let loaded = store::load(&b, 20.0);
    assert_eq!(loaded.progress, p);
    assert_eq!(loaded.from_version, Some(SCHEMA_VERSION));
}

#[test]
fn corrupted_json_is_backed_up_and_reported() {
    let b = backend_with("{\"schema_version\": 1, \"lessons\": {tru");
    let loaded = store::load(&b, 1234.0);
    let Some(Problem::Unreadable { error: DecodeError::Syntax(_), raw, backup_key: Some(key) }) = &loaded.problem
    else {
        panic!("{:?}", loaded.problem)
    };
    assert_eq!(key, &format!("{BACKUP_PREFIX}1234"));
    assert_eq!(b.items.borrow().get(key).map(String::as_str), Some(raw.as_str()));
    assert!(loaded.writable, "with a backup kept, the app may save again");
    assert!(loaded.problem.as_ref().unwrap().message().contains("could not be read"));
    assert_eq!(store::backups(&b), vec![key.clone()]);
    // Loading again before anything was saved keeps one copy, not two.
    let again = store::load(&b, 5678.0);
    assert!(matches!(again.problem, Some(Problem::Unreadable { backup_key: Some(ref k), .. }) if k == key));
    assert_eq!(store::backups(&b).len(), 1);
}

#[test]
fn a_future_version_is_never_overwritten() {
    let raw = "{\"schema_version\": 99, \"lessons\": {}, \"something_new\": true}";
    let b = backend_with(raw);
    let loaded = store::load(&b, 1.0);
    assert!(matches!(loaded.problem, Some(Problem::Unreadable { error: DecodeError::Future(99), .. })));
    assert!(!loaded.writable, "a newer app's data must not be overwritten");
    assert_eq!(b.items.borrow().get(KEY).map(String::as_str), Some(raw));
    assert!(loaded.problem.unwrap().message().contains("newer version"));
}

#[test]
fn a_value_of_the_wrong_shape_is_backed_up() {
    for raw in [
        "{\"schema_version\": 1, \"lessons\": [1, 2, 3]}",
        "{\"schema_version\": \"one\"}",
        "[1, 2, 3]",
        "{\"name\": \"someone else's app\"}",
        "null",
    ] {
        let b = backend_with(raw);
        let loaded = store::load(&b, 7.0);
        assert!(
            matches!(
                loaded.problem,
                Some(Problem::Unreadable { error: DecodeError::Shape(_) | DecodeError::Foreign(_), .. })
            ),
            "{raw}: {:?}",
            loaded.problem
        );
        assert!(loaded.writable);
        assert_eq!(loaded.progress, Progress::default());
    }
}

#[test]
fn disabled_storage_means_working_in_memory() {
    let b = MemoryBackend { disabled: true, ..Default::default() };
    let loaded = store::load(&b, 1.0);
    assert!(matches!(loaded.problem, Some(Problem::Unavailable { .. })));
    assert!(!loaded.writable);
    assert!(loaded.problem.unwrap().message().contains("export your progress"));
}

#[test]
fn quota_exceeded_on_save_is_reported_not_swallowed() {
    let b = MemoryBackend { quota: Some(200), ..Default::default() };
    let mut p = Progress::default();
    for i in 0..20 {
        p.add_attempt(attempt(&format!("attempt-{i}"), 5, f64::from(i)));
    }
    assert_eq!(store::save(&b, &p), Err(StoreError::QuotaExceeded));
    let problem = Problem::SaveFailed { error: StoreError::QuotaExceeded };
    assert!(problem.message().contains("full"));
}

#[test]
fn unreadable_data_with_no_room_for_a_backup_pauses_saving() {
    let garbage = "x".repeat(150);
    let b = MemoryBackend { quota: Some(200), ..Default::default() };
    b.items.borrow_mut().insert(KEY.into(), garbage.clone());
    let loaded = store::load(&b, 1.0);
    assert!(matches!(&loaded.problem, Some(Problem::Unreadable { backup_key: None, raw, .. }) if raw == &garbage));
    assert!(!loaded.writable, "nothing may overwrite the only copy");
    assert_eq!(loaded.problem.unwrap().raw(), Some(garbage.as_str()));
}

#[test]
fn import_checks_without_changing_anything() {
    let mut p = Progress::default();
    p.set_done("a", true, 1.0);
    p.add_attempt(attempt("x", 8, 2.0));
    match check_import(&p.to_json_pretty()) {
        ImportCheck::Valid { progress, attempts, lessons_done } => {
            assert_eq!(*progress, p);
            assert_eq!((attempts, lessons_done), (1, 1));
        }
        other => panic!("{other:?}"),
    }
    for (bad, needle) in [
        ("", "empty"),
        ("not json", "not valid JSON"),
        ("{\"hello\": 1}", "not a Rollback Lab progress file"),
        ("{\"schema_version\": 7}", "newer version"),
        ("{\"schema_version\": 1, \"quiz_attempts\": 5}", "wrong shape"),
    ] {
        match check_import(bad) {
            ImportCheck::Invalid(msg) => {
                assert!(msg.contains(needle), "{bad}: {msg}");
                assert!(msg.contains("Nothing was changed") || bad.is_empty(), "{msg}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn two_tabs_saving_at_once_keep_both_attempts() {
    let mut a = Progress::default();
    a.add_attempt(attempt("tab-a", 7, 100.0));
    a.set_step("rollback-playbook/0", true, 100.0);
    let mut b = Progress::default();
    b.add_attempt(attempt("tab-b", 6, 101.0));
    b.set_step("rollback-playbook/0", false, 90.0);
    b.set_done("canary-releases", true, 95.0);
    // Tab A receives B's save.
    let (merged, differs) = store::merge_from_other_tab(&a, &b.to_json()).unwrap();
    assert!(differs, "A must write back what B lacked");
    let ids: Vec<&str> = merged.quiz_attempts.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, vec!["tab-a", "tab-b"]);
    assert!(merged.step("rollback-playbook/0"), "the later change wins");
    assert!(merged.is_done("canary-releases"));
    // Tab B then receives A's write-back: nothing more to change.
    let (again, differs) = store::merge_from_other_tab(&merged, &merged.to_json()).unwrap();
    assert!(!differs);
    assert_eq!(again, merged);
    assert!(store::merge_from_other_tab(&a, "garbage").is_err());
}

#[test]
fn every_schema_fixture_loads_and_migrates_forward() {
    let dir = std::path::Path::new("tests/fixtures/progress");
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let raw = std::fs::read_to_string(entry.path()).unwrap();
        let (p, v) = progress::decode(&raw).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        assert_eq!(p.schema_version, SCHEMA_VERSION, "migrated to the current schema");
        assert!(p.is_done("canary-releases"), "{}: data survives migration", entry.path().display());
        assert_eq!(p.quiz_attempts.len(), 1);
        versions.push(v);
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>(), "a fixture for every schema version");
}

#[test]
fn an_older_version_is_backed_up_before_it_is_migrated() {
    if SCHEMA_VERSION == 1 {
        return;
    }
    let raw = std::fs::read_to_string("tests/fixtures/progress/v1.json").unwrap();
    let b = backend_with(&raw);
    let loaded = store::load(&b, 5.0);
    assert_eq!(loaded.from_version, Some(1));
    assert!(b.items.borrow().keys().any(|k| k.starts_with(&format!("{BACKUP_PREFIX}v1-"))));
}

fn arb_progress() -> impl Strategy<Value = Progress> {
    (
        prop::collection::vec(("[a-c]", any::<bool>(), 0u32..100), 0..6),
        prop::collection::vec(("[a-e]", 0u32..11, 0u32..100), 0..5),
    )
        .prop_map(|(steps, attempts)| {
            let mut p = Progress::default();
            for (k, on, at) in steps {
                p.set_step(&k, on, f64::from(at));
            }
            for (id, c, at) in attempts {
                p.add_attempt(attempt(&id, c, f64::from(at)));
            }
            p
        })
}

proptest! {
    #[test]
    fn merging_loses_no_attempt_and_is_idempotent(a in arb_progress(), b in arb_progress()) {
        let m = merge(&a, &b);
        for x in a.quiz_attempts.iter().chain(b.quiz_attempts.iter()) {
            prop_assert!(m.quiz_attempts.iter().any(|y| y.id == x.id));
        }
        prop_assert_eq!(merge(&m, &m), m.clone());
        let ids = |p: &Progress| { let mut v: Vec<String> = p.quiz_attempts.iter().map(|x| x.id.clone()).collect(); v.sort(); v };
        prop_assert_eq!(ids(&merge(&a, &b)), ids(&merge(&b, &a)));
    }
}

#[test]
fn next_step_and_completion_follow_the_learner() {
    let slugs = ["a", "b", "c"];
    let mut p = Progress::default();
    assert_eq!(p.next_step(&slugs), progress::NextStep::Start("a".into()));
    assert_eq!(p.completion(&slugs), 0);
    p.open_page("b", 1.0);
    assert_eq!(p.next_step(&slugs), progress::NextStep::Continue("b".into()));
    p.set_done("b", true, 2.0);
    assert_eq!(p.next_step(&slugs), progress::NextStep::Next("a".into()));
    p.set_done("a", true, 3.0);
    p.set_done("c", true, 4.0);
    assert_eq!(p.next_step(&slugs), progress::NextStep::TakeQuiz);
    assert_eq!(p.completion(&slugs), 75);
    p.add_attempt(attempt("x", 7, 5.0));
    assert_eq!(p.next_step(&slugs), progress::NextStep::Finished);
    assert_eq!(p.completion(&slugs), 100);
}

#[test]
fn best_attempt_is_the_highest_score() {
    let mut p = Progress::default();
    p.add_attempt(attempt("first", 7, 1.0));
    p.add_attempt(attempt("second", 6, 2.0));
    assert_eq!(p.best_attempt().unwrap().id, "first");
    p.add_attempt(attempt("third", 9, 3.0));
    assert_eq!(p.best_attempt().unwrap().id, "third");
    assert!(p.quiz_passed());
}

#[test]
fn describe_names_every_kind_of_saved_work_so_an_import_never_hides_any() {
    let mut p = Progress::default();
    assert_eq!(p.describe(), "0 pages done, 0 quiz attempts");
    p.set_done("a", true, 1.0);
    p.drafts
        .insert("exercise-2".into(), rollback_lab::core::draft::Draft { text: "plan".into(), ..Default::default() });
    let rb = rollback_lab::core::runbook::Runbook::new("rb-1", 1.0);
    p.runbooks.insert("rb-1".into(), rb.clone());
    let mut gone = rb;
    gone.id = "rb-2".into();
    gone.deleted_at = Some(2.0);
    p.runbooks.insert("rb-2".into(), gone);
    assert_eq!(p.describe(), "1 page done, 0 quiz attempts, 1 exercise draft, 1 runbook");
}

// ---- the home build's outline codec --------------------------------------------

#[test]
fn the_outline_reads_what_the_course_map_shows_and_leaves_the_rest_empty() {
    for v in 1..=SCHEMA_VERSION {
        let raw = std::fs::read_to_string(format!("tests/fixtures/progress/v{v}.json")).unwrap();
        let (full, _) = progress::decode(&raw).unwrap();
        let (outline, version) = progress::decode_outline(&raw).unwrap();
        assert_eq!(version, v);
        assert_eq!(outline.lessons, full.lessons, "v{v}: pages opened and done");
        assert_eq!(outline.steps, full.steps);
        assert_eq!(outline.last_page, full.last_page);
        assert_eq!(outline.theme, full.theme);
        let scores = |p: &Progress| {
            p.quiz_attempts.iter().map(|a| (a.id.clone(), a.score.correct, a.score.passed)).collect::<Vec<_>>()
        };
        assert_eq!(scores(&outline), scores(&full), "v{v}: quick test scores");
        let slugs = ["canary-releases", "feature-flags"];
        assert_eq!(outline.completion(&slugs), full.completion(&slugs));
        assert_eq!(outline.next_step(&slugs), full.next_step(&slugs));
        assert!(outline.runbooks.is_empty() && outline.drafts.is_empty() && outline.gamedays.is_empty());
    }
    // The same checks as the full decoder, before any field is read.
    assert!(matches!(progress::decode_outline("{not json"), Err(DecodeError::Syntax(_))));
    assert!(matches!(progress::decode_outline("{\"schema_version\": 99}"), Err(DecodeError::Future(99))));
    assert!(matches!(progress::decode_outline("[1]"), Err(DecodeError::Foreign(_))));
    assert!(matches!(progress::decode_outline("{\"schema_version\": 3, \"lessons\": 5}"), Err(DecodeError::Shape(_))));
}

#[test]
fn a_theme_saved_from_the_course_map_keeps_every_other_part_of_the_document() {
    let raw = std::fs::read_to_string("tests/fixtures/progress/v3.json").unwrap();
    let (before, _) = progress::decode(&raw).unwrap();
    assert!(!before.runbooks.is_empty() && !before.drafts.is_empty() && !before.gamedays.is_empty());
    let b = backend_with(&raw);
    let loaded = store::load_with(&b, 10.0, store::OUTLINE);
    let mut p = loaded.progress;
    p.set_theme("dark", 20.0);
    store::save_with(&b, &p, store::OUTLINE).unwrap();
    let stored = b.items.borrow().get(KEY).cloned().unwrap();
    let (after, _) = progress::decode(&stored).expect("the full decoder still reads it");
    assert_eq!(after.theme.as_ref().map(|t| (t.value.as_str(), t.at)), Some(("dark", 20.0)));
    assert_eq!(Progress { theme: None, ..after }, before, "nothing but the theme changed");
}

#[test]
fn the_outline_codec_writes_a_fresh_or_older_document_safely() {
    // Nothing stored: a document holding only the theme, readable in full.
    let b = MemoryBackend::new();
    let mut p = Progress::default();
    p.set_theme("light", 3.0);
    store::save_with(&b, &p, store::OUTLINE).unwrap();
    let (fresh, _) = progress::decode(&b.items.borrow()[KEY]).unwrap();
    assert_eq!(fresh, p);
    // An older schema is migrated, its data kept.
    let v1 = std::fs::read_to_string("tests/fixtures/progress/v1.json").unwrap();
    let b = backend_with(&v1);
    store::save_with(&b, &p, store::OUTLINE).unwrap();
    let (migrated, version) = progress::decode(&b.items.borrow()[KEY]).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert!(migrated.is_done("canary-releases") && migrated.quiz_attempts.len() == 1);
    assert_eq!(migrated.theme.map(|t| t.value), Some("light".to_string()));
    // Unreadable text is backed up when loaded, as with the full codec.
    let b = backend_with("{oops");
    let loaded = store::load_with(&b, 7.0, store::OUTLINE);
    assert!(matches!(loaded.problem, Some(Problem::Unreadable { backup_key: Some(_), .. })));
    assert_eq!(store::backups(&b).len(), 1);
}

#[test]
fn the_outline_codec_never_overwrites_what_it_cannot_read_unless_it_was_kept() {
    // Loaded from a readable document; then another tab stores a newer
    // schema: a theme change here must leave it alone.
    let raw = std::fs::read_to_string("tests/fixtures/progress/v3.json").unwrap();
    let b = backend_with(&raw);
    let mut p = store::load_with(&b, 1.0, store::OUTLINE).progress;
    let newer = raw.replacen("\"schema_version\": 3", &format!("\"schema_version\": {}", SCHEMA_VERSION + 1), 1);
    b.items.borrow_mut().insert(KEY.into(), newer.clone());
    p.set_theme("dark", 2.0);
    assert!(
        matches!(store::save_with(&b, &p, store::OUTLINE), Err(StoreError::Other(m)) if m.contains("newer version"))
    );
    assert_eq!(b.items.borrow()[KEY], newer, "the newer document is untouched");
    // Text that became unreadable after loading (no backup of it): refused too.
    b.items.borrow_mut().insert(KEY.into(), "{garbage".into());
    assert!(store::save_with(&b, &p, store::OUTLINE).is_err());
    assert_eq!(b.items.borrow()[KEY], "{garbage");
    // Unreadable at load time, so backed up: the save may replace it.
    let b = backend_with("{garbage");
    let mut p = store::load_with(&b, 3.0, store::OUTLINE).progress;
    p.set_theme("light", 4.0);
    store::save_with(&b, &p, store::OUTLINE).unwrap();
    assert_eq!(progress::decode(&b.items.borrow()[KEY]).unwrap().0.theme.map(|t| t.value), Some("light".into()));
    // No room for a backup: replaced only after the learner discards it.
    let b = backend_with("{garbage");
    assert!(store::save_with(&b, &p, store::OUTLINE).is_err());
    store::discard_stored(&b).unwrap();
    store::save_with(&b, &p, store::OUTLINE).unwrap();
    assert!(progress::decode(&b.items.borrow()[KEY]).is_ok());
}

/// A tool's working state is kept under its own key, apart from the progress
/// document, and is read back as it was written.
#[test]
fn a_tools_working_state_is_kept_apart_from_progress() {
    let b = MemoryBackend::new();
    assert_eq!(store::load_session(&b, "canary"), None);
    store::save_session(&b, "canary", "packed-run").unwrap();
    assert_eq!(store::load_session(&b, "canary").as_deref(), Some("packed-run"));
    assert_eq!(store::Backend::get(&b, KEY).unwrap(), None, "the progress document is untouched");
    store::save_session(&b, "canary", "").unwrap();
    assert_eq!(store::load_session(&b, "canary"), None, "an empty state is no state");
    store::save_session(&b, "gameday", "log").unwrap();
    store::clear_session(&b, "gameday").unwrap();
    assert_eq!(store::load_session(&b, "gameday"), None);
    // Storage that refuses: an error, never a panic.
    let off = MemoryBackend { disabled: true, ..Default::default() };
    assert!(store::save_session(&off, "canary", "x").is_err());
    assert_eq!(store::load_session(&off, "canary"), None);
}
