//! Written prose: a content page's HTML already holds its prose, which the
//! app adopts on the first load; after an in-app navigation the app renders
//! it itself. Both must be the same page and work the same.

use serde_json::Value;

use crate::harness::{course, Browser, R};
use crate::pages::LessonPage;

/// The page's prose as comparable HTML: comments dropped, directive slots
/// emptied (their content is the app's either way), text nodes merged,
/// attributes in name order (their order means nothing), and no
/// `tabindex` (the shell sets it from the layout: `sync_scroll_stops`).
const SNAPSHOT: &str = "(() => { const p = document.querySelector('main article .prose'); if (!p) return null; \
    const c = p.cloneNode(true); \
    const walk = document.createTreeWalker(c, NodeFilter.SHOW_COMMENT); const dead = []; \
    while (walk.nextNode()) dead.push(walk.currentNode); dead.forEach((n) => n.remove()); \
    c.querySelectorAll('.directive-slot').forEach((s) => s.replaceChildren()); \
    c.querySelectorAll('[tabindex]').forEach((e) => e.removeAttribute('tabindex')); \
    c.querySelectorAll('*').forEach((e) => { const a = [...e.attributes].map((x) => [x.name, x.value]).sort(); \
      a.forEach(([n]) => e.removeAttribute(n)); a.forEach(([n, v]) => e.setAttribute(n, v)); }); \
    c.normalize(); return c.innerHTML; })()";

/// How many times this document adopted written prose (a Performance mark
/// the app sets each time).
const ADOPTIONS: &str = "performance.getEntriesByName('prose-adopted').length";

/// Whether the prose left for after the first paint (the rest of the page
/// and its directives) is in place (a Performance mark the app sets on a
/// first load).
const PROSE_FILLED: &str = "performance.getEntriesByName('prose-filled').length === 1";

/// Which build is running: the name in its loader's file name.
const BUILD: &str = "(document.querySelector('script[src*=\"boot-\"]') || {src: ''}).src.match(/boot-(\\w+)-/)?.[1]";

#[tokio::test]
async fn the_first_paint_holds_the_prose_and_the_app_adopts_it() -> R {
    let b = Browser::new().await?;
    // What the host sends: the opening paragraph shown, the rest waiting
    // in a template.
    b.open("/").await?;
    let html = b
        .js("const r = new XMLHttpRequest(); r.open('GET', '/learn/feature-flags', false); r.send(); return r.responseText;")
        .await?;
    let html = html.as_str().unwrap_or_default();
    let shown = html.split("<template>").next().unwrap_or_default();
    // The .wasm waits behind the stylesheet and the first paint.
    assert!(html.contains("type=\"application/wasm\" fetchpriority=\"low\""), "the .wasm preload is low priority");
    // The loader's JS asks to be compiled whole, off the main thread (its
    // integrity still holds: the app below starts).
    let preload = html.split("<link rel=\"modulepreload\" href=\"").nth(1).and_then(|rest| rest.split('"').next());
    let preload = preload.unwrap_or_else(|| panic!("no modulepreload in {html}"));
    let loader = b
        .js(&format!(
            "const r = new XMLHttpRequest(); r.open('GET', '{preload}', false); r.send(); return r.responseText;"
        ))
        .await?;
    assert!(loader.as_str().is_some_and(|js| js.starts_with("//# allFunctionsCalledOnLoad\n")), "{preload}");
    // The tab's icon is a small PNG: an SVG icon is a whole document for
    // the browser to set up, a few ms of the main thread while the app starts.
    let icon = b
        .js("const href = document.querySelector('link[rel=icon]').href; \
             const r = new XMLHttpRequest(); r.open('GET', href, false); r.send(); \
             return [href.split('/').pop(), r.status, r.getResponseHeader('Content-Type')];")
        .await?;
    assert_eq!(icon, serde_json::json!(["favicon-32.png", 200, "image/png"]));
    // Shown, but not yet something to tab into or read aloud.
    assert!(shown.contains("<div class=\"boot\" aria-hidden=\"true\" inert>"), "{shown}");
    assert!(shown.contains("data-prose=\"feature-flags\"><p>A deploy puts code on servers."), "{shown}");
    assert!(!shown.contains("Three jobs a flag can do"), "headings wait in the template");
    assert!(html.contains("<template><div class=\"heading-row\"><h2 id=\"three-jobs-a-flag-can-do\">"));

    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    b.wait_js("document.querySelectorAll('.boot, [data-prose], main template').length === 0").await?;
    assert_eq!(b.js(&format!("return {ADOPTIONS};")).await?, serde_json::json!(1), "adopted, not rendered");
    let counts = b
        .js("const p = document.querySelector('main .prose'); return [\
             p.querySelectorAll('#three-jobs-a-flag-can-do').length, \
             p.querySelectorAll('p').length > 5, \
             p.textContent.split('A deploy puts code on servers.').length - 1];")
        .await?;
    assert_eq!(counts, serde_json::json!([1, true, 1]), "every part once, in order");
    // The directives are live: the diagram is drawn, the check question answers.
    b.wait_for_css("main .directive-slot[data-directive=diagram] svg").await?;
    b.wait_for_css("main .directive-slot[data-directive=quiz] button").await?;
    // A term's tooltip, a heading's link and a code block's copy button.
    let tip = b.js("return document.querySelector('main .prose #tip-feature-flag').textContent;").await?;
    assert!(tip.as_str().is_some_and(|t| t.starts_with("A switch, held in a flag service")), "{tip}");
    b.click("main .prose .copy-link[data-anchor=three-jobs-a-flag-can-do]").await?;
    let copied = b.wait_js("window.__lastCopy").await?;
    assert!(copied.as_str().is_some_and(|c| c.ends_with("/learn/feature-flags#three-jobs-a-flag-can-do")), "{copied}");
    b.js("window.__lastCopy = null;").await?;
    b.click("main .prose .code-block .copy-code").await?;
    let copied = b.wait_js("window.__lastCopy").await?;
    let code = b.text("main .prose .code-block code").await?;
    assert_eq!(copied.as_str().map(str::trim), Some(code.trim()));
    b.assert_no_errors("feature-flags, adopted").await?;
    Ok(())
}

#[tokio::test]
async fn steps_work_on_the_adopted_and_the_rendered_prose() -> R {
    let b = Browser::new().await?;
    let lesson = LessonPage(&b);
    // Adopted (a direct load): tick two steps.
    lesson.open("rollback-playbook", "Rollback playbook").await?;
    assert_eq!(b.js(&format!("return {ADOPTIONS};")).await?, serde_json::json!(1), "adopted");
    lesson.check_step(0).await?;
    lesson.check_step(2).await?;
    b.wait_for_text(".steps-progress", "2 of 6").await?;
    // Rendered (in-app, through the previous page's "Next" link): the same
    // boxes are ticked, and a third one counts.
    b.js("window.__sameDocument = true;").await?;
    b.click("a.pager-prev").await?;
    b.wait_js("!location.pathname.endsWith('/rollback-playbook')").await?;
    b.click("a.pager-next").await?;
    b.wait_for_text("main h1", "Rollback playbook").await?;
    assert_eq!(b.js("return window.__sameDocument === true;").await?, Value::Bool(true), "no page load");
    assert_eq!(b.js(&format!("return {ADOPTIONS};")).await?, serde_json::json!(1), "rendered, not adopted");
    let checked = b.js("return [...document.querySelectorAll('main input.step-check')].map((i) => i.checked);").await?;
    assert_eq!(checked, serde_json::json!([true, false, true, false, false, false]));
    lesson.check_step(1).await?;
    b.wait_for_text(".steps-progress", "3 of 6").await?;
    // And adopted again after a reload.
    b.client.refresh().await?;
    b.wait_for_text(".steps-progress", "3 of 6").await?;
    b.wait_js(PROSE_FILLED).await?;
    let checked = b.js("return [...document.querySelectorAll('main input.step-check')].map((i) => i.checked);").await?;
    assert_eq!(checked, serde_json::json!([true, true, true, false, false, false]));
    Ok(())
}

/// The build step's prose and the app's renderer give the same page: for
/// every content page, the prose adopted on a direct load equals the prose
/// the app renders after an in-app navigation in the same build.
#[tokio::test]
async fn every_page_is_the_same_adopted_or_rendered() -> R {
    let b = Browser::new().await?;
    let pages = &course().pages;
    let mut adopted = Vec::new();
    for p in pages {
        LessonPage(&b).open(&p.front.slug, &p.front.title).await?;
        b.wait_js("document.querySelectorAll('.boot').length === 0").await?;
        assert_eq!(b.js(&format!("return {ADOPTIONS};")).await?, serde_json::json!(1), "{}: adopted", p.front.slug);
        // Directives below the opening paragraphs are filled after the
        // first paint.
        b.wait_js(PROSE_FILLED).await?;
        let build = b.js(&format!("return {BUILD};")).await?;
        adopted.push((build, b.js(&format!("return {SNAPSHOT};")).await?));
    }
    // Each page again, reached from the sidebar of another page of its
    // build: an in-app navigation, which renders it.
    for (p, (build, written)) in pages.iter().zip(&adopted) {
        let start = if build.as_str() == Some("tools") { "/quiz" } else { "/glossary" };
        b.open(start).await?;
        b.wait_js("document.querySelectorAll('.boot').length === 0").await?;
        b.js("window.__sameDocument = true;").await?;
        b.click(&format!("#sidebar a[href$='/learn/{}']", p.front.slug)).await?;
        b.wait_for_text("main h1", &p.front.title).await?;
        assert_eq!(
            b.js("return window.__sameDocument === true;").await?,
            Value::Bool(true),
            "{}: no page load",
            p.front.slug
        );
        assert_eq!(&b.js(&format!("return {BUILD};")).await?, build, "{}: the same build", p.front.slug);
        assert_eq!(b.js(&format!("return {ADOPTIONS};")).await?, serde_json::json!(0), "{}: rendered", p.front.slug);
        let rendered = b.js(&format!("return {SNAPSHOT};")).await?;
        assert!(rendered.as_str().is_some_and(|h| h.len() > 200), "{}: {rendered}", p.front.slug);
        assert_eq!(&rendered, written, "{}: the rendered prose differs from the written one", p.front.slug);
    }
    Ok(())
}

/// Installed before a page loads: what of the prose was in place when the
/// app took over from the first paint (it removes `.boot` in the same task
/// as its "app-ready" mark): its headings and its directives, filled or not.
const RECORD_AT_READY: &str = "new MutationObserver((records, obs) => { \
    if (records.some((r) => [...r.removedNodes].some((n) => n.classList && n.classList.contains('boot')))) { \
      window.__atReady = { headings: document.querySelectorAll('main .prose h2').length, \
        slots: document.querySelectorAll('main .directive-slot').length, \
        empty: document.querySelectorAll('main .directive-slot:empty').length, \
        after: [...document.querySelectorAll('main .prose ~ *')].map((e) => getComputedStyle(e).display !== 'none') }; \
      obs.disconnect(); } \
  }).observe(document, { childList: true, subtree: true });";

/// What of the prose is in place now, in the same terms.
const IN_PLACE: &str = "return { headings: document.querySelectorAll('main .prose h2').length, \
    slots: document.querySelectorAll('main .directive-slot').length, \
    empty: document.querySelectorAll('main .directive-slot:empty').length, \
    after: [...document.querySelectorAll('main .prose ~ *')].map((e) => getComputedStyle(e).display !== 'none') };";

/// On a first load, the opening paragraphs are in place when the app is
/// ready, and the rest of the page (out of view below them) with its
/// directives once the page has been painted, so the first frame lays out
/// about a screen; with an address into the page, all of it at once.
#[tokio::test]
async fn the_rest_of_the_prose_follows_the_first_paint() -> R {
    let b = Browser::new().await?;
    b.cdp("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": RECORD_AT_READY })).await?;
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    b.wait_js(PROSE_FILLED).await?;
    // What follows the prose ("Mark this page as done", the pager) waits
    // with the rest: shown at once, it would be pushed down the screen.
    let whole = serde_json::json!({ "headings": 9, "slots": 2, "empty": 0, "after": [true, true] });
    let lead = serde_json::json!({ "headings": 0, "slots": 0, "empty": 0, "after": [false, false] });
    assert_eq!(b.js("return window.__atReady;").await?, lead);
    assert_eq!(b.js(IN_PLACE).await?, whole, "the rest, and its diagram and check");
    b.wait_for_css("main .directive-slot[data-directive=diagram] svg").await?;
    b.open("/glossary").await?; // (the same address with a fragment would not load again)
    b.open("/learn/feature-flags#choosing-the-safe-default").await?;
    b.wait_js(PROSE_FILLED).await?;
    assert_eq!(b.js("return window.__atReady;").await?, whole, "an anchor: nothing deferred");
    b.assert_no_errors("feature-flags, deferred prose").await?;
    Ok(())
}

/// Every scroll box of the page is a keyboard stop exactly when it scrolls.
const STOPS_MATCH_OVERFLOW: &str =
    "[...document.querySelectorAll('main .code-block > pre, main .table-wrap, main .diagram-scroll')]\
    .every((e) => (e.scrollWidth > e.clientWidth) === (e.getAttribute('tabindex') === '0'))";

#[tokio::test]
async fn scroll_boxes_are_tab_stops_only_when_they_scroll() -> R {
    let b = Browser::with_size(1280, 900).await?;
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    b.wait_js(STOPS_MATCH_OVERFLOW).await?;
    let stops = "document.querySelectorAll('main .code-block > pre[tabindex], main .table-wrap[tabindex]').length";
    let boxes = b.js("return document.querySelectorAll('main .code-block > pre, main .table-wrap').length;").await?;
    let wide = b.js(&format!("return {stops};")).await?;
    assert!(wide.as_u64() < boxes.as_u64(), "at 1280 px most boxes fit: {wide} of {boxes} are stops");
    // On a phone the table scrolls sideways: it becomes a stop.
    b.client.set_window_size(375, 800).await?;
    b.wait_js("document.querySelector('main .table-wrap').getAttribute('tabindex') === '0'").await?;
    b.wait_js(STOPS_MATCH_OVERFLOW).await?;
    let narrow = b.js(&format!("return {stops};")).await?;
    assert!(narrow.as_u64() > wide.as_u64(), "{narrow} stops at 375 px, {wide} at 1280 px");
    Ok(())
}
