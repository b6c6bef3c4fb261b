//! Exercises, the runbook builder, team checklists and assignments.

use crate::harness::{course, Browser, R};

#[tokio::test]
async fn a_draft_survives_a_reload_and_downloads_as_markdown() -> R {
    let b = Browser::new().await?;
    b.open("/learn/exercise-2").await?;
    b.wait_for_text("main h1", "Exercise 2").await?;
    let draft = "## Plan\n\n1. Expand: `ALTER TABLE orders ADD COLUMN order_status text;`\n2. Dual write behind `orders.dual_write`.";
    b.fill("#draft-text", draft).await?;
    b.wait_for_text(".save-state", "Saved").await?;
    b.wait_for_text(".word-count", "words").await?;
    // The preview renders the markdown.
    b.wait_for_css(".draft-preview h2").await?;
    b.client.refresh().await?;
    b.wait_js(&format!("document.getElementById('draft-text').value === {}", serde_json::json!(draft))).await?;
    b.click_text("button", "Download as Markdown").await?;
    let (name, text) = b.last_download().await?;
    assert_eq!(name, "rollback-lab-exercise-2.md");
    assert_eq!(text, draft);
    b.assert_no_errors("draft").await?;
    Ok(())
}

#[tokio::test]
async fn leaving_an_exercise_while_typing_keeps_the_draft_and_never_panics() -> R {
    // The focused textarea is removed after the page is disposed, and its
    // blur arrives late: that must neither panic nor lose the last words.
    let b = Browser::new().await?;
    b.open("/learn/exercise-2").await?;
    b.wait_for_text("main h1", "Exercise 2").await?;
    b.click("#draft-text").await?;
    b.keys("Expand first, then dual write.").await?;
    // A link followed while the textarea keeps the focus (as a script, a
    // keyboard shortcut or an assistive tool does).
    b.js("document.querySelector(\"#sidebar a[href='/glossary']\").click();").await?;
    b.wait_for_text("main h1", "Glossary").await?;
    b.assert_no_errors("leaving while typing").await?;
    b.open("/learn/exercise-2").await?;
    b.wait_js("document.getElementById('draft-text').value === 'Expand first, then dual write.'").await?;
    b.assert_no_errors("back on the exercise").await?;
    Ok(())
}

#[tokio::test]
async fn marking_the_rubric_reveals_the_model_answer_beside_the_draft() -> R {
    let b = Browser::new().await?;
    b.open("/learn/exercise-1").await?;
    b.fill("#draft-text", "My plan: flag `orders.customer_type_required`, default off.").await?;
    assert_eq!(b.js("return document.querySelector('.compare') === null;").await?.as_bool(), Some(true));
    let n = b.js("return document.querySelectorAll('.rubric-item').length;").await?.as_u64().unwrap_or(0);
    assert!(n >= 5, "four common items plus the exercise's own: {n}");
    for i in 0..n {
        let choice = if i % 2 == 0 { "yes" } else { "no" };
        b.click(&format!("#rubric-{i}-{choice}")).await?;
        if i + 1 < n {
            assert_eq!(
                b.js("return document.querySelector('.compare') === null;").await?.as_bool(),
                Some(true),
                "hidden until all marked"
            );
        }
    }
    b.wait_for_text(".compare", "Model answer").await?;
    b.wait_for_text(".compare .draft-preview", "orders.customer_type_required").await?;
    b.screenshot("exercise-model-answer").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    // Giving up reveals it too, on another exercise.
    b.open("/learn/mini-challenge").await?;
    b.wait_for_text("details.hint summary", "hint").await?;
    b.click_text("button", "Give up and show the model answer").await?;
    b.wait_for_text(".compare", "Model answer").await?;
    Ok(())
}

#[tokio::test]
async fn a_runbook_is_built_from_exercise_1_validated_and_downloaded() -> R {
    let b = Browser::new().await?;
    b.open("/learn/exercise-1").await?;
    b.click_text("button", "Open this change's runbook").await?;
    b.wait_for_css("#rb-name").await?;
    assert!(b.path().await? == "/runbooks");
    let first = b.js("return location.search;").await?;
    // The button reopens the same runbook, not a new copy each time.
    b.open("/learn/exercise-1").await?;
    b.click_text("button", "Open this change's runbook").await?;
    b.wait_for_css("#rb-name").await?;
    assert_eq!(b.js("return location.search;").await?, first);
    b.wait_js("document.getElementById('rb-name').value.includes('customerType')").await?;
    b.fill("#rb-owner", "Ana (orders)").await?;
    // A stage that does not increase is flagged beside its field.
    b.fill("#rb-stage-2-percent", "20").await?;
    b.wait_for_text("#rb-stage-2-percent-error", "larger than the one before").await?;
    assert_eq!(
        b.js("return document.getElementById('rb-stage-2-percent').getAttribute('aria-invalid');").await?.as_str(),
        Some("true")
    );
    b.fill("#rb-stage-2-percent", "50").await?;
    b.wait_js("!document.getElementById('rb-stage-2-percent-error')").await?;
    // A threshold without a window is flagged.
    b.fill("#rb-th-0-window", "").await?;
    b.wait_for_text("#rb-th-0-window-error", "window").await?;
    b.fill("#rb-th-0-window", "5").await?;
    b.wait_for_text("main", "Complete").await?;
    b.screenshot("runbook-editor").await?;
    b.click_text("button", "Download .md").await?;
    let (name, md) = b.last_download().await?;
    assert!(name.starts_with("runbook-require-customertype"), "{name}");
    for part in [
        "# Runbook: Require customerType",
        "| 3 | 50 % |",
        "## Rollback",
        "## Rollforward",
        "**Last safe rollback point:**",
    ] {
        assert!(md.contains(part), "missing {part}:\n{md}");
    }
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    // Kept in the store: the list shows it after a reload.
    b.open("/runbooks").await?;
    b.wait_for_text(".item-list", "Require customerType").await?;
    b.wait_for_text(".item-list .tag", "complete").await?;
    b.assert_no_errors("runbook").await?;
    Ok(())
}

async fn share_link_of_a_filled_checklist(b: &Browser) -> R<String> {
    b.open("/checklists").await?;
    b.fill("#cl-new-name", "orders-api 1.43").await?;
    b.click_text("button", "Create checklist").await?;
    b.wait_for_css("#cl-item-0").await?;
    for i in 0..5 {
        b.click(&format!("#cl-item-{i}")).await?;
    }
    b.fill("#cl-note-0", "https://grafana.example/d/orders").await?;
    b.wait_for_text(".readiness", "5 of 8 checked").await?;
    // "Does not apply" asks why, and counts only with the reason.
    b.click("#cl-na-5").await?;
    b.wait_for_text(".check-item:nth-child(6)", "Say in the note why it does not apply").await?;
    b.wait_for_text(".readiness", "5 of 8 checked").await?;
    b.wait_for_text(".blockers", &course().checklists["pre-deploy"].items[5].text).await?;
    b.fill("#cl-note-5", "No schema change in this release").await?;
    b.wait_for_text(".readiness", "6 of 8 answered (5 checked, 1 does not apply)").await?;
    b.wait_for_text(".blockers", "communication plan").await?;
    b.click_text("button", "Download .md").await?;
    let (_, md) = b.last_download().await?;
    assert!(md.contains("Readiness: **6 of 8 answered (5 checked, 1 does not apply)**"), "{md}");
    assert!(md.contains("— **not applicable** — No schema change in this release"), "{md}");
    assert!(md.contains("- [x] ") && md.contains("— https://grafana.example/d/orders"), "{md}");
    b.click_text("button", "Copy share link").await?;
    let link =
        b.wait_js("document.getElementById('cl-share-link') && document.getElementById('cl-share-link').value").await?;
    Ok(link.as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_checklist_share_link_imports_a_copy_in_a_fresh_browser() -> R {
    let b = Browser::new().await?;
    let link = share_link_of_a_filled_checklist(&b).await?;
    assert!(link.contains("/checklists?import="), "{link}");
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    // A fresh profile: nothing in its storage.
    let other = Browser::new().await?;
    other.client.goto(&link).await?;
    other.wait_for_text("main", "orders-api 1.43").await?;
    // The reader looks first: the whole checklist, before any import.
    other.wait_for_text(".shared-preview", "https://grafana.example/d/orders").await?;
    other.wait_for_text(".shared-preview", "No schema change in this release").await?;
    let violations = other.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    other.click_text("button", "Import a copy").await?;
    other.wait_for_text(".readiness", "6 of 8").await?;
    other.wait_js("document.getElementById('cl-note-0').value === 'https://grafana.example/d/orders'").await?;
    // Opening it again where the checklist exists adds a copy, never overwrites.
    b.client.goto(&link).await?;
    b.click_text("button", "Import a copy").await?;
    b.wait_for_text("main h1", "orders-api 1.43 (copy)").await?;
    b.open("/checklists").await?;
    b.wait_js("document.querySelectorAll('.item-list .item-row').length === 2").await?;
    // A tampered link says so and imports nothing.
    let mut tampered = link.clone();
    let at = tampered.find("import=").unwrap() + 12;
    tampered.replace_range(at..at + 1, if &link[at..at + 1] == "A" { "B" } else { "A" });
    other.client.goto(&tampered).await?;
    other.wait_for_text("main .field-error", "changed or cut").await?;
    other.assert_no_errors("checklist import").await?;
    Ok(())
}

#[tokio::test]
async fn an_assignment_link_a_submission_and_its_review() -> R {
    let b = Browser::new().await?;
    b.open("/assignments").await?;
    b.fill("#as-title", "Week 2: safe changes").await?;
    b.fill("#as-instructions", "Work **alone**. Send the file by Friday.").await?;
    b.click("#as-ex-exercise-1").await?;
    b.click("#as-ex-mini-challenge").await?;
    b.fill("#as-due", "2026-12-04").await?;
    // A date in the past is allowed, and said beside the field.
    b.wait_for_text("#as-due-error", "in the past").await?;
    b.click_text("button", "Create the assignment link").await?;
    let link = b.wait_js("document.getElementById('as-link') && document.getElementById('as-link').value").await?;
    let link = link.as_str().unwrap().to_string();
    assert!(link.contains("/assignments?a="));
    // The instructor finds it again after a reload, with its link.
    b.client.refresh().await?;
    b.wait_for_text("#opened-title + p + .item-list", "Week 2: safe changes").await?;
    b.click_text(".item-list button", "Copy link").await?;
    let copied = b.wait_js("window.__lastCopy").await?;
    assert_eq!(copied.as_str(), Some(link.as_str()));
    // The learner opens it (another browser), writes a draft, takes no test.
    let learner = Browser::new().await?;
    learner.client.goto(&link).await?;
    learner.wait_for_text("main h1", "Week 2: safe changes").await?;
    learner.wait_for_text("main", "Due 2026-12-04").await?;
    learner.wait_for_text(".item-list", "Not started").await?;
    learner.wait_for_text(".item-list", "Quick test (pass mark 70 %)").await?;
    // The exercise opened from the assignment says so and leads back.
    learner.click_text(".item-list a", "Exercise 1").await?;
    learner.wait_for_css("#draft-text").await?;
    learner
        .wait_for_text(".assignment-banner", "Part of your assignment “Week 2: safe changes” (due 2026-12-04)")
        .await?;
    learner.fill("#draft-text", "Flag `orders.customer_type_required` (default off); stages 5/25/50/100 %.").await?;
    learner.wait_for_text(".save-state", "Saved").await?;
    learner.click("#rubric-0-yes").await?;
    learner.click_text(".assignment-banner a", "Back to the assignment").await?;
    learner.wait_for_text("main h1", "Week 2: safe changes").await?;
    learner.wait_for_text(".item-list", "rubric 1 of").await?;
    // No name, no file: the field says why.
    learner.click_text("button", "Prepare submission").await?;
    learner.wait_for_text("main", "Write your name first").await?;
    learner.fill("#as-learner", "Sam Doe").await?;
    learner.click_text("button", "Prepare submission").await?;
    // What looks unfinished is said first; the learner may still send it.
    learner.wait_for_text(".unfinished", "rubric 1 of").await?;
    learner.wait_for_text(".unfinished", "no answer written").await?;
    learner.wait_for_text(".unfinished", "Quick test: not taken").await?;
    learner.wait_js("document.activeElement && document.activeElement.id === 'as-unfinished-title'").await?;
    assert_eq!(learner.js("return window.__lastDownload || null;").await?, serde_json::Value::Null);
    learner.click_text(".unfinished button", "Prepare it anyway").await?;
    let (name, json) = learner.last_download().await?;
    assert_eq!(name, "rollback-lab-submission-samdoe.json");
    let v: serde_json::Value = serde_json::from_str(&json)?;
    assert_eq!(v["kind"], "rollback-lab-submission");
    assert_eq!(v["learner"], "Sam Doe");
    assert!(v["markdown"].as_str().unwrap().contains("# Submission: Week 2: safe changes"));
    // The instructor reviews it.
    b.open("/review").await?;
    b.choose_file("#review-file", &name, &json).await?;
    b.wait_for_text(".submission h2", "Sam Doe").await?;
    b.wait_for_text(".review-exercise", "orders.customer_type_required").await?;
    b.wait_for_text(".review-exercise .model-answer", "Model answer").await?;
    b.wait_for_text(".review-exercise", "✓ does this").await?;
    b.fill("#rv-fb-exercise-1", "Good flags. Add the 4xx threshold for a missing customerType.").await?;
    b.fill("#rv-overall", "Solid first plan.").await?;
    // A reload keeps the opened submission (and the feedback written).
    b.client.refresh().await?;
    b.wait_for_text(".submission h2", "Sam Doe").await?;
    b.wait_js("document.getElementById('rv-overall').value === 'Solid first plan.'").await?;
    b.screenshot("review").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    b.click_text("button", "Download feedback").await?;
    let (fname, md) = b.last_download().await?;
    assert_eq!(fname, "feedback-samdoe.md");
    assert!(md.contains("# Feedback: Week 2: safe changes") && md.contains("Add the 4xx threshold"), "{md}");
    // Hostile and foreign files get a clear message.
    b.choose_file("#review-file", "x.json", "<script>window.__xssTrap()</script>").await?;
    b.wait_for_text("#review-status", "not valid JSON").await?;
    b.choose_file("#review-file", "x.json", "{\"kind\": \"rollback-lab-submission\", \"version\": 7}").await?;
    b.wait_for_text("#review-status", "newer version").await?;
    // With no file at hand, an example submission shows how a review works.
    b.open("/review").await?;
    b.click_text("button", "Open an example submission").await?;
    b.wait_for_text(".review-exercise", "order_status").await?;
    b.wait_for_text("main", "Example learner").await?;
    b.wait_for_text(".review-exercise", "✓ does this").await?;
    // A tampered assignment link.
    let broken = link.replace("?a=", "?a=x");
    learner.client.goto(&broken).await?;
    learner.wait_for_text("main .field-error", "can't be opened").await?;
    b.assert_no_errors("review").await?;
    learner.assert_no_errors("learner").await?;
    Ok(())
}

// ---- XSS: nothing a person types or imports is ever executed -----------------

fn payloads() -> Vec<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xss-payloads.txt")).unwrap();
    let lines: Vec<String> = text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    assert!(lines.len() >= 50, "the corpus has at least 50 payloads");
    lines
}

#[tokio::test]
async fn xss_payloads_in_drafts_notes_names_and_runbooks_never_run() -> R {
    let p = payloads();
    let all = p.join("\n\n");
    let b = Browser::new().await?;
    // Drafts (live preview, then the comparison view).
    b.open("/learn/exercise-1").await?;
    b.fill("#draft-text", &all).await?;
    b.wait_for_text(".save-state", "Saved").await?;
    b.wait_for_text(".draft-preview", "__xssTrap").await?;
    b.click_text("button", "Give up and show the model answer").await?;
    b.wait_for_css(".compare .draft-preview").await?;
    b.client.refresh().await?;
    b.wait_for_text(".draft-preview", "__xssTrap").await?;
    b.assert_no_xss("draft").await?;

    // Checklist name and notes.
    b.open("/checklists").await?;
    b.fill("#cl-new-name", &p[5]).await?;
    b.click_text("button", "Create checklist").await?;
    b.wait_for_css("#cl-note-0").await?;
    for i in 0..8 {
        b.fill(&format!("#cl-note-{i}"), &p[(i * 7) % p.len()]).await?;
    }
    b.fill("#cl-name", &p[p.len() - 1]).await?;
    b.wait_for_css(".preview-box h2").await?;
    b.assert_no_xss("checklist").await?;
    // Its share link, opened elsewhere.
    b.click_text("button", "Copy share link").await?;
    let link =
        b.wait_js("document.getElementById('cl-share-link') && document.getElementById('cl-share-link').value").await?;
    let other = Browser::new().await?;
    other.client.goto(link.as_str().unwrap()).await?;
    other.click_text("button", "Import a copy").await?;
    other.wait_for_css("#cl-note-0").await?;
    other.assert_no_xss("imported checklist").await?;

    // Runbook fields.
    b.open("/runbooks").await?;
    b.click_text("button", "New runbook").await?;
    b.wait_for_css("#rb-name").await?;
    b.fill("#rb-name", &p[1]).await?;
    b.fill("#rb-owner", &p[2]).await?;
    b.fill("#rb-summary", &all).await?;
    b.fill("#rb-flag-0-name", &p[3]).await?;
    b.fill("#rb-back-0", &p[4]).await?;
    b.fill("#rb-fwd-0", &p[6]).await?;
    b.fill("#rb-com-0-who", &p[7]).await?;
    b.fill("#rb-stage-0-percent", &p[8]).await?;
    b.wait_for_text(".preview-box", "__xssTrap").await?;
    b.open("/runbooks").await?;
    b.wait_for_css(".item-list a").await?;
    b.assert_no_xss("runbook").await?;
    b.assert_no_errors("xss").await?;
    Ok(())
}

#[tokio::test]
async fn xss_payloads_in_links_and_imported_files_never_run() -> R {
    use rollback_lab::core::assignment::{Assignment, AssignmentItem, Submission};
    use rollback_lab::core::progress::Progress;
    use rollback_lab::core::share::pack;

    let p = payloads();
    let all = p.join("\n\n");
    let b = Browser::new().await?;
    // An assignment link whose title and instructions are payloads.
    let a = Assignment {
        title: p[0].clone(),
        instructions: all.clone(),
        items: vec![AssignmentItem::Exercise { slug: "exercise-2".into() }, AssignmentItem::Quiz { pass_percent: 70 }],
        due: None,
    };
    b.open(&format!("/assignments?a={}", pack("assignment", 1, &a))).await?;
    b.wait_for_text("main", "__xssTrap").await?;
    b.assert_no_xss("assignment link").await?;

    // A submission file full of payloads, on the review page.
    let mut sub = Submission::build(&a, &p[3], &p[4], &[], &Default::default(), &[], &|t| t.to_string());
    sub.exercises.push(rollback_lab::core::assignment::SubmittedExercise {
        slug: "exercise-2".into(),
        title: p[5].clone(),
        answer: all.clone(),
        rubric: p
            .iter()
            .take(10)
            .map(|t| rollback_lab::core::assignment::MarkedItem { text: t.clone(), mark: Some(true) })
            .collect(),
        saw_model_answer: false,
        gave_up: false,
    });
    sub.markdown = all.clone();
    b.open("/review").await?;
    b.choose_file("#review-file", "sub.json", &serde_json::to_string(&sub)?).await?;
    b.wait_for_text(".review-exercise", "__xssTrap").await?;
    b.fill("#rv-overall", &all).await?;
    b.assert_no_xss("review").await?;

    // An imported progress file whose draft is the corpus.
    let mut prog = Progress::default();
    prog.drafts.insert(
        "exercise-2".into(),
        rollback_lab::core::draft::Draft { text: all.clone(), at: 1.0, ..Default::default() },
    );
    b.open("/progress").await?;
    b.choose_file("#import-file", "progress.json", &prog.to_json_pretty()).await?;
    b.click_text(".confirm button", "Replace with the file").await?;
    b.open("/learn/exercise-2").await?;
    b.wait_for_text(".draft-preview", "__xssTrap").await?;
    b.assert_no_xss("imported draft").await?;

    // A short quiz answer shown back on the result page.
    b.open("/quiz").await?;
    b.click_text("main button", "the test").await?;
    for _ in 0..10 {
        if b.js("return !!document.querySelector('.short-answer input');").await?.as_bool() == Some(true) {
            b.fill(".short-answer input", &p[2]).await?;
            break;
        }
        b.click_text(".quiz-nav button", "Next").await?;
    }
    b.click_text("main button", "Submit").await?;
    b.click_text(".confirm button", "Submit anyway").await?;
    b.wait_for_css(".result .score").await?;
    b.assert_no_xss("quiz answer").await?;
    b.assert_no_errors("xss links").await?;
    Ok(())
}

#[tokio::test]
async fn the_xss_check_itself_catches_an_injection() -> R {
    let b = Browser::new().await?;
    b.open("/").await?;
    b.assert_no_xss("clean page").await?;
    // Raw HTML with an inline handler, injected behind the app's back: the
    // content security policy refuses to run it and reports the violation.
    b.js("const d = document.createElement('div'); d.id = 'injected'; d.innerHTML = '<img src=x onerror=\"window.__xssTrap()\">'; document.querySelector('main').append(d);")
        .await?;
    let csp = b.wait_js("window.__csp.find(v => v.startsWith('script-src'))").await?;
    assert!(csp.as_str().is_some_and(|v| v.contains("script-src")), "expected a script-src violation, got {csp}");
    b.js("document.getElementById('injected').remove()").await?;
    b.assert_no_xss("blocked by the policy").await?;
    // A payload that does run (here: called directly) fails the check.
    b.js("window.alert('pwned')").await?;
    assert!(b.assert_no_xss("injected").await.is_err(), "an executed payload must fail the check");
    Ok(())
}

/// Two real tabs type into the same draft, each before hearing the other's
/// save: both texts are kept, the learner sees it in both tabs, and chooses.
#[tokio::test]
async fn two_tabs_typing_the_same_draft_keep_both_texts_until_the_learner_chooses() -> R {
    let b = Browser::new().await?;
    b.open("/learn/exercise-1").await?;
    b.wait_for_css("#draft-text").await?;
    let tab_a = b.client.window().await?;
    let tab_b = b.new_tab().await?;
    b.open("/learn/exercise-1").await?;
    b.wait_for_css("#draft-text").await?;
    // Tab B is deaf to tab A for a while, as if both typed at the same moment.
    b.js("window.__deaf = true; return true;").await?;
    b.client.switch_to_window(tab_a.clone()).await?;
    b.fill("#draft-text", "Words typed in tab A.").await?;
    b.wait_for_text(".save-state", "Saved").await?;
    b.client.switch_to_window(tab_b.clone()).await?;
    b.wait_js("window.__held.length > 0").await?;
    assert_eq!(b.js("return document.getElementById('draft-text').value;").await?, "", "tab B did not hear A");
    b.fill("#draft-text", "Words typed in tab B.").await?;
    b.wait_for_text(".save-state", "Saved").await?;
    // Tab A hears B's save: B's text is in the editor, A's is kept beside it.
    b.client.switch_to_window(tab_a.clone()).await?;
    b.wait_js("document.getElementById('draft-text').value === 'Words typed in tab B.'").await?;
    b.wait_for_text(".draft-conflict .other-text-body", "Words typed in tab A.").await?;
    b.wait_for_text(".save-state", "another tab's text kept below").await?;
    b.screenshot("draft-two-tabs").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    // Tab B, listening again and reloaded, shows the same.
    b.client.switch_to_window(tab_b.clone()).await?;
    b.js("window.__deaf = false; return true;").await?;
    b.client.refresh().await?;
    b.wait_for_text(".draft-conflict .other-text-body", "Words typed in tab A.").await?;
    // The learner keeps both: A's words go below B's, in both tabs.
    b.click_text(".draft-conflict button", "Add it below my text").await?;
    b.wait_js("document.getElementById('draft-text').value === 'Words typed in tab B.\\n\\nWords typed in tab A.'")
        .await?;
    b.wait_js("!document.querySelector('.draft-conflict')").await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'draft-text'").await?;
    b.client.switch_to_window(tab_a).await?;
    b.wait_js("document.getElementById('draft-text').value === 'Words typed in tab B.\\n\\nWords typed in tab A.'")
        .await?;
    b.wait_js("!document.querySelector('.draft-conflict')").await?;
    // And after a reload nothing comes back.
    b.client.refresh().await?;
    b.wait_js(
        "document.getElementById('draft-text').value.includes('tab A') && !document.querySelector('.draft-conflict')",
    )
    .await?;
    b.wait_for_text(".word-count", "10 words").await?;
    b.assert_no_errors("two tabs").await?;
    Ok(())
}

/// The assignment builder's form comes back after a reload.
#[tokio::test]
async fn the_assignment_builder_keeps_its_form_across_a_reload() -> R {
    let b = Browser::new().await?;
    b.open("/assignments").await?;
    b.fill("#as-title", "Week 2: migrations").await?;
    b.fill("#as-instructions", "Do **both** exercises.").await?;
    b.click("#as-ex-exercise-2").await?;
    b.fill("#as-pass", "80").await?;
    b.wait_js("(localStorage.getItem('rollback-lab:session:assignment-builder') || '').length > 0").await?;
    b.client.refresh().await?;
    b.wait_js(
        "document.getElementById('as-title') && document.getElementById('as-title').value === 'Week 2: migrations'",
    )
    .await?;
    b.wait_js("document.getElementById('as-instructions').value === 'Do **both** exercises.'").await?;
    b.wait_js(
        "document.getElementById('as-ex-exercise-2').checked && !document.getElementById('as-ex-exercise-1').checked",
    )
    .await?;
    b.wait_js("document.getElementById('as-pass').value === '80'").await?;
    // A damaged kept form: a plain message, and an empty form that works.
    // (Set from another page: the builder keeps its form when it is left.)
    b.open("/glossary").await?;
    b.js("localStorage.setItem('rollback-lab:session:assignment-builder', 'garbage.00000000'); return true;").await?;
    b.open("/assignments").await?;
    b.wait_for_text("main .field-error", "could not be brought back").await?;
    b.wait_js("document.getElementById('as-title').value === ''").await?;
    b.assert_no_errors("assignment builder").await?;
    Ok(())
}

/// Enter on "Move step 1 down" twice takes that step to position 3: the
/// focus follows the moved step.
#[tokio::test]
async fn moving_a_runbook_step_by_keyboard_keeps_moving_it() -> R {
    let b = Browser::new().await?;
    b.open("/runbooks").await?;
    b.click_text("button", "New from exercise 1").await?;
    b.wait_for_css("#rb-back-2").await?;
    let first = b.js("return document.getElementById('rb-back-0').value;").await?;
    b.js("document.getElementById('rb-back-0-down').focus(); return true;").await?;
    b.keys("\u{E007}").await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'rb-back-1-down'").await?;
    b.keys("\u{E007}").await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'rb-back-2-down'").await?;
    assert_eq!(b.js("return document.getElementById('rb-back-2').value;").await?, first);
    // Up from the second position reaches the top, where only "down" is left.
    b.js("document.getElementById('rb-back-1-up').focus(); return true;").await?;
    b.keys("\u{E007}").await?;
    b.wait_js("document.activeElement && document.activeElement.id === 'rb-back-0-down'").await?;
    b.assert_no_errors("runbook keyboard").await?;
    Ok(())
}

/// A new runbook opens without a wall of errors: a problem shows once its
/// field is left, and all of them on export. Steps take several lines; a
/// share link shows the runbook before importing a copy.
#[tokio::test]
async fn a_new_runbook_shows_problems_when_a_field_is_left_and_shares_by_link() -> R {
    let b = Browser::new().await?;
    b.open("/runbooks").await?;
    b.click_text("button", "New runbook").await?;
    b.wait_for_css("#rb-name").await?;
    assert_eq!(b.js("return document.querySelectorAll('.builder-form .field-error').length;").await?.as_u64(), Some(0));
    b.click("#rb-name").await?;
    b.click("#rb-owner").await?;
    b.wait_for_css("#rb-name-error").await?;
    assert_eq!(b.js("return !!document.getElementById('rb-owner-error');").await?.as_bool(), Some(false));
    // Steps are multi-line fields.
    assert_eq!(b.js("return document.getElementById('rb-back-0').tagName;").await?.as_str(), Some("TEXTAREA"));
    b.fill("#rb-name", "orders-api 1.44").await?;
    b.fill("#rb-back-0", "Turn the flag off:\n\n    flagctl set orders.new_path off").await?;
    b.click_text("button", "Download .md").await?;
    b.wait_for_css("#rb-owner-error").await?;
    let (_, md) = b.last_download().await?;
    assert!(md.contains("1. Turn the flag off:\n\n       flagctl set orders.new_path off"), "{md}");
    // The flags table's headers stay on one line at 1280 px.
    let lines = b
        .js("const th = Array.from(document.querySelectorAll('.preview-box th')).find(t => t.textContent === 'Safe default'); \
             const r = document.createRange(); r.selectNodeContents(th); return r.getClientRects().length;")
        .await?;
    assert_eq!(lines.as_u64(), Some(1), "'Safe default' on one line");
    b.click_text("button", "Copy share link").await?;
    let link =
        b.wait_js("document.getElementById('rb-share-link') && document.getElementById('rb-share-link').value").await?;
    let link = link.as_str().unwrap().to_string();
    let other = Browser::new().await?;
    other.client.goto(&link).await?;
    other.wait_for_text(".shared-preview", "flagctl set orders.new_path off").await?;
    let violations = other.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    other.click_text("button", "Import a copy").await?;
    other
        .wait_js("document.getElementById('rb-name') && document.getElementById('rb-name').value === 'orders-api 1.44'")
        .await?;
    let mut tampered = link.clone();
    let at = tampered.find("shared=").unwrap() + 12;
    tampered.replace_range(at..at + 1, if &link[at..at + 1] == "A" { "B" } else { "A" });
    other.client.goto(&tampered).await?;
    other.wait_for_text("main .field-error", "changed or cut").await?;
    other.assert_no_errors("runbook share").await?;
    Ok(())
}

/// The progress page shows what the learner made, each with its state and a
/// link back to it.
#[tokio::test]
async fn the_progress_page_lists_drafts_runbooks_checklists_and_attempts() -> R {
    let b = Browser::new().await?;
    b.open("/progress").await?;
    b.wait_for_text(".work-done", "No drafts yet.").await?;
    b.wait_for_text(".work-done", "Not taken yet.").await?;
    b.open("/learn/exercise-2").await?;
    b.fill("#draft-text", "Expand first, then dual write.").await?;
    b.wait_for_text(".save-state", "Saved").await?;
    b.click("#rubric-0-yes").await?;
    b.open("/runbooks").await?;
    b.click_text("button", "New from exercise 1").await?;
    b.wait_for_css("#rb-name").await?;
    b.open("/checklists").await?;
    b.fill("#cl-new-name", "orders-api 1.44").await?;
    b.click_text("button", "Create checklist").await?;
    b.wait_for_css("#cl-item-0").await?;
    b.click("#cl-item-0").await?;
    b.open("/progress").await?;
    b.wait_for_text(".work-done", "rubric 1 of").await?;
    b.wait_for_text(".work-done", "5 words").await?;
    b.wait_for_text(".work-done a[href='/learn/exercise-2']", "Exercise 2").await?;
    b.wait_for_text(".work-done", "Require customerType").await?;
    b.wait_for_text(".work-done", "orders-api 1.44").await?;
    b.wait_for_text(".work-done", "1 of 8 checked").await?;
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    b.assert_no_errors("progress page").await?;
    Ok(())
}
