//! Browser unit tests (wasm-bindgen-test in headless Chromium): components
//! that touch the DOM, and the local-storage adapter.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen_test::*;

use rollback_lab::core::markdown::{parse, RenderOptions};
use rollback_lab::ui::markdown::{render_doc, MdHooks};
use rollback_lab::ui::shell::theme::ThemeToggle;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element to mount into, with the reader build's configuration
/// installed (state and views read it; installing twice keeps the first).
fn container() -> web_sys::HtmlElement {
    rollback_lab::ui::edition::install(rollback_lab::ui::pages::reader_config());
    let doc = document();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    use wasm_bindgen::JsCast;
    div.unchecked_into()
}

async fn tick() {
    // Let Leptos flush its effects.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL)).await.unwrap();
}

#[wasm_bindgen_test]
async fn rendered_markdown_never_creates_elements_from_raw_html() {
    let el = container();
    let src = "# Title\n\n<script>window.__pwned = 1</script>\n\nText <img src=x onerror=\"window.__pwned=2\"> and [link](javascript:window.__pwned=3).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] step\n";
    let doc = parse(src, RenderOptions::default());
    let _handle = leptos::mount::mount_to(el.clone(), move || render_doc(&doc, &MdHooks::default()));
    tick().await;
    assert!(el.query_selector("script").unwrap().is_none());
    assert!(el.query_selector("img").unwrap().is_none());
    assert!(el.query_selector("a[href^='javascript']").unwrap().is_none());
    assert!(el.text_content().unwrap().contains("<script>window.__pwned = 1</script>"));
    assert!(el.query_selector("table td").unwrap().is_some());
    assert!(el.query_selector("h1#title").unwrap().is_some());
    assert!(el.query_selector("input[type=checkbox]").unwrap().is_some());
    let pwned = js_sys::Reflect::get(&window(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
async fn the_theme_toggle_sets_the_document_theme_and_stores_it() {
    let storage = window().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    let el = container();
    let _handle = leptos::mount::mount_to(el.clone(), || {
        let state = rollback_lab::ui::state::AppState::init();
        provide_context(state);
        rollback_lab::ui::shell::theme::apply_theme(state);
        view! { <ThemeToggle /> }
    });
    tick().await;
    let root = document().document_element().unwrap();
    let before = root.get_attribute("data-theme").unwrap();
    let button: web_sys::HtmlElement = {
        use wasm_bindgen::JsCast;
        el.query_selector("button.theme-toggle").unwrap().unwrap().unchecked_into()
    };
    button.click();
    tick().await;
    let after = root.get_attribute("data-theme").unwrap();
    assert_ne!(before, after);
    assert_eq!(button.get_attribute("aria-checked").unwrap(), (after == "dark").to_string());
    let stored = storage.get_item(rollback_lab::store::KEY).unwrap().unwrap();
    assert!(stored.contains(&format!("\"value\":\"{after}\"")), "{stored}");
}

/// The store banner mounted with a fresh `AppState` (loaded from local
/// storage as it is now): the element, the state, and the mount's handle
/// (keep it alive for the test).
async fn banner_with_state() -> (web_sys::HtmlElement, rollback_lab::ui::state::AppState, impl Sized) {
    let el = container();
    let state_out = std::rc::Rc::new(std::cell::RefCell::new(None));
    let state_slot = state_out.clone();
    let handle = leptos::mount::mount_to(el.clone(), move || {
        let state = rollback_lab::ui::state::AppState::init();
        provide_context(state);
        *state_slot.borrow_mut() = Some(state);
        view! { <rollback_lab::ui::shell::banner::StoreBanner /> }
    });
    tick().await;
    let state = state_out.borrow().expect("the state was made");
    (el, state, handle)
}

fn eval(js: &str) {
    js_sys::eval(js).expect("eval");
}

#[wasm_bindgen_test]
async fn disabled_local_storage_keeps_the_app_working_in_memory_with_a_banner() {
    eval(
        "window.__lsOwn = Object.getOwnPropertyDescriptor(window, 'localStorage'); \
         Object.defineProperty(window, 'localStorage', { configurable: true, \
           get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });",
    );
    let (el, state, _handle) = banner_with_state().await;
    assert!(matches!(state.problem.get_untracked(), Some(rollback_lab::store::Problem::Unavailable { .. })));
    let text = el.text_content().unwrap();
    assert!(text.contains("can't be kept"), "{text}");
    assert!(text.contains("Download your progress"), "{text}");
    // Work goes on in memory.
    state.update(|p| p.set_done("canary-releases", true, 1.0));
    assert!(state.progress.with_untracked(|p| p.is_done("canary-releases")));
    eval("if (window.__lsOwn) { Object.defineProperty(window, 'localStorage', window.__lsOwn); } else { delete window.localStorage; }");
    assert!(window().local_storage().unwrap().is_some(), "storage restored for the other tests");
}

#[wasm_bindgen_test]
async fn quota_exceeded_on_save_is_shown_and_the_work_is_kept() {
    window().local_storage().unwrap().unwrap().clear().unwrap();
    let (el, state, _handle) = banner_with_state().await;
    eval(
        "window.__origSetItem = Storage.prototype.setItem; \
         Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    );
    state.update(|p| p.set_done("feature-flags", true, 2.0));
    eval("Storage.prototype.setItem = window.__origSetItem;");
    tick().await;
    assert!(matches!(
        state.problem.get_untracked(),
        Some(rollback_lab::store::Problem::SaveFailed { error: rollback_lab::store::StoreError::QuotaExceeded })
    ));
    assert!(state.progress.with_untracked(|p| p.is_done("feature-flags")), "the change is still in memory");
    let text = el.text_content().unwrap();
    assert!(text.contains("storage for the site is full"), "{text}");
    // The next successful save clears the problem.
    state.update(|p| p.set_done("feature-flags", true, 3.0));
    assert!(state.problem.get_untracked().is_none());
    let stored = window().local_storage().unwrap().unwrap().get_item(rollback_lab::store::KEY).unwrap().unwrap();
    assert!(stored.contains("feature-flags"));
}

#[wasm_bindgen_test]
async fn a_storage_event_from_another_tab_is_merged() {
    use rollback_lab::core::progress::Progress;
    let storage = window().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    let slot = std::rc::Rc::new(std::cell::RefCell::new(None));
    let s2 = slot.clone();
    let _handle = leptos::mount::mount_to(container(), move || {
        let state = rollback_lab::ui::state::AppState::init();
        *s2.borrow_mut() = Some(state);
    });
    tick().await;
    let state = slot.borrow().expect("mounted");
    state.update(|p| p.set_done("mine", true, 1.0));
    let mut theirs = Progress::default();
    theirs.set_done("theirs", true, 2.0);
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(rollback_lab::store::KEY));
    init.set_new_value(Some(&theirs.to_json()));
    let ev = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    window().dispatch_event(&ev).unwrap();
    tick().await;
    assert!(state.progress.with_untracked(|p| p.is_done("mine") && p.is_done("theirs")));
    let stored = storage.get_item(rollback_lab::store::KEY).unwrap().unwrap();
    assert!(stored.contains("\"mine\"") && stored.contains("\"theirs\""), "merged and written back: {stored}");
}

#[wasm_bindgen_test]
async fn a_newer_version_saved_by_another_tab_pauses_saving_here() {
    let storage = window().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    let (el, state, _handle) = banner_with_state().await;
    assert!(state.writable.get_untracked());
    // Another tab, running a newer version, stores schema 99.
    let newer = r#"{"schema_version": 99, "lessons": {}}"#;
    storage.set_item(rollback_lab::store::KEY, newer).unwrap();
    eval(&format!(
        "window.dispatchEvent(new StorageEvent('storage', {{ key: {:?}, newValue: {:?} }}));",
        rollback_lab::store::KEY,
        newer
    ));
    tick().await;
    assert!(!state.writable.get_untracked(), "saving pauses");
    let text = el.text_content().unwrap();
    assert!(text.contains("Saving is paused in this tab"), "{text}");
    // A change here stays in memory and leaves the newer document alone.
    state.update(|p| p.set_done("canary-releases", true, 5.0));
    assert_eq!(storage.get_item(rollback_lab::store::KEY).unwrap().as_deref(), Some(newer));
    assert!(state.progress.with_untracked(|p| p.is_done("canary-releases")));
}
