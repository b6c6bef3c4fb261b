//! Browser unit tests (wasm-bindgen-test in headless Chromium): components
//! that touch the DOM, and the local-storage adapter.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen_test::*;

use rollback_lab::core::markdown::{parse, RenderOptions};
use rollback_lab::ui::markdown::{render_doc, MdHooks};
use rollback_lab::ui::shell::theme::ThemeToggle;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
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
