//! The deployable bundle itself: the content security policy, offline use
//! through the service worker, updates, and what a static host needs.

use std::path::{Path, PathBuf};

use rollback_lab::core::routes::{self, Route};
use serde_json::json;

use crate::harness::{course, dist_dir, Browser, StaticServer, R};

/// Every route with its path and heading.
fn every_route() -> Vec<(Route, String, String)> {
    let mut out = vec![(Route::Home, "/".to_string(), "Rollback Lab".to_string())];
    for p in &course().pages {
        let route = Route::Page(p.front.slug.clone());
        out.push((route.clone(), routes::href(&route), p.front.title.clone()));
    }
    for r in routes::app_routes() {
        out.push((r.route, r.path.to_string(), r.title.to_string()));
    }
    out
}

/// Fail on any CSP violation the page reported, and check the policy and
/// the absence of inline scripts in the document as served.
async fn assert_policy_held(b: &Browser, context: &str) -> R {
    let report = b
        .js(r#"const m = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
               return { violations: window.__csp || [], policy: m ? m.content : null,
                        inline: document.querySelectorAll('script:not([src])').length };"#)
        .await?;
    let violations = report["violations"].as_array().cloned().unwrap_or_default();
    assert!(violations.is_empty(), "{context}: CSP violations {violations:?}");
    let policy = report["policy"].as_str().ok_or(format!("{context}: no CSP meta"))?;
    for part in ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "style-src 'self'"] {
        assert!(policy.contains(part), "{context}: policy lacks {part}: {policy}");
    }
    assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"), "{context}: {policy}");
    assert_eq!(report["inline"], json!(0), "{context}: inline scripts");
    Ok(())
}

#[tokio::test]
async fn no_csp_violations_while_clicking_through_every_route() -> R {
    let b = Browser::new().await?;
    b.open("/").await?;
    for (route, path, heading) in every_route() {
        // Click the link to the route (the sidebar lists them all); reader
        // pages swap in place, tools pages are a full load of the tools build.
        let selector = format!("a[href=\"{path}\"]");
        let clicked = b
            .js(&format!(
                "const a = document.querySelector('{selector}'); if (a) {{ a.click(); return true; }} return false;"
            ))
            .await?;
        if clicked != json!(true) {
            b.open(&path).await?;
        }
        b.wait_for_text("main h1", &heading).await.map_err(|e| format!("{path} ({route:?}): {e}"))?;
        assert_policy_held(&b, &path).await?;
        b.assert_no_errors(&path).await?;
    }
    // The simulators at work, not just opened.
    b.open("/simulators/canary").await?;
    b.wait_for_text(".sim-clock", "minute 0").await?;
    b.click_text("button", "Step 1 minute").await?;
    b.wait_for_text(".sim-clock", "minute 1").await?;
    assert_policy_held(&b, "canary simulator after a step").await?;
    Ok(())
}

/// Wait until the service worker controls the page (it claims clients once
/// every file is cached).
async fn wait_offline_ready(b: &Browser) -> R {
    b.wait_js("navigator.serviceWorker && navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === 'activated'")
        .await?;
    Ok(())
}

#[tokio::test]
async fn the_course_works_offline_after_the_first_visit() -> R {
    let server = StaticServer::start(dist_dir());
    let b = Browser::at(&server.url, 1280, 900).await?;
    b.open("/").await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    wait_offline_ready(&b).await?;
    // Offline: the browser's offline mode, and the host gone as well.
    b.cdp("Network.enable", json!({})).await?;
    b.cdp(
        "Network.emulateNetworkConditions",
        json!({ "offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
    )
    .await?;
    server.stop();
    let reached = b
        .client
        .execute_async(
            "const done = arguments[0]; fetch('/robots.txt?' + Date.now()).then(() => done('reached'), () => done('offline'));",
            vec![],
        )
        .await?;
    assert_eq!(reached, json!("offline"), "the network must really be gone");

    b.client.refresh().await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    // The course map's search fetches its index: from the cache, offline.
    b.click("#search-box").await?;
    b.keys("kill switch").await?;
    b.wait_for_css(".search-results .search-hit mark").await?;
    // Read a lesson (a link in the reader build).
    b.click("a[href=\"/learn/feature-flags\"]").await?;
    b.wait_for_text("main h1", "Feature flags and kill switches").await?;
    b.wait_for_text(".prose", "kill switch").await?;
    // A page of the tools build, loaded from the cache.
    b.open("/simulators/canary?scenario=kill-switch-save").await?;
    b.wait_for_text(".sim-clock", "minute 0").await?;
    for _ in 0..3 {
        b.click_text("button", "Step 1 minute").await?;
    }
    b.wait_for_text(".sim-clock", "minute 3").await?;
    b.wait_js("document.querySelectorAll('.sim-charts figure.chart svg').length > 0").await?;
    // A deep link nobody visited yet is served from the cache too.
    b.open("/learn/rollback-playbook").await?;
    b.wait_for_text("main h1", "Rollback playbook").await?;
    b.assert_no_errors("offline").await?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_new_build_is_announced_and_only_used_after_the_learner_reloads() -> R {
    let root = std::env::temp_dir().join(format!("rollback-lab-update-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&dist_dir(), &root)?;
    let server = StaticServer::start(root.clone());
    let b = Browser::at(&server.url, 1280, 900).await?;
    b.open("/").await?;
    wait_offline_ready(&b).await?;
    assert_eq!(b.js("return !!document.querySelector('[data-testid=update-banner]');").await?, json!(false));

    // Deploy a "new build": another home page entry and another worker version.
    let index = root.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    std::fs::write(&index, html.replace("<head>", "<head>\n<meta name=\"build-marker\" content=\"next\" />"))?;
    let sw = root.join("sw.js");
    let text = std::fs::read_to_string(&sw)?;
    let next = text.replacen("const VERSION = \"", "const VERSION = \"next-", 1);
    assert_ne!(text, next, "sw.js has no VERSION line");
    std::fs::write(&sw, next)?;

    b.js("navigator.serviceWorker.getRegistration().then(r => r.update());").await?;
    b.wait_for_css("[data-testid=update-banner]").await?;
    b.wait_for_text("[data-testid=update-banner]", "new version").await?;
    // Until the learner accepts, pages still come from the old build.
    b.client.refresh().await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    assert_eq!(b.js("return !!document.querySelector('meta[name=build-marker]');").await?, json!(false));
    b.wait_for_css("[data-testid=update-banner]").await?;
    b.click_text("[data-testid=update-banner] button", "Reload to update").await?;
    b.wait_js("document.querySelector('meta[name=build-marker]')").await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    b.wait_js("navigator.serviceWorker.controller && !document.querySelector('[data-testid=update-banner]')").await?;
    b.assert_no_errors("after the update").await?;
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn dist_deploys_to_a_static_host_as_is() {
    let dist = dist_dir();
    let c = course();
    // One entry per route, with its own title, booting the build it needs.
    for (route, path, heading) in every_route() {
        let rel = if path == "/" { "index.html".to_string() } else { format!("{}/index.html", &path[1..]) };
        let html = std::fs::read_to_string(dist.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or("");
        assert!(title.contains("Rollback Lab"), "{rel}: title {title}");
        if route != Route::Home {
            assert!(title.starts_with(&heading.replace('&', "&amp;")), "{rel}: title {title}, heading {heading}");
        }
        // A static first paint with the page's heading, until the app mounts.
        let first_paint = format!("class=\"boot-title\">{}<", heading.replace('&', "&amp;"));
        assert!(html.contains(&first_paint), "{rel}: no first paint {first_paint}");
        let build = format!("boot-{}-", c.build_of(&route).name());
        assert!(html.contains(&build), "{rel} must boot {build}");
        // The search index is fetched from the file the page names.
        assert!(html.contains("name=\"rollback-lab-search-index\" content=\"search-"), "{rel}: search index <meta>");
        assert!(html.contains("http-equiv=\"Content-Security-Policy\""), "{rel}: no policy");
        assert!(
            !html.contains("<base") && !html.contains("<script type=\"module\">"),
            "{rel}: <base> or inline script"
        );
    }
    assert!(dist.join("404.html").is_file(), "404.html boots the app for unknown paths");
    let sw = std::fs::read_to_string(dist.join("sw.js")).expect("sw.js");
    // Every asset: a content hash in its name, and .gz and .br beside it.
    let all = files(&dist);
    let mut assets = 0;
    for f in &all {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "js" | "css" | "wasm" | "json") || name == "sw.js" {
            continue;
        }
        assets += 1;
        let stem = name.split('.').next().unwrap().trim_end_matches("_bg");
        let hash = stem.rsplit('-').next().unwrap();
        assert!(hash.len() >= 12 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{name}: no content hash");
        assert!(sw.contains(&format!("\"{name}\"")), "{name} is not kept offline");
        let size = std::fs::metadata(f).unwrap().len();
        for suffix in ["gz", "br"] {
            let packed = f.with_file_name(format!("{name}.{suffix}"));
            let packed_size = std::fs::metadata(&packed).unwrap_or_else(|_| panic!("{name}.{suffix} missing")).len();
            assert!(packed_size > 0 && packed_size < size, "{name}.{suffix}: {packed_size} bytes of {size}");
        }
    }
    // Three loaders, three wasm, three boot scripts, one stylesheet, the
    // search index.
    assert_eq!(assets, 11, "expected 11 hashed assets");
}

#[tokio::test]
async fn the_app_works_under_a_sub_path() -> R {
    // Built by scripts/test.sh with `--public-url /course/`.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/dist-course");
    assert!(
        root.join("index.html").is_file(),
        "target/dist-course is missing: DIST=target/dist-course scripts/build.sh --public-url /course/"
    );
    let server = StaticServer::start_at(root, "/course");
    let b = Browser::at(&server.url, 1280, 900).await?;
    b.open("/course/").await?;
    b.wait_for_text("main h1", "Rollback Lab").await?;
    // Every link of the app stays below the sub-path.
    let outside = b
        .js("return [...document.querySelectorAll('a[href^=\"/\"]')].map(a => a.getAttribute('href')).filter(h => !h.startsWith('/course/'));")
        .await?;
    assert_eq!(outside, json!([]), "links outside /course/");
    // Search fetches its index from below the sub-path.
    b.click("#search-box").await?;
    b.keys("kill switch").await?;
    b.wait_for_css(".search-results .search-hit mark").await?;
    b.keys("\u{E00C}").await?; // Escape closes the results
    b.wait_js("!document.querySelector('.search-results')").await?;
    // A reader lesson, then a tools page (each a full load from the build
    // before it).
    b.click("a[href=\"/course/learn/feature-flags\"]").await?;
    b.wait_for_text("main h1", "Feature flags and kill switches").await?;
    assert_eq!(b.path().await?, "/course/learn/feature-flags");
    b.click("a[href=\"/course/quiz\"]").await?;
    b.wait_for_text("main h1", "Quick test").await?;
    assert_eq!(b.path().await?, "/course/quiz");
    // A deep link and an unknown page.
    b.open("/course/learn/expand-and-contract#the-last-safe-rollback-point").await?;
    b.wait_for_text("main h1", "Expand-and-contract").await?;
    b.open("/course/learn/no-such-page").await?;
    b.wait_for_text("main h1", "Page not found").await?;
    // The service worker lives in the sub-path.
    let scope = b
        .wait_js(
            "navigator.serviceWorker.controller && navigator.serviceWorker.getRegistration().then(r => r && r.scope)",
        )
        .await?;
    assert!(scope.as_str().is_some_and(|s| s.ends_with("/course/")), "scope {scope}");
    assert_policy_held(&b, "sub-path").await?;
    b.assert_no_errors("sub-path").await?;
    Ok(())
}

#[tokio::test]
async fn the_reader_hands_a_tools_page_over_and_never_loops() -> R {
    // A tools route reached inside the reader (here: history navigation)
    // loads the tools build, and the address ends up clean.
    let b = Browser::new().await?;
    b.open("/learn/feature-flags").await?;
    b.wait_js("document.querySelector('script[src*=boot-reader]')").await?;
    // The hand-over may replace the document before this script returns.
    let _ = b.js("history.pushState(null, '', '/quiz'); dispatchEvent(new PopStateEvent('popstate'));").await;
    b.wait_js("document.querySelector('script[src*=boot-tools]')").await?;
    b.wait_for_text("main h1", "Quick test").await?;
    b.wait_js("location.search === ''").await?;
    assert_eq!(b.path().await?, "/quiz");
    b.assert_no_errors("hand-over").await?;

    // A host that answers a tools route with the reader: one retry, then a
    // clear message instead of a reload loop.
    let root = std::env::temp_dir().join(format!("rollback-lab-misconfigured-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&dist_dir(), &root)?;
    std::fs::copy(root.join("glossary/index.html"), root.join("quiz/index.html"))?;
    let server = StaticServer::start(root.clone());
    let c = Browser::at(&server.url, 1280, 900).await?;
    c.open("/quiz").await?;
    c.wait_for_text("main h1", "This page could not be loaded").await?;
    // Said in a learner's words: a new version is being published; reload.
    c.wait_for_text("main", "A new version of Rollback Lab is being published").await?;
    assert!(!c.text("main").await?.contains("scripts/build.sh"));
    c.wait_for_text("main a.button", "Reload the page").await?;
    assert!(c.js("return location.search;").await?.as_str().unwrap_or("").contains("tools=1"));
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

#[tokio::test]
async fn a_damaged_search_index_is_reported_beside_the_box() -> R {
    // The home build fetches the index: a file that is not one says so
    // where the results would be, and the page keeps working.
    let root = std::env::temp_dir().join(format!("rollback-lab-bad-index-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&dist_dir(), &root)?;
    for entry in std::fs::read_dir(&root)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if name.starts_with("search-") {
            // The raw file and its compressed copies (the server prefers those).
            if name.ends_with(".json") {
                std::fs::write(&path, "{\"sections\": [tru")?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
    }
    let server = StaticServer::start(root.clone());
    let b = Browser::at(&server.url, 1280, 900).await?;
    b.open("/").await?;
    b.click("#search-box").await?;
    b.keys("canary").await?;
    b.wait_for_text(".search-results", "Search is not available: the search index is damaged").await?;
    b.wait_for_text("#search-count", "Search is not available").await?;
    // Once the file is right again, the next use of the box tries again.
    for entry in std::fs::read_dir(dist_dir())? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if name.starts_with("search-") && name.ends_with(".json") {
            std::fs::copy(&path, root.join(&name))?;
        }
    }
    // (The service worker kept the damaged copy: drop its caches.)
    b.client
        .execute_async(
            "const done = arguments[0]; caches.keys().then(ks => Promise.all(ks.map(k => caches.delete(k)))).then(() => done(true));",
            vec![],
        )
        .await?;
    b.js("document.activeElement.blur();").await?;
    b.click("#search-box").await?;
    b.wait_for_css(".search-results .search-hit mark").await?;
    // The rest of the page still works.
    b.click("a[href=\"/learn/feature-flags\"]").await?;
    b.wait_for_text("main h1", "Feature flags and kill switches").await?;
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}
