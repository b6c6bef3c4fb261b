//! Search: a box in the header (and the `/` key) with results as you type,
//! and a results page. The index is built at build time and written as a
//! hashed JSON file (named by a `<meta>` in every page, kept offline by the
//! service worker), which the app fetches the first time search is used, so
//! no build carries it in its .wasm. The matching words are highlighted; the
//! number of results is announced.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsCast;

use crate::core::search::{search, suggest, Highlighted, Hit, SearchIndex};
use crate::ui::util;

static INDEX: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();

/// The index once fetched; an empty one before.
pub fn index() -> &'static SearchIndex {
    static EMPTY: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();
    INDEX.get().unwrap_or_else(|| EMPTY.get_or_init(SearchIndex::default))
}

/// Whether the index can be searched yet.
#[derive(Clone, Debug, PartialEq)]
enum IndexState {
    /// Not asked for yet, or on its way.
    Loading,
    Ready,
    Failed(String),
}

/// The index's state, shared by the header box and the results page.
#[derive(Clone, Copy)]
pub struct SearchState {
    state: RwSignal<IndexState>,
    started: StoredValue<bool>,
}

impl SearchState {
    /// Fetch the index unless that has started already (after a failure,
    /// the next use tries again).
    fn want(&self) {
        if !self.started.get_value() {
            self.started.set_value(true);
            fetch_index(*self);
        }
    }
}

/// Provide the search state (the shell does, once).
pub fn provide_search_state() {
    provide_context(SearchState { state: RwSignal::new(IndexState::Loading), started: StoredValue::new(false) });
}

/// The address of the fetched index, from the page's `<meta>`.
fn index_url() -> Option<String> {
    document()
        .query_selector("meta[name=rollback-lab-search-index]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .map(|name| util::app_href(&format!("/{name}")))
}

/// Fetch and parse the index, reporting to `search`.
fn fetch_index(search: SearchState) {
    let state = search.state;
    if INDEX.get().is_some() {
        state.set(IndexState::Ready);
        return;
    }
    let Some(url) = index_url() else {
        state.set(IndexState::Failed("this page does not name a search index".into()));
        return;
    };
    leptos::task::spawn_local(async move {
        let result: Result<SearchIndex, String> = async {
            let response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(&url))
                .await
                .map_err(|_| "the search index could not be downloaded".to_string())?;
            let response: web_sys::Response = response.dyn_into().map_err(|_| "no response".to_string())?;
            if !response.ok() {
                return Err(format!("the search index could not be downloaded (HTTP {})", response.status()));
            }
            let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(|_| "no body".to_string())?)
                .await
                .map_err(|_| "the search index could not be read".to_string())?;
            let text = text.as_string().unwrap_or_default();
            serde_json::from_str(&text).map_err(|e| format!("the search index is damaged ({e})"))
        }
        .await;
        match result {
            Ok(ix) => {
                let _ = INDEX.set(ix);
                let _ = state.try_set(IndexState::Ready);
            }
            Err(e) => {
                let _ = state.try_set(IndexState::Failed(e));
                let _ = search.started.try_set_value(false);
            }
        }
    });
}

fn marks(h: &Highlighted) -> Vec<AnyView> {
    h.iter()
        .map(|(t, m)| if *m { view! { <mark>{t.clone()}</mark> }.into_any() } else { t.clone().into_any() })
        .collect()
}

/// The hit's address inside the app ("/learn/x#y"), before the base.
fn hit_path(hit: &Hit) -> String {
    let s = &index().sections[hit.section];
    let path = format!("/learn/{}", s.slug);
    match &s.anchor {
        Some(a) => format!("{path}#{a}"),
        None => path,
    }
}

fn hit_view(hit: &Hit) -> impl IntoView {
    let s = &index().sections[hit.section];
    let page = s.page_title.clone();
    let same = s.heading == s.page_title;
    let path = hit_path(hit);
    // Pages of the tools build (exercises, pages with live examples) are
    // loaded by the browser, not the router: no "Loading…" hand-over.
    let rel = crate::ui::edition::rel_for_href(&path);
    view! {
        <li class="search-hit">
            <a href=util::app_href(&path) rel=rel class="hit-link">
                <span class="hit-title">{marks(&hit.heading)}</span>
                {(!same).then(|| view! { <span class="hit-page">{format!(" — {page}")}</span> })}
            </a>
            <p class="hit-snippet">{marks(&hit.snippet)}</p>
        </li>
    }
}

/// The search box in the header.
#[component]
pub fn HeaderSearch() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let search_state = expect_context::<SearchState>();
    let index_state = search_state.state;
    // The first use of the box fetches the index.
    let want_index = move || search_state.want();
    let open = RwSignal::new(false);
    let hits = Memo::new(move |_| {
        index_state.track();
        let q = query.get();
        if q.trim().chars().count() < 2 {
            Vec::new()
        } else {
            search(index(), &q, 8)
        }
    });
    let total = Memo::new(move |_| {
        index_state.track();
        let q = query.get();
        if q.trim().chars().count() < 2 {
            0
        } else {
            search(index(), &q, usize::MAX).len()
        }
    });
    let nav = expect_context::<crate::ui::shell::Nav>();
    // "/" focuses the box, unless the learner is typing somewhere.
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let tag = el.tag_name().to_ascii_lowercase();
            if matches!(tag.as_str(), "input" | "textarea" | "select")
                || el.closest("[contenteditable]").ok().flatten().is_some()
            {
                return;
            }
        }
        if let Some(input) =
            document().get_element_by_id("search-box").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            ev.prevent_default();
            let _ = input.focus();
        }
    });
    on_cleanup(move || handle.remove());
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            open.set(false);
        }
        "ArrowDown" => {
            ev.prevent_default();
            if let Some(a) = document()
                .query_selector(".search-results a")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = a.focus();
            }
        }
        _ => {}
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        open.set(false);
        let q = query.get_untracked();
        nav.go(&format!("/search?q={}", js_sys::encode_uri_component(&q)));
    };
    let results_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key != "ArrowDown" && key != "ArrowUp" && key != "Escape" {
            return;
        }
        ev.prevent_default();
        if key == "Escape" {
            open.set(false);
            if let Some(i) =
                document().get_element_by_id("search-box").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = i.focus();
            }
            return;
        }
        let links: Vec<web_sys::HtmlElement> = document()
            .query_selector_all(".search-results a")
            .ok()
            .map(|l| (0..l.length()).filter_map(|i| l.item(i)).filter_map(|n| n.dyn_into().ok()).collect())
            .unwrap_or_default();
        let active = document().active_element();
        let pos =
            links.iter().position(|l| active.as_ref().is_some_and(|a| a == l.unchecked_ref::<web_sys::Element>()));
        let next = match (key.as_str(), pos) {
            ("ArrowDown", Some(p)) => (p + 1).min(links.len().saturating_sub(1)),
            ("ArrowUp", Some(0)) | ("ArrowUp", None) => {
                if let Some(i) =
                    document().get_element_by_id("search-box").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = i.focus();
                }
                return;
            }
            ("ArrowUp", Some(p)) => p - 1,
            _ => 0,
        };
        if let Some(l) = links.get(next) {
            let _ = l.focus();
        }
    };
    view! {
        <div class="header-search">
            <form role="search" aria-label="Search the course" on:submit=submit>
                <label for="search-box" class="visually-hidden">"Search the course"</label>
                <input
                    type="search"
                    id="search-box"
                    placeholder="Search"
                    aria-keyshortcuts="/"
                    autocomplete="off"
                    aria-describedby="search-count"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        want_index();
                        query.set(event_target_value(&ev));
                        open.set(true);
                    }
                    on:focus=move |_| {
                        want_index();
                        open.set(true);
                    }
                    on:keydown=on_keydown
                />
            </form>
            <p id="search-count" class="visually-hidden" role="status" aria-live="polite">
                {move || {
                    let q = query.get();
                    if q.trim().chars().count() < 2 {
                        String::new()
                    } else if let IndexState::Failed(e) = index_state.get() {
                        format!("Search is not available: {e}.")
                    } else if index_state.get() == IndexState::Loading {
                        "Loading the search index…".to_string()
                    } else {
                        match total.get() {
                            0 => "No results.".to_string(),
                            1 => "1 result.".to_string(),
                            n => format!("{n} results."),
                        }
                    }
                }}
            </p>
            <Show when=move || open.get() && query.with(|q| q.trim().chars().count() >= 2)>
                <div class="search-results" on:keydown=results_key on:click=move |_| open.set(false)>
                    {move || {
                        let list = hits.get();
                        if let IndexState::Failed(e) = index_state.get() {
                            view! { <p class="muted">{format!("Search is not available: {e}. Try again, or reload the page.")}</p> }.into_any()
                        } else if index_state.get() == IndexState::Loading {
                            view! { <p class="muted">"Loading the search index…"</p> }.into_any()
                        } else if list.is_empty() {
                            let q = query.get_untracked();
                            match suggest(index(), &q) {
                                Some(better) => view! {
                                    <p class="muted">
                                        "No results. Did you mean "
                                        <button type="button" class="button link-button search-suggestion"
                                            on:click=move |ev| {
                                                ev.stop_propagation();
                                                query.set(better.clone());
                                                open.set(true);
                                            }>{better.clone()}</button>
                                        "?"
                                    </p>
                                }.into_any(),
                                None => view! { <p class="muted">"No results."</p> }.into_any(),
                            }
                        } else {
                            let n = total.get();
                            view! {
                                <ul>{list.iter().map(hit_view).collect::<Vec<_>>()}</ul>
                                {(n > list.len()).then(|| view! {
                                    {
                                        let path = format!("/search?q={}", String::from(js_sys::encode_uri_component(&query.get_untracked())));
                                        let rel = crate::ui::edition::rel_for_href(&path);
                                        view! { <p><a href=util::app_href(&path) rel=rel>{format!("All {n} results →")}</a></p> }
                                    }
                                })}
                            }.into_any()
                        }
                    }}
                </div>
            </Show>
        </div>
    }
}

/// The results page: `/search?q=`.
#[component]
pub fn SearchPage() -> impl IntoView {
    let q = use_query_map();
    let query = Memo::new(move |_| q.with(|m| m.get("q").unwrap_or_default()));
    let nav = expect_context::<crate::ui::shell::Nav>();
    let search_state = expect_context::<SearchState>();
    search_state.want();
    let index_state = search_state.state;
    let hits = Memo::new(move |_| {
        index_state.track();
        search(index(), &query.get(), 100)
    });
    let input = RwSignal::new(query.get_untracked());
    Effect::new(move |_| input.set(query.get()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        nav.go(&format!("/search?q={}", js_sys::encode_uri_component(&input.get_untracked())));
    };
    view! {
        <Title text="Search · Rollback Lab" />
        <article class="page search-page">
            <p class="eyebrow">"Tools"</p>
            <h1>"Search"</h1>
            <form role="search" aria-label="Search again" on:submit=submit class="inline-form">
                <div class="field">
                    <label for="search-page-box">"Search every page of the course"</label>
                    <input type="search" id="search-page-box" prop:value=move || input.get() on:input=move |ev| input.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button primary">"Search"</button>
            </form>
            <p role="status" class="muted">
                {move || {
                    let n = hits.with(Vec::len);
                    if query.with(|q| q.trim().is_empty()) {
                        "Type a word or two, for example order_status or burn rate.".to_string()
                    } else if let IndexState::Failed(e) = index_state.get() {
                        format!("Search is not available: {e}. Try again, or reload the page.")
                    } else if index_state.get() == IndexState::Loading {
                        "Loading the search index…".to_string()
                    } else {
                        format!("{n} {} for “{}”.", if n == 1 { "result" } else { "results" }, query.get())
                    }
                }}
            </p>
            {move || {
                let q = query.get();
                let ready = index_state.get() == IndexState::Ready;
                (ready && hits.with(Vec::is_empty) && !q.trim().is_empty()).then(|| suggest(index(), &q)).flatten().map(|better| {
                    let href = util::app_href(&format!("/search?q={}", String::from(js_sys::encode_uri_component(&better))));
                    view! { <p class="search-suggestion">"Did you mean " <a href=href>{better}</a> "?"</p> }
                })
            }}
            <ul class="search-list">{move || hits.get().iter().map(hit_view).collect::<Vec<_>>()}</ul>
        </article>
    }
}
