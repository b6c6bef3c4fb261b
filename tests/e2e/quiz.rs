//! The quick test and the progress kept in local storage.

use rollback_lab::core::quiz::{Kind, Question};

use crate::harness::{course, Browser, R};
use crate::pages::QuizPage;

/// How to answer a question.
#[derive(Clone, Copy)]
enum Plan {
    Right,
    Wrong,
    Skip,
}

async fn answer(quiz: &QuizPage<'_>, q: &Question, plan: Plan) -> R {
    match (plan, q.kind) {
        (Plan::Skip, _) => {}
        (Plan::Right, Kind::MultipleChoice) => quiz.choose(&q.correct()).await?,
        (Plan::Wrong, Kind::MultipleChoice) => quiz.choose(&q.prompt.distractors[..1]).await?,
        (Plan::Right, Kind::ShortAnswer) => quiz.type_answer(&q.correct().join(" ")).await?,
        (Plan::Wrong, Kind::ShortAnswer) => quiz.type_answer("a guess").await?,
        (Plan::Right, Kind::Ordering) => quiz.order(&q.correct()).await?,
        (Plan::Wrong, Kind::Ordering) => {
            let mut o = q.correct();
            o.reverse();
            quiz.order(&o).await?
        }
    }
    Ok(())
}

/// Take the whole test: `plan(index, question)` says how to answer each.
async fn take(quiz: &QuizPage<'_>, plan: impl Fn(usize, &Question) -> Plan) -> R {
    let questions = course().quiz()?.questions;
    quiz.start().await?;
    for (i, _) in questions.iter().enumerate() {
        let id = quiz.current_id().await?;
        let q = questions.iter().find(|q| q.id == id).ok_or("unknown question on screen")?;
        answer(quiz, q, plan(i, q)).await?;
        if i + 1 < questions.len() {
            quiz.next().await?;
        }
    }
    quiz.submit().await
}

/// A plan with exactly 7 of 10 right: the first seven questions that are not
/// the ordering one; the ordering question gets `ordering`, the rest wrong.
fn seven_right(questions: &[Question], ordering: Plan) -> impl Fn(usize, &Question) -> Plan {
    let right_ids: Vec<String> =
        questions.iter().filter(|q| q.kind != Kind::Ordering).take(7).map(|q| q.id.clone()).collect();
    move |_, q| match q.kind {
        Kind::Ordering => ordering,
        _ if right_ids.contains(&q.id) => Plan::Right,
        _ => Plan::Wrong,
    }
}

#[tokio::test]
async fn seven_right_passes_six_right_fails_and_both_attempts_survive_a_reload() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;

    // 7 right, 2 wrong, the ordering question left unanswered (warned).
    let questions = course().quiz()?.questions;
    take(&quiz, seven_right(&questions, Plan::Skip)).await?;
    let (score, percent, badge) = quiz.result().await?;
    assert_eq!((score.as_str(), percent.as_str()), ("7 / 10", "70 %"));
    assert!(badge.contains("Passed") && !badge.contains("Not"), "{badge}");
    // The result explains every question and links to the section to reread.
    assert_eq!(b.js("return document.querySelectorAll('.review-item').length;").await?.as_u64(), Some(10));
    assert_eq!(
        b.js("return document.querySelectorAll('.review-item .reread a[href^=\"/learn/\"]').length;").await?.as_u64(),
        Some(10)
    );
    b.wait_for_text(".review-item.wrong h3", "not answered").await?;
    b.screenshot("quiz-result").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe on the result page: {violations:?}");

    // Retake: 6 right (the ordering among them), 4 wrong.
    let mut right = 0;
    let plans: Vec<bool> = questions
        .iter()
        .map(|q| {
            let r = q.kind == Kind::Ordering || right < 5;
            if r && q.kind != Kind::Ordering {
                right += 1;
            }
            r
        })
        .collect();
    b.click_text(".result-actions button", "Retake").await?;
    b.wait_for_css(".question .prompt").await?;
    for (i, _) in questions.iter().enumerate() {
        let id = quiz.current_id().await?;
        let (qi, q) = questions.iter().enumerate().find(|(_, q)| q.id == id).unwrap();
        answer(&quiz, q, if plans[qi] { Plan::Right } else { Plan::Wrong }).await?;
        if i == 0 || q.kind == Kind::Ordering {
            b.screenshot(&format!("quiz-question-{i}")).await?;
            let violations = b.axe().await?;
            assert!(violations.is_empty(), "axe on question {i}: {violations:?}");
        }
        if i + 1 < questions.len() {
            quiz.next().await?;
        }
    }
    quiz.submit().await?;
    let (score, percent, badge) = quiz.result().await?;
    assert_eq!((score.as_str(), percent.as_str()), ("6 / 10", "60 %"));
    assert!(badge.contains("Not passed"), "{badge}");
    // The chips at the top agree with the score, one per question.
    let chips = b
        .js("return [document.querySelectorAll('.result-chips .chip').length, document.querySelectorAll('.result-chips .chip.ok').length];")
        .await?;
    assert_eq!(chips, serde_json::json!([10, 6]));

    // Reload: the dashboard shows the best score (70 %) with the pass badge,
    // and the quiz lists both attempts.
    b.open("/").await?;
    b.wait_for_text(".dashboard", "Best 70 %").await?;
    b.wait_for_text(".dashboard .badge", "Passed").await?;
    b.client.refresh().await?;
    b.wait_for_text(".dashboard", "Best 70 %").await?;
    quiz.open().await?;
    b.wait_js("document.querySelectorAll('table.attempts tbody tr').length === 2").await?;
    b.wait_for_text(".best-score", "7 / 10 (70 %)").await?;
    b.assert_no_errors("quiz").await?;
    Ok(())
}

#[tokio::test]
async fn answers_survive_a_reload_mid_test_and_the_keyboard_works() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    quiz.start().await?;
    let questions = course().quiz()?.questions;
    let id = quiz.current_id().await?;
    let q = questions.iter().find(|q| q.id == id).unwrap();
    answer(&quiz, q, Plan::Right).await?;
    b.client.refresh().await?;
    b.wait_for_css(".question .prompt").await?;
    assert_eq!(quiz.current_id().await?, id);
    b.wait_js("document.querySelector('.dot.answered') !== null").await?;
    // Options are real inputs with labels.
    let unlabelled = b
        .js("return Array.from(document.querySelectorAll('.question input')).filter(i => !i.labels || i.labels.length === 0).length;")
        .await?;
    assert_eq!(unlabelled.as_u64(), Some(0));
    // Keyboard: focus the first option, move with arrow keys (radio group) or space.
    b.js("document.querySelector('.question input').focus();").await?;
    b.keys(" ").await?;
    b.wait_js("document.activeElement.checked === true").await?;
    // "Next" puts the focus on the new question's heading, right above its
    // options (not on the page title, ten question buttons away).
    quiz.next().await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'question-heading'").await?;
    Ok(())
}

#[tokio::test]
async fn garbage_in_storage_shows_a_banner_and_can_be_downloaded() -> R {
    let b = Browser::new().await?;
    b.open("/").await?;
    let garbage = "{\"schema_version\": 1, \"lessons\": {oops";
    b.js(&format!("localStorage.setItem('rollback-lab:progress', {});", serde_json::json!(garbage))).await?;
    b.client.refresh().await?;
    b.wait_for_text("[data-testid=store-banner]", "could not be read").await?;
    // The app still works: open a lesson and mark it done.
    b.open("/learn/canary-releases").await?;
    b.wait_for_text("main h1", "Canary releases").await?;
    b.wait_for_text("[data-testid=store-banner]", "could not be read").await?;
    b.click_text("[data-testid=store-banner] button", "Download the saved data").await?;
    let text = b.wait_js("window.__lastDownload && window.__lastDownload.text").await?;
    assert_eq!(text.as_str(), Some(garbage));
    // And a backup key holds it.
    let backup = b
        .js("return Object.keys(localStorage).filter(k => k.startsWith('rollback-lab:backup:')).map(k => localStorage.getItem(k));")
        .await?;
    assert_eq!(backup, serde_json::json!([garbage]));
    b.assert_no_errors("garbage").await?;
    Ok(())
}

#[tokio::test]
async fn a_newer_version_and_a_wrong_shape_are_reported_and_kept() -> R {
    let b = Browser::new().await?;
    b.open("/").await?;
    let future = "{\"schema_version\": 42, \"lessons\": {}}";
    b.js(&format!("localStorage.setItem('rollback-lab:progress', {});", serde_json::json!(future))).await?;
    b.client.refresh().await?;
    b.wait_for_text("[data-testid=store-banner]", "newer version").await?;
    // Working in the app does not overwrite the newer data.
    b.open("/learn/feature-flags").await?;
    b.click_text("main button", "Mark this page as done").await?;
    b.wait_for_text(".page-done button", "Done").await?;
    assert_eq!(b.storage("rollback-lab:progress").await?.as_deref(), Some(future));

    let wrong = "{\"schema_version\": 1, \"quiz_attempts\": \"many\"}";
    b.js(&format!("localStorage.setItem('rollback-lab:progress', {});", serde_json::json!(wrong))).await?;
    b.client.refresh().await?;
    b.wait_for_text("[data-testid=store-banner]", "wrong shape").await?;
    b.assert_no_errors("versions").await?;
    Ok(())
}

#[tokio::test]
async fn two_tabs_saving_at_the_same_time_keep_both_attempts() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    let first = b.client.window().await?;
    let second = b.new_tab().await?;
    quiz.open().await?;
    // Tab 2 is deaf to tab 1 for a while, as if both saved at the same moment.
    b.js("window.__deaf = true; return true;").await?;
    b.client.switch_to_window(first.clone()).await?;
    quiz.start().await?;
    quiz.submit().await?;
    // Tab 2, unaware of tab 1's attempt, takes and submits its own: its save
    // holds only its attempt.
    b.client.switch_to_window(second.clone()).await?;
    quiz.start().await?;
    quiz.submit().await?;
    // Tab 1 hears tab 2's save, merges, and writes both back.
    b.client.switch_to_window(first.clone()).await?;
    b.wait_js("JSON.parse(localStorage.getItem('rollback-lab:progress')).quiz_attempts.length === 2").await?;
    b.click_text(".result-actions button", "All attempts").await?;
    b.wait_js("document.querySelectorAll('table.attempts tbody tr').length === 2").await?;
    // Tab 2 listens again: on reload it has both as well.
    b.client.switch_to_window(second).await?;
    assert!(b.js("return window.__held.length;").await?.as_u64() > Some(0), "tab 2 was deaf to tab 1's save");
    b.js("window.__deaf = false; return true;").await?;
    b.client.refresh().await?;
    quiz.open().await?;
    b.wait_js("document.querySelectorAll('table.attempts tbody tr').length === 2").await?;
    Ok(())
}

#[tokio::test]
async fn a_test_submitted_in_another_tab_shows_its_result_in_both() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    quiz.start().await?;
    let first = b.client.window().await?;
    let second = b.client.new_window(true).await?.handle;
    b.client.switch_to_window(second).await?;
    quiz.open().await?;
    b.wait_for_css(".question .prompt").await?;
    quiz.submit().await?;
    b.client.switch_to_window(first).await?;
    b.wait_for_css(".result .score").await?;
    Ok(())
}

#[tokio::test]
async fn export_import_and_reset_on_the_progress_page() -> R {
    let b = Browser::new().await?;
    b.open("/learn/canary-releases").await?;
    b.click_text("main button", "Mark this page as done").await?;
    b.open("/progress").await?;
    b.wait_for_text("main", "Pages done: 1 of").await?;
    b.click_text("main button", "Download progress").await?;
    let exported = b.wait_js("window.__lastDownload && window.__lastDownload.text").await?;
    let exported = exported.as_str().unwrap().to_string();
    assert!(exported.contains("\"canary-releases\""));

    // A malformed file: a clear message, nothing changed.
    let set_file = |name: &str, text: &str| {
        format!(
            "const dt = new DataTransfer(); dt.items.add(new File([{}], {}, {{type: 'application/json'}})); \
             const i = document.getElementById('import-file'); i.files = dt.files; i.dispatchEvent(new Event('change', {{bubbles: true}}));",
            serde_json::json!(text),
            serde_json::json!(name)
        )
    };
    b.js(&set_file("bad.json", "{\"not\": \"ours\"")).await?;
    b.wait_for_text("#import-status", "can't be imported").await?;
    b.wait_for_text("main", "Pages done: 1 of").await?;
    b.js(&set_file("future.json", "{\"schema_version\": 9}")).await?;
    b.wait_for_text("#import-status", "newer version").await?;
    // Plain words, no field names in code quotes.
    b.js(&set_file("foreign.json", "{\"lessons\": {}}")).await?;
    b.wait_for_text("#import-status", "no schema version, so it was not saved by Rollback Lab").await?;
    assert!(!b.text("#import-status").await?.contains('`'));

    // Reset, with confirmation.
    b.click_text("main button", "Reset progress").await?;
    // The confirmation takes the focus (on its safe choice), and gives it back.
    b.wait_js("document.activeElement && document.activeElement.id === 'reset-cancel'").await?;
    b.click_text(".confirm button", "Yes, reset everything").await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'reset-open'").await?;
    b.wait_for_text("main", "Pages done: 0 of").await?;

    // A valid file asks before replacing.
    b.js(&set_file("progress.json", &exported)).await?;
    b.wait_for_text(".confirm", "Replace your progress?").await?;
    b.wait_for_text("main", "Pages done: 0 of").await?;
    b.click_text(".confirm button", "Replace with the file").await?;
    b.wait_for_text("main", "Pages done: 1 of").await?;
    b.assert_no_errors("progress page").await?;
    Ok(())
}

#[tokio::test]
async fn the_ordering_question_can_keep_its_shown_order_as_the_answer() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    quiz.start().await?;
    // Walk to the ordering question.
    for _ in 0..10 {
        if b.js("return !!document.querySelector('.ordering');").await?.as_bool() == Some(true) {
            break;
        }
        quiz.next().await?;
    }
    b.wait_for_text(".ordering-wrap", "Not answered yet").await?;
    b.click(".keep-order").await?;
    b.wait_for_text(".ordering-wrap", "Your order is saved.").await?;
    b.assert_no_errors("keep order").await?;
    Ok(())
}

#[tokio::test]
async fn an_assignment_with_its_own_pass_mark_is_named_on_the_result() -> R {
    use rollback_lab::core::assignment::{Assignment, AssignmentItem, SHARE_KIND, SHARE_VERSION};
    use rollback_lab::core::share::pack;
    let b = Browser::new().await?;
    // The learner opened an assignment that asks for 80 % in the test.
    let a = Assignment {
        title: "Week 3: gates".into(),
        instructions: String::new(),
        items: vec![AssignmentItem::Quiz { pass_percent: 80 }],
        due: None,
    };
    b.open(&format!("/assignments?a={}", pack(SHARE_KIND, SHARE_VERSION, &a))).await?;
    b.wait_for_text("main h1", "Week 3: gates").await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    // 7 of 10: passes the course's 70 %, not the assignment's 80 %.
    let questions = course().quiz()?.questions;
    take(&quiz, seven_right(&questions, Plan::Wrong)).await?;
    let (_, percent, badge) = quiz.result().await?;
    assert_eq!(percent, "70 %");
    // Each status says one true thing: whose pass mark it is.
    assert_eq!(badge, "✓ Passed the course's 70 % mark");
    b.wait_for_text(
        ".assignment-mark",
        "“Week 3: gates” sets its own pass mark, 80 %: with 70 %, this attempt does not meet it yet.",
    )
    .await?;
    b.assert_no_errors("assignment mark").await?;
    Ok(())
}

/// A numeric answer is read as a number before it is submitted, and
/// "1,440 %" is marked right.
#[tokio::test]
async fn a_numeric_answer_is_read_before_submitting_and_compared_as_a_number() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    quiz.start().await?;
    quiz.next_until("document.querySelector('.question .prompt').id === 'prompt-burn-rate-error-rate'").await?;
    b.fill(".short-answer input", "about one and a half").await?;
    b.wait_for_text(".number-reading", "not read as a number").await?;
    b.fill(".short-answer input", "1,440 %").await?;
    b.wait_for_text(".number-reading", "Read as 1.44 %").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    quiz.submit().await?;
    b.wait_js(
        "document.querySelector('.review-item[data-question=\"burn-rate-error-rate\"]').classList.contains('correct')",
    )
    .await?;
    Ok(())
}

/// Enter on "Move down: X" twice moves X down two places; the focus stays on
/// X's "Move down" and never falls to the page.
#[tokio::test]
async fn reordering_by_keyboard_follows_the_moved_item() -> R {
    let b = Browser::new().await?;
    let quiz = QuizPage(&b);
    quiz.open().await?;
    quiz.start().await?;
    quiz.next_until("document.querySelector('.ordering')").await?;
    let items = "Array.from(document.querySelectorAll('.ordering .order-text')).map(e => e.textContent)";
    let first = b.js(&format!("return {items}[0];")).await?;
    let first = first.as_str().unwrap_or_default().to_string();
    b.js("document.querySelector('[data-order-item=\"0\"] button[data-dir=down]').focus(); return true;").await?;
    for to in 1..=2 {
        b.keys("\u{E007}").await?;
        b.wait_js(&format!("{items}[{to}] === {}", serde_json::json!(first))).await?;
        b.wait_js(&format!(
            "document.activeElement && document.activeElement.getAttribute('aria-label') === {}",
            serde_json::json!(format!("Move down: {first}"))
        ))
        .await?;
    }
    Ok(())
}
