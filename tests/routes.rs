#![cfg(not(target_arch = "wasm32"))]
//! The route table: every route round-trips, deep links parse, unknown paths
//! are "not found".

use rollback_lab::core::routes::{app_routes, href, is_valid_slug, parse, Route};

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
