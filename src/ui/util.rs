//! Small browser helpers shared by the views: base path, links, clipboard,
//! downloads, time, and the polite status announcer.

use std::sync::OnceLock;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The app's base path without a trailing slash ("" at the root, "/course"
/// when built with `scripts/build.sh --public-url /course/`). The build
/// writes it into `<meta name="rollback-lab-base">` (the content security
/// policy forbids `<base>`); `trunk serve` still uses Trunk's `<base>`.
pub fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let doc = document();
        let attr = |css: &str, name: &str| doc.query_selector(css).ok().flatten().and_then(|e| e.get_attribute(name));
        let href = attr("meta[name=rollback-lab-base]", "content")
            .or_else(|| attr("base", "href"))
            .unwrap_or_else(|| "/".to_string());
        let path = if href.starts_with("http://") || href.starts_with("https://") {
            web_sys::Url::new(&href).map(|u| u.pathname()).unwrap_or_else(|_| "/".to_string())
        } else {
            href
        };
        path.trim_end_matches('/').to_string()
    })
}

/// The current path without the base.
pub fn strip_base(path: &str) -> String {
    let b = base();
    let rest = path.strip_prefix(b).unwrap_or(path);
    if rest.is_empty() {
        "/".to_string()
    } else {
        rest.to_string()
    }
}

/// Turn an app-internal href ("/learn/x#y", "#y") into one the browser
/// resolves correctly under the base path. A fragment belongs to the
/// current page's own address (as `core::prerender` writes it at build
/// time, whatever trailing slash the host added).
pub fn resolve_href(href: &str) -> String {
    let path = window().location().pathname().unwrap_or_default();
    crate::core::routes::resolve_href(href, base(), &crate::core::routes::parse(&strip_base(&path)))
}

/// An app path ("/quiz") with the base prefixed.
pub fn app_href(path: &str) -> String {
    format!("{}{}", base(), path)
}

/// Set a Performance API mark (measured by the performance script).
pub fn mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}

/// Set a mark only the first time.
pub fn mark_once(name: &str) {
    if let Some(p) = window().performance() {
        if p.get_entries_by_name(name).length() == 0 {
            let _ = p.mark(name);
        }
    }
}

/// Milliseconds since the epoch (browser clock).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A readable local date and time for a timestamp.
pub fn format_time(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let s: String = d.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED).into();
    s
}

/// Ask the browser to save `text` as a file.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| "the browser could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not create the file".to_string())?;
    let a: web_sys::HtmlAnchorElement =
        document().create_element("a").map_err(|_| "no document".to_string())?.unchecked_into();
    a.set_href(&url);
    a.set_download(filename);
    a.set_attribute("data-download", filename).ok();
    a.set_hidden(true);
    let body = document().body().ok_or("no body")?;
    body.append_child(&a).ok();
    a.click();
    body.remove_child(&a).ok();
    // Revoke later: some browsers read the URL after click returns.
    let url2 = url.clone();
    set_timeout(move || web_sys::Url::revoke_object_url(&url2).unwrap_or(()), std::time::Duration::from_secs(10));
    record_download(filename, text);
    Ok(())
}

/// The last file offered for download, kept on `window.__lastDownload` so
/// end-to-end tests can read what a person would have saved.
fn record_download(filename: &str, text: &str) {
    let obj = js_sys::Object::new();
    js_sys::Reflect::set(&obj, &"name".into(), &filename.into()).ok();
    js_sys::Reflect::set(&obj, &"text".into(), &text.into()).ok();
    js_sys::Reflect::set(&window(), &"__lastDownload".into(), &obj).ok();
}

/// Copy text to the clipboard; calls `done(true)` on success. The text is
/// also kept on `window.__lastCopy` so end-to-end tests can read it.
pub fn copy_to_clipboard(text: &str, done: impl FnOnce(bool) + 'static) {
    js_sys::Reflect::set(&window(), &"__lastCopy".into(), &text.into()).ok();
    let promise = window().navigator().clipboard().write_text(text);
    leptos::task::spawn_local(async move {
        let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        done(ok);
    });
}

/// Announce a short message to screen readers (and show it as a toast).
pub fn announce(message: &str) {
    if let Some(status) = use_context::<StatusMessage>() {
        status.say(message);
    }
}

/// The polite live region's text, provided by the shell.
#[derive(Clone, Copy)]
pub struct StatusMessage(pub RwSignal<String>);

impl StatusMessage {
    /// Show `message`, and clear it after a few seconds unless replaced.
    pub fn say(&self, message: &str) {
        let signal = self.0;
        let message = message.to_string();
        signal.set(message.clone());
        set_timeout(
            move || {
                if signal.try_get_untracked().as_deref() == Some(message.as_str()) {
                    signal.set(String::new());
                }
            },
            std::time::Duration::from_secs(5),
        );
    }
}

/// One listener for every copy button that markdown renders, whether the
/// app drew it or adopted it from the page the build step wrote: a code
/// block's "Copy" (`.copy-code`, copies the block's code and says
/// "Copied") and a heading's "#" (`.copy-link[data-anchor]`, copies the
/// address of that section). Every build's root installs it once.
pub fn install_copy_buttons() {
    use wasm_bindgen::JsCast;
    let status = use_context::<StatusMessage>();
    let say = move |message: &'static str| {
        if let Some(s) = status {
            s.say(message);
        }
    };
    let handle = window_event_listener(leptos::ev::click, move |ev| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let Some(button) = target.closest("button.copy-code, button.copy-link").ok().flatten() else {
            return;
        };
        if button.class_list().contains("copy-code") {
            let code = button
                .closest(".code-block")
                .ok()
                .flatten()
                .and_then(|block| block.query_selector("code").ok().flatten())
                .and_then(|code| code.text_content())
                .unwrap_or_default();
            copy_to_clipboard(&code, move |ok| {
                if ok {
                    button.set_text_content(Some("Copied"));
                    set_timeout(move || button.set_text_content(Some("Copy")), std::time::Duration::from_secs(2));
                }
                say(if ok {
                    "Copied to the clipboard."
                } else {
                    "Could not copy: select the text and copy it by hand."
                });
            });
        } else if let Some(anchor) = button.get_attribute("data-anchor") {
            let loc = window().location();
            let url = format!("{}{}#{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default(), anchor);
            copy_to_clipboard(&url, move |ok| {
                say(if ok { "Link to this section copied." } else { "Could not copy the link." });
            });
        }
    });
    on_cleanup(move || handle.remove());
}

/// On a phone (a touch screen, or a narrow one) a tap on a glossary
/// term shows its definition in place instead of leaving the lesson; a
/// second tap on the same term opens the glossary; a tap elsewhere or
/// Escape closes it. Every build's root installs it once. The listener is
/// on the window's capture phase, so it runs before the router takes the
/// link.
pub fn install_term_taps() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    fn close_open(except: Option<&web_sys::Element>) {
        if let Ok(open) = document().query_selector_all(".term-wrap.open") {
            for i in 0..open.length() {
                if let Some(el) = open.get(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    if except != Some(&el) {
                        let _ = el.class_list().remove_1("open");
                        if let Ok(Some(a)) = el.query_selector("a.term") {
                            let _ = a.set_attribute("aria-expanded", "false");
                        }
                    }
                }
            }
        }
    }
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let term = target.closest("a.term").ok().flatten();
        let wrap = term.as_ref().and_then(|t| t.parent_element()).filter(|w| w.class_list().contains("term-wrap"));
        let narrow =
            window().match_media("(pointer: coarse), (max-width: 700px)").ok().flatten().is_some_and(|m| m.matches());
        match (wrap, term) {
            (Some(wrap), Some(term)) if narrow => {
                if wrap.class_list().contains("open") {
                    // The second tap follows the link to the glossary.
                    close_open(None);
                    return;
                }
                ev.prevent_default();
                ev.stop_propagation();
                close_open(Some(&wrap));
                let _ = wrap.class_list().add_1("open");
                let _ = term.set_attribute("aria-expanded", "true");
            }
            _ => {
                let inside = target.closest(".term-wrap.open").ok().flatten();
                close_open(inside.as_ref());
            }
        }
    });
    let on_key = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            close_open(None);
        }
    });
    let w = window();
    let _ = w.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    let _ = w.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    // Installed once for the life of the page.
    on_click.forget();
    on_key.forget();
}

/// Whether the screen is a phone's width (the 700 px breakpoint where the
/// simulators put their charts first, style/sim.css).
pub fn narrow_screen() -> bool {
    window().match_media("(max-width: 700px)").ok().flatten().is_some_and(|m| m.matches())
}

/// The boxes of a content page's prose that scroll sideways when their
/// content is wider than the page: code blocks, tables and diagrams. Only
/// there: that prose does not change once drawn, so a box that fits now
/// fits until the window changes. (Boxes whose content changes, such as
/// previews and simulator tables, stay keyboard stops all the time.)
const SCROLL_BOXES: &str = "article[data-slug] > .prose :is(.code-block > pre, .table-wrap, .diagram-scroll)";

/// Make each scroll box of a content page's prose a keyboard stop only
/// while its content is wider than it is: then a keyboard user can focus
/// it and scroll with the arrow keys; otherwise Tab does not stop at every
/// code block. The markup makes them stops (right when this never runs);
/// the shell runs this after each page renders and when the window is
/// resized.
pub fn sync_scroll_stops() {
    use wasm_bindgen::JsCast;
    let Ok(found) = document().query_selector_all(SCROLL_BOXES) else {
        return;
    };
    for i in 0..found.length() {
        let Some(el) = found.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
            continue;
        };
        if el.scroll_width() > el.client_width() {
            el.set_attribute("tabindex", "0").ok();
        } else {
            el.remove_attribute("tabindex").ok();
        }
    }
}

/// Run `f` in a task after the page's next frame: for work that can wait
/// until what is on screen has been painted (the rest of a lesson's prose,
/// a hidden sidebar). In a background tab, where no frame comes, once the
/// tab is shown.
pub fn after_next_frame(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// After the next paint, move the keyboard focus to the first element that
/// matches one of `selectors`, tried in order (made focusable if it is
/// not). For controls that hide or disable the button the focus was on, and
/// for screens that replace the content, so the focus never falls to `<body>`.
pub fn focus_after_render(selectors: &'static [&'static str]) {
    focus_enabled_after_render(selectors.iter().map(|s| s.to_string()).collect());
}

/// [`focus_after_render`] with selectors made at run time; an element that
/// is disabled is passed over (a "Move down" button at the bottom of a list
/// gives the focus to the same item's "Move up").
pub fn focus_enabled_after_render(selectors: Vec<String>) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let doc = document();
        let Some(el) = selectors
            .iter()
            .filter_map(|s| doc.query_selector(s).ok().flatten())
            .find(|e| !e.has_attribute("disabled"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        if !el.has_attribute("tabindex") && el.tab_index() < 0 {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let _ = el.focus();
    });
}
