//! The shell: every route renders, deep links, keyboard, themes, axe.

use rollback_lab::core::progress::{self, Progress};
use rollback_lab::core::routes::app_routes;

use crate::harness::{course, Browser, R};
use crate::pages::{LessonPage, Shell};

/// Every route: its path and the heading it must show.
fn all_routes() -> Vec<(String, String)> {
    let mut routes = vec![("/".to_string(), "Rollback Lab".to_string())];
    for p in &course().pages {
        routes.push((format!("/learn/{}", p.front.slug), p.front.title.clone()));
    }
    for r in app_routes() {
        routes.push((r.path.to_string(), r.title.to_string()));
    }
    routes
}

#[tokio::test]
async fn every_route_renders_its_heading_without_console_errors() -> R {
    let b = Browser::new().await?;
    for (path, title) in all_routes() {
        b.open(&path).await?;
        b.wait_for_text("main h1", &title).await.map_err(|e| format!("{path}: {e}"))?;
        b.assert_no_errors(&path).await?;
        // The static first paint is gone once the app is up.
        b.wait_js("document.querySelectorAll('.boot, .boot-title').length === 0").await?;
        let doc_title = b.js("return document.title;").await?;
        assert!(doc_title.as_str().is_some_and(|t| t.contains("Rollback Lab")), "{path}: title {doc_title}");
    }
    Ok(())
}

/// Where the page's title sits (the app's `main h1`, or the first
/// paint's), its eyebrow, and where a content page's prose starts.
const TITLE_BOX: &str = "const t = document.querySelector('main h1') || document.querySelector('.boot .boot-title'); \
    if (!t) return null; const r = t.getBoundingClientRect(); \
    const e = t.previousElementSibling && t.previousElementSibling.matches('.eyebrow') ? t.previousElementSibling.textContent : ''; \
    const p = document.querySelector('main article[data-slug] > .prose') || document.querySelector('.boot .prose[data-prose]'); \
    const pr = p && p.getBoundingClientRect(); \
    return [Math.round(r.x), Math.round(r.y), e, pr ? [Math.round(pr.x), Math.round(pr.y)] : null];";

/// Every build starts its app only after the page's static first paint is
/// on screen, so the first paint never waits for the app. (Without the wait
/// the order is a race the app wins in some loads: three loads each.)
#[tokio::test]
async fn the_app_starts_after_the_first_contentful_paint() -> R {
    let b = Browser::new().await?;
    let pages = [("/", "home"), ("/learn/feature-flags", "reader"), ("/simulators/canary", "tools")];
    for (path, build) in pages.iter().cycle().take(9) {
        b.open(path).await?;
        b.wait_js(&format!("document.querySelector('script[src*=boot-{build}]')")).await?;
        let order = b
            .js("const f = performance.getEntriesByName('first-contentful-paint')[0]; \
                 const s = performance.getEntriesByName('app-start')[0]; \
                 return [!!f, !!s, !!f && !!s && s.startTime >= f.startTime];")
            .await?;
        assert_eq!(order, serde_json::json!([true, true, true]), "{path}: [painted, started, started after]");
    }
    Ok(())
}

/// A browser without paint timing or `WebAssembly.compileStreaming` (older
/// Safari) still starts the app, at once, through the fallbacks.
#[tokio::test]
async fn the_app_starts_without_paint_timing_or_streaming_compilation() -> R {
    let b = Browser::new().await?;
    let older = "Object.defineProperty(PerformanceObserver, 'supportedEntryTypes', { get: () => [] }); \
                 WebAssembly.compileStreaming = undefined;";
    b.cdp("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": older })).await?;
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    assert_eq!(b.js("return typeof WebAssembly.compileStreaming;").await?, serde_json::json!("undefined"));
    b.wait_js("performance.getEntriesByName('app-ready').length === 1").await?;
    b.assert_no_errors("without paint timing").await?;
    Ok(())
}

#[tokio::test]
async fn the_first_paint_puts_the_title_where_the_app_will() -> R {
    for (width, height) in [(1280, 900), (375, 800)] {
        // The first paint alone: no .wasm, so the app never starts.
        let before = Browser::with_size(width, height).await?;
        before.cdp("Network.enable", serde_json::json!({})).await?;
        before.cdp("Network.setBlockedURLs", serde_json::json!({ "urls": ["*.wasm"] })).await?;
        let after = Browser::with_size(width, height).await?;
        for (path, title) in all_routes() {
            before.client.goto(&format!("{}{}", before.base, path)).await?;
            before.wait_for_text(".boot .boot-title", &title).await?;
            let boot = before.js(TITLE_BOX).await?;
            after.open(&path).await?;
            after.wait_for_text("main h1", &title).await?;
            after.wait_js("document.querySelectorAll('.boot').length === 0").await?;
            let app = after.js(TITLE_BOX).await?;
            assert_eq!(boot, app, "{path} at {width} px: the title moves when the app takes over");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_deep_link_with_an_anchor_opens_directly() -> R {
    let b = Browser::new().await?;
    // A fresh browser straight onto a deep link: the static server knows no
    // such file and answers with 404.html, which boots the app.
    b.open("/learn/expand-and-contract#the-last-safe-rollback-point").await?;
    b.wait_for_text("main h1", "Expand-and-contract").await?;
    b.wait_for_css("#the-last-safe-rollback-point").await?;
    // The anchored heading is scrolled into view.
    b.wait_js("Math.abs(document.getElementById('the-last-safe-rollback-point').getBoundingClientRect().top) < 200")
        .await?;
    assert_eq!(Shell(&b).current_nav().await?, "Expand-and-contract migrations");
    b.assert_no_errors("deep link").await?;
    // An unknown page says so, inside the app.
    b.open("/learn/no-such-page").await?;
    b.wait_for_text("main h1", "Page not found").await?;
    Ok(())
}

/// The sidebar marks the current page (and follows in-app navigation) and
/// ticks pages done, for eyes and for screen readers; the marks come back
/// from storage on the next load.
#[tokio::test]
async fn the_sidebar_marks_the_current_page_and_pages_done() -> R {
    let b = Browser::new().await?;
    let shell = Shell(&b);
    let link = |slug: &str| format!("#sidebar a[href$='/learn/{slug}']");
    let marks = |slug: &str| {
        format!(
            "const a = document.querySelector(\"{}\"); return [a.classList.contains('done'), a.querySelector('.nav-done').textContent, a.textContent.includes('(done)')];",
            link(slug)
        )
    };
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    assert_eq!(shell.current_nav().await?, "Feature flags and kill switches");
    assert_eq!(
        b.js("return document.querySelectorAll('#sidebar [aria-current]').length;").await?,
        serde_json::json!(1)
    );
    assert_eq!(b.js(&marks("feature-flags")).await?, serde_json::json!([false, "", false]));
    b.click_text("main button", "Mark this page as done").await?;
    b.wait_js(&format!("document.querySelector(\"{}\").classList.contains('done')", link("feature-flags"))).await?;
    assert_eq!(b.js(&marks("feature-flags")).await?, serde_json::json!([true, "✓", true]));
    // In-app to the glossary: the mark moves to the tools list.
    b.click("#sidebar a[href='/glossary']").await?;
    b.wait_for_text("main h1", "Glossary").await?;
    assert_eq!(shell.current_nav().await?, "Glossary");
    assert_eq!(
        b.js("return document.querySelectorAll('#sidebar [aria-current]').length;").await?,
        serde_json::json!(1)
    );
    // A new load reads the tick back; undoing it clears the marks.
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    assert_eq!(b.js(&marks("feature-flags")).await?, serde_json::json!([true, "✓", true]));
    b.click_text("main button", "mark as not done").await?;
    b.wait_js(&format!("!document.querySelector(\"{}\").classList.contains('done')", link("feature-flags"))).await?;
    assert_eq!(b.js(&marks("feature-flags")).await?, serde_json::json!([false, "", false]));
    b.assert_no_errors("sidebar marks").await?;
    Ok(())
}

/// On a phone, a toast is centred and only as wide as its message.
#[tokio::test]
async fn a_toast_on_a_phone_covers_only_its_message() -> R {
    let b = Browser::with_size(375, 800).await?;
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    b.click_text("main button", "Mark this page as done").await?;
    b.wait_for_text(".toast", "Marked as done.").await?;
    let got = b
        .js("const r = document.querySelector('.toast').getBoundingClientRect(); \
             return [r.width, r.left + r.width / 2, document.documentElement.clientWidth];")
        .await?;
    let [width, centre, page] = [0, 1, 2].map(|i| got[i].as_f64().unwrap_or(f64::NAN));
    assert!(width < page / 2.0, "the toast is {width} px wide on a {page} px page");
    assert!((centre - page / 2.0).abs() < 2.0, "the toast is centred: {centre} of {page}");
    Ok(())
}

/// On a phone the theme switch says what it switches ("Dark off"), not
/// just "☾ off".
#[tokio::test]
async fn the_theme_switch_names_itself_on_a_phone() -> R {
    let b = Browser::with_size(375, 800).await?;
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    let shown = b.js("return document.querySelector('.theme-toggle').innerText.replace(/\\s+/g, ' ').trim();").await?;
    assert_eq!(shown.as_str(), Some("Dark off"), "{shown}");
    let wide = Browser::new().await?;
    LessonPage(&wide).open("feature-flags", "Feature flags and kill switches").await?;
    let shown =
        wide.js("return document.querySelector('.theme-toggle').innerText.replace(/\\s+/g, ' ').trim();").await?;
    assert_eq!(shown.as_str(), Some("☾ Dark theme off"), "{shown}");
    Ok(())
}

#[tokio::test]
async fn tab_reaches_the_skip_link_sidebar_and_content() -> R {
    let b = Browser::new().await?;
    LessonPage(&b).open("canary-releases", "Canary releases").await?;
    b.js("document.activeElement.blur(); window.scrollTo(0, 0);").await?;
    let mut seen_sidebar = false;
    let mut seen_main = false;
    let mut first = None;
    for _ in 0..80 {
        b.keys("\u{E004}").await?; // Tab
        let where_ = b
            .js("const a = document.activeElement; return (a.closest('.sidebar') ? 'sidebar' : a.closest('main') ? 'main' : a.className || a.tagName);")
            .await?;
        let where_ = where_.as_str().unwrap_or("").to_string();
        first.get_or_insert(where_.clone());
        seen_sidebar |= where_ == "sidebar";
        seen_main |= where_ == "main";
        if seen_sidebar && seen_main {
            break;
        }
    }
    assert_eq!(first.as_deref(), Some("skip-link"), "the first Tab stop is the skip link");
    assert!(seen_sidebar && seen_main, "Tab reaches sidebar ({seen_sidebar}) and content ({seen_main})");
    // The focused element shows a visible focus ring.
    let outline = b.js("return getComputedStyle(document.activeElement).outlineStyle;").await?;
    assert_eq!(outline.as_str(), Some("solid"));
    Ok(())
}

#[tokio::test]
async fn the_skip_link_moves_focus_to_the_content() -> R {
    let b = Browser::new().await?;
    b.open("/learn/feature-flags").await?;
    b.keys("\u{E004}").await?;
    b.keys("\u{E007}").await?; // Enter
    b.wait_js("document.activeElement && document.activeElement.id === 'main'").await?;
    assert_eq!(b.path().await?, "/learn/feature-flags", "the skip link must not navigate away");
    Ok(())
}

/// "Next" by keyboard: the link is the same element on the new page, so
/// focus moves to the new page's content (otherwise the next Enter would go
/// on again). A pager link to a page of another build is left to the
/// browser: one page load, no detour through the reader.
#[tokio::test]
async fn the_pager_hands_focus_to_the_new_page_and_other_builds_to_the_browser() -> R {
    let b = Browser::new().await?;
    LessonPage(&b).open("feature-flags", "Feature flags and kill switches").await?;
    b.js("window.__sameDocument = true; document.querySelector('a.pager-next').focus();").await?;
    b.keys("\u{E007}").await?; // Enter
    b.wait_for_text("main h1", "Backward- and forward-compatible APIs").await?;
    assert_eq!(b.js("return window.__sameDocument === true;").await?, serde_json::json!(true), "in-app");
    b.wait_js("document.activeElement && document.activeElement.id === 'main'").await?;
    // Focus in the sidebar stays there.
    b.js("document.querySelector('#sidebar a[href$=\"/learn/feature-flags\"]').focus();").await?;
    b.keys("\u{E007}").await?;
    b.wait_for_text("main h1", "Feature flags and kill switches").await?;
    assert_eq!(
        b.js("return document.activeElement.getAttribute('href');").await?,
        serde_json::json!("/learn/feature-flags"),
        "focus stays on the sidebar link"
    );
    // The first page's "Next" is served by the tools build.
    LessonPage(&b).open("why-this-matters", "Why this matters").await?;
    assert_eq!(b.js("return document.querySelector('a.pager-next').rel;").await?, serde_json::json!("next external"));
    b.js("window.__sameDocument = true;").await?;
    b.click("a.pager-next").await?;
    b.wait_for_text("main h1", "Canary releases").await?;
    b.wait_js("document.querySelector('script[src*=boot-tools]')").await?;
    assert_eq!(b.js("return location.search;").await?, serde_json::json!(""), "no reload through ?tools=1");
    assert_eq!(b.js("return window.__sameDocument === true;").await?, serde_json::json!(false), "a page load");
    b.assert_no_errors("pager").await?;
    Ok(())
}

#[tokio::test]
async fn arrow_keys_move_between_pages() -> R {
    let b = Browser::new().await?;
    let pages = &course().pages;
    LessonPage(&b).open(&pages[1].front.slug, &pages[1].front.title).await?;
    b.js("document.activeElement.blur();").await?;
    b.keys("\u{E014}").await?; // ArrowRight
    b.wait_for_text("main h1", &pages[2].front.title).await?;
    assert_eq!(b.path().await?, format!("/learn/{}", pages[2].front.slug));
    b.keys("\u{E012}").await?; // ArrowLeft
    b.keys("\u{E012}").await?;
    b.wait_for_text("main h1", &pages[0].front.title).await?;
    // Before the first page comes the course map, and → leads back from
    // there: in the reader without a page load (the marker survives), and
    // from the home build (a full page load).
    b.js("window.__sameDocument = true;").await?;
    b.keys("\u{E012}").await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    b.keys("\u{E014}").await?;
    b.wait_for_text("main h1", &pages[0].front.title).await?;
    assert_eq!(b.js("return window.__sameDocument === true;").await?, serde_json::json!(true), "stayed in the reader");
    b.open("/").await?;
    b.wait_js("document.querySelector('script[src*=boot-home]')").await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    b.js("document.activeElement.blur();").await?;
    b.keys("\u{E014}").await?;
    b.wait_for_text("main h1", &pages[0].front.title).await?;
    b.wait_js("document.querySelector('script[src*=boot-reader]')").await?;
    // Typing in a field does not navigate.
    b.js("const i = document.createElement('input'); i.id = 'probe'; document.querySelector('main').append(i); i.focus();").await?;
    b.keys("\u{E014}").await?;
    assert_eq!(b.path().await?, format!("/learn/{}", pages[0].front.slug));
    Ok(())
}

#[tokio::test]
async fn playbook_steps_are_checkable_and_kept() -> R {
    let b = Browser::new().await?;
    let lesson = LessonPage(&b);
    lesson.open("rollback-playbook", "Rollback playbook").await?;
    assert!(lesson.steps_progress().await?.starts_with("0 of 6"));
    lesson.check_step(0).await?;
    lesson.check_step(1).await?;
    b.wait_for_text(".steps-progress", "2 of 6").await?;
    b.client.refresh().await?;
    b.wait_for_text(".steps-progress", "2 of 6").await?;
    Ok(())
}

#[tokio::test]
async fn the_theme_toggle_switches_and_is_remembered() -> R {
    let b = Browser::new().await?;
    b.open("/").await?;
    let shell = Shell(&b);
    let first = shell.toggle_theme().await?;
    let second = shell.toggle_theme().await?;
    assert_ne!(first, second);
    let third = shell.toggle_theme().await?;
    assert_eq!(third, first);
    b.client.refresh().await?;
    b.wait_js(&format!("document.documentElement.dataset.theme === '{third}'")).await?;
    Ok(())
}

#[tokio::test]
async fn the_course_map_changes_only_the_theme_in_saved_progress() -> R {
    // The home build reads an outline of the progress document; a theme
    // change there must keep the runbooks, drafts and game days it never read.
    let b = Browser::new().await?;
    let saved = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/progress/v3.json"))?;
    b.open("/").await?;
    b.js(&format!("localStorage.setItem('rollback-lab:progress', {});", serde_json::json!(saved))).await?;
    b.client.refresh().await?;
    b.wait_js("document.querySelector('script[src*=boot-home]')").await?;
    b.wait_for_text(".dashboard", "Best 80 %").await?;
    let theme = Shell(&b).toggle_theme().await?;
    let stored = b.js("return localStorage.getItem('rollback-lab:progress');").await?;
    let (after, _) = progress::decode(stored.as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
    let (before, _) = progress::decode(&saved).map_err(|e| e.to_string())?;
    assert_eq!(after.theme.as_ref().map(|t| t.value.clone()), Some(theme));
    assert!(!before.runbooks.is_empty() && !before.drafts.is_empty() && !before.gamedays.is_empty());
    assert_eq!(Progress { theme: None, ..after }, before, "everything but the theme kept");
    // The tools build still reads everything.
    b.open("/runbooks").await?;
    b.wait_for_text("main", "Require customerType").await?;
    b.assert_no_errors("theme on the course map").await?;
    Ok(())
}

#[tokio::test]
async fn axe_finds_no_violations_on_any_route_in_either_theme() -> R {
    let b = Browser::new().await?;
    let mut failures = Vec::new();
    for theme in ["light", "dark"] {
        for (path, title) in all_routes() {
            b.open(&path).await?;
            b.wait_for_text("main h1", &title).await?;
            if b.js("return document.documentElement.dataset.theme;").await?.as_str() != Some(theme) {
                Shell(&b).toggle_theme().await?;
            }
            for v in b.axe().await? {
                failures.push(format!("{theme} {path}: {v}"));
            }
        }
    }
    assert!(failures.is_empty(), "axe violations:\n{}", failures.join("\n"));
    Ok(())
}

#[tokio::test]
async fn the_mobile_menu_opens_and_closes() -> R {
    let b = Browser::with_size(375, 812).await?;
    b.open("/learn/canary-releases").await?;
    let visible = "getComputedStyle(document.getElementById('sidebar')).display !== 'none'";
    assert_eq!(b.js(&format!("return {visible};")).await?.as_bool(), Some(false));
    assert!(b.text(".menu-button").await?.contains("Menu"));
    b.click(".menu-button").await?;
    b.wait_js(visible).await?;
    b.wait_for_text(".menu-button", "Close").await?;
    // Focus moves into the menu, on the current page's link; Escape
    // brings it back to the button.
    b.wait_js("document.activeElement.matches('#sidebar a[aria-current=page]')").await?;
    assert!(b
        .js("return document.activeElement.textContent;")
        .await?
        .as_str()
        .is_some_and(|t| t.starts_with("Canary releases")));
    assert_eq!(
        b.js("return document.querySelector('.menu-button').getAttribute('aria-expanded');").await?.as_str(),
        Some("true")
    );
    // Escape closes it.
    b.keys("\u{E00C}").await?;
    b.wait_js(&format!("!({visible})")).await?;
    b.wait_js("document.activeElement.matches('.menu-button')").await?;
    b.wait_js("document.querySelector('.menu-button').getAttribute('aria-expanded') === 'false'").await?;
    b.click(".menu-button").await?;
    b.wait_js(visible).await?;
    b.click_text(".sidebar a", "Feature flags").await?;
    b.wait_for_text("main h1", "Feature flags").await?;
    b.wait_js(&format!("!({visible})")).await?;
    Ok(())
}

/// Installed before a page loads: how many sidebar links there were when
/// the app took over from the first paint (it removes `.boot` in the same
/// task as its "app-ready" mark).
const RECORD_SIDEBAR_AT_READY: &str = "new MutationObserver((records, obs) => { \
    if (records.some((r) => [...r.removedNodes].some((n) => n.classList && n.classList.contains('boot')))) { \
      window.__sidebarLinksAtReady = document.querySelectorAll('#sidebar a').length; obs.disconnect(); } \
  }).observe(document, { childList: true, subtree: true });";

/// Behind the menu button (a phone), the sidebar's links are built after
/// the first frame; where the sidebar is shown, with the page.
/// A window of `width` × `height` with `RECORD_SIDEBAR_AT_READY` installed,
/// on a lesson.
async fn lesson_recording_the_sidebar(width: u32, height: u32) -> R<Browser> {
    let b = Browser::with_size(width, height).await?;
    b.cdp("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": RECORD_SIDEBAR_AT_READY })).await?;
    b.open("/learn/feature-flags").await?;
    b.wait_for_text("main h1", "Feature flags").await?;
    Ok(b)
}

#[tokio::test]
async fn the_sidebar_is_built_with_the_page_only_where_it_is_shown() -> R {
    let links = "return document.querySelectorAll('#sidebar a').length;";
    let phone = lesson_recording_the_sidebar(375, 812).await?;
    let all = phone
        .wait_js(
            "document.querySelectorAll('#sidebar a').length > 20 && document.querySelectorAll('#sidebar a').length",
        )
        .await?;
    assert_eq!(
        phone.js("return window.__sidebarLinksAtReady;").await?,
        serde_json::json!(0),
        "built after the first frame"
    );
    phone.click(".menu-button").await?;
    phone.wait_js("getComputedStyle(document.getElementById('sidebar')).display !== 'none'").await?;
    assert_eq!(phone.js(links).await?, all);
    let current = phone.js("return document.querySelector('#sidebar a[aria-current=page]').textContent;").await?;
    assert!(current.as_str().is_some_and(|t| t.starts_with("Feature flags")), "{current}");
    phone.assert_no_errors("feature-flags, phone").await?;

    let desktop = lesson_recording_the_sidebar(1280, 900).await?;
    desktop.wait_js("window.__sidebarLinksAtReady !== undefined").await?;
    assert_eq!(desktop.js("return window.__sidebarLinksAtReady;").await?, all, "built with the page");
    Ok(())
}

#[tokio::test]
async fn no_page_scrolls_sideways_on_a_phone() -> R {
    // At 375 px only code blocks, tables and diagrams may scroll, inside
    // their own boxes; the page itself never does.
    let b = Browser::with_size(375, 812).await?;
    let mut failures = Vec::new();
    for (path, title) in all_routes() {
        b.open(&path).await?;
        b.wait_for_text("main h1", &title).await.map_err(|e| format!("{path}: {e}"))?;
        let overflow =
            b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;").await?;
        if overflow.as_i64().unwrap_or(1) > 0 {
            let culprits = b
                .js("const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1 && !e.parentElement.closest('.table-wrap, pre, .diagram')).slice(0, 3).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60));")
                .await?;
            failures.push(format!("{path}: {overflow}px ({culprits})"));
        }
    }
    assert!(failures.is_empty(), "pages wider than the screen:\n{}", failures.join("\n"));
    // The header's search results fit the screen too.
    b.open("/").await?;
    b.click("#search-box").await?;
    b.keys("burn rate").await?;
    b.wait_for_css(".search-results .search-hit").await?;
    let fit = b
        .js("const r = document.querySelector('.search-results').getBoundingClientRect(); return [r.left, r.right, document.documentElement.clientWidth, document.documentElement.scrollWidth];")
        .await?;
    let n = |i: usize| fit[i].as_f64().unwrap_or(f64::NAN);
    assert!(n(0) >= 0.0 && n(1) <= n(2) && n(3) <= n(2), "search results outside the screen: {fit}");
    Ok(())
}

/// On a phone a tap on a glossary term shows its definition where the
/// learner is reading; the next tap opens the glossary. On a wide screen the
/// link goes to the glossary at once.
#[tokio::test]
async fn a_glossary_term_tapped_on_a_phone_shows_its_definition_in_place() -> R {
    let b = Browser::with_size(375, 800).await?;
    LessonPage(&b).open("canary-releases", "Canary releases").await?;
    b.wait_for_css("main .prose a.term").await?;
    b.js("document.querySelector('main .prose a.term').scrollIntoView({block: 'center'}); return true;").await?;
    b.click("main .prose a.term").await?;
    b.wait_js("document.querySelector('.term-wrap.open .tooltip') && getComputedStyle(document.querySelector('.term-wrap.open .tooltip')).display === 'block'").await?;
    assert_eq!(b.path().await?, "/learn/canary-releases", "still on the lesson");
    let tip = b.text(".term-wrap.open .tooltip").await?;
    assert!(tip.len() > 20, "a definition: {tip}");
    assert_eq!(
        b.js("return document.querySelector('.term-wrap.open a.term').getAttribute('aria-expanded');").await?.as_str(),
        Some("true")
    );
    // Escape closes it; a second tap after opening again follows the link.
    b.keys("\u{E00C}").await?;
    b.wait_js("!document.querySelector('.term-wrap.open')").await?;
    b.click("main .prose a.term").await?;
    b.wait_for_css(".term-wrap.open").await?;
    b.click("main .prose a.term").await?;
    b.wait_for_text("main h1", "Glossary").await?;
    let wide = Browser::new().await?;
    LessonPage(&wide).open("canary-releases", "Canary releases").await?;
    wide.wait_for_css("main .prose a.term").await?;
    wide.js("document.querySelector('main .prose a.term').click(); return true;").await?;
    wide.wait_for_text("main h1", "Glossary").await?;
    b.assert_no_errors("term taps").await?;
    Ok(())
}

/// A long lesson lists its sections under its link in the sidebar; a short
/// one does not.
#[tokio::test]
async fn a_long_lesson_lists_its_sections_in_the_sidebar() -> R {
    let b = Browser::new().await?;
    LessonPage(&b).open("expand-and-contract", "Expand-and-contract").await?;
    let body = &crate::harness::course().page("expand-and-contract").unwrap().body;
    let sections =
        rollback_lab::core::markdown::parse(body, Default::default()).headings.iter().filter(|h| h.level == 2).count();
    assert!(sections >= 5);
    let n = b.wait_js("document.querySelectorAll('#sidebar [aria-current=page] + .nav-sections a').length").await?;
    assert_eq!(n.as_u64(), Some(sections as u64), "one link per ## section");
    let first = b.js("return document.querySelector('#sidebar .nav-sections a').getAttribute('href');").await?;
    let id = first.as_str().unwrap_or_default().rsplit('#').next().unwrap_or_default().to_string();
    assert!(
        b.js(&format!("return !!document.getElementById({});", serde_json::json!(id))).await?.as_bool() == Some(true),
        "{first}"
    );
    LessonPage(&b).open("practical-projects", "Practical projects").await?;
    b.wait_js("document.querySelector('#sidebar [aria-current=page]')").await?;
    assert_eq!(b.js("return document.querySelectorAll('#sidebar .nav-sections').length;").await?.as_u64(), Some(0));
    Ok(())
}

/// The whole course prints as one document: every page in reading order,
/// its sections under its title, no anchor twice.
#[tokio::test]
async fn the_whole_course_prints_as_one_document() -> R {
    let b = Browser::new().await?;
    b.open("/print").await?;
    b.wait_for_text("main h1", "The whole course, to print").await?;
    let pages = crate::harness::course().pages.len() as u64;
    let chapters = b.wait_js("document.querySelectorAll('.print-chapter').length").await?;
    assert_eq!(chapters.as_u64(), Some(pages));
    let first = &crate::harness::course().pages[0].front.title;
    assert_eq!(b.text(".print-chapter h2").await?, *first);
    let dup = b
        .js("const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id); \
             return ids.filter((x, i) => ids.indexOf(x) !== i);")
        .await?;
    assert_eq!(dup, serde_json::json!([]), "ids used twice");
    assert_eq!(b.js("return document.querySelectorAll('main h1').length;").await?.as_u64(), Some(1));
    let violations = b.axe().await?;
    assert!(violations.is_empty(), "axe: {violations:?}");
    b.assert_no_errors("print").await?;
    Ok(())
}
