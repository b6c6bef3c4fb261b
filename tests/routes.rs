#![cfg(not(target_arch = "wasm32"))]
//! The route table: every route round-trips, deep links parse, unknown paths
//! are "not found".

use rollback_lab::core::routes::{app_routes, href, href_route, is_valid_slug, parse, resolve_href, Route};

#[test]
fn every_app_route_round_trips() {
    let routes = app_routes();
    assert!(routes.len() >= 10);
    for r in &routes {
        assert_eq!(parse(r.path), r.route, "{}", r.path);
        assert_eq!(href(&r.route), r.path);
        assert!(!r.title.is_empty() && !r.summary.is_empty());
    }
    let mut paths: Vec<&str> = routes.iter().map(|r| r.path).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), routes.len(), "duplicate paths");
}

#[test]
fn pages_home_and_not_found() {
    assert_eq!(parse("/"), Route::Home);
    assert_eq!(parse(""), Route::Home);
    assert_eq!(parse("/index.html"), Route::Home);
    assert_eq!(parse("/learn/canary-releases"), Route::Page("canary-releases".into()));
    assert_eq!(parse("/learn/canary-releases/"), Route::Page("canary-releases".into()));
    assert_eq!(parse("/learn/canary-releases?x=1#gates"), Route::Page("canary-releases".into()));
    assert_eq!(parse("/quiz?seed=3"), Route::Quiz);
    assert_eq!(href(&Route::Page("x".into())), "/learn/x");
    assert!(matches!(parse("/nope"), Route::NotFound(p) if p == "/nope"));
    assert!(matches!(parse("/learn/Bad_Slug"), Route::NotFound(_)));
    assert!(matches!(parse("/learn/"), Route::Home | Route::NotFound(_)));
}

#[test]
fn slug_rules() {
    assert!(is_valid_slug("exercise-1"));
    assert!(!is_valid_slug(""));
    assert!(!is_valid_slug("-a"));
    assert!(!is_valid_slug("a--b"));
    assert!(!is_valid_slug("A"));
    assert!(!is_valid_slug("a b"));
}

#[test]
fn hrefs_resolve_the_same_for_the_build_and_the_app() {
    let here = Route::Page("feature-flags".into());
    assert_eq!(resolve_href("/quiz", "", &here), "/quiz");
    assert_eq!(resolve_href("/learn/x#y", "/course", &here), "/course/learn/x#y");
    // A fragment belongs to the page's own address.
    assert_eq!(resolve_href("#top", "/course", &here), "/course/learn/feature-flags#top");
    assert_eq!(resolve_href("#top", "", &Route::Home), "/#top");
    // Anything not an app path is left alone.
    for other in ["https://example.com/a", "//cdn.example.com/x", "mailto:a@b.c", "relative/x"] {
        assert_eq!(resolve_href(other, "/course", &here), other);
    }
    assert_eq!(href_route("/learn/feature-flags#x"), Some(here));
    assert_eq!(href_route("/quiz?x=1"), Some(Route::Quiz));
    assert_eq!(href_route("#x"), None);
    assert_eq!(href_route("//host/quiz"), None);
}
