//! The app shell: router, layout (header, sidebar, main), theme, the store
//! banner, keyboard navigation, and the dispatch from [`Route`] to pages.

pub mod banner;
pub(crate) mod nav;
pub mod theme;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route as RouterRoute, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;

use crate::core::routes::{self, Route};
use crate::ui::search;
use crate::ui::state::{course, AppState};
use crate::ui::util::{self, StatusMessage};

pub use nav::Sidebar;

/// Where the app is, and how it goes somewhere else: the router's location
/// and `navigate` in the reader and tools builds; in the home build, which
/// has no router, the course map's own address and a page load.
#[derive(Clone, Copy)]
pub struct Nav {
    pub route: Signal<Route>,
    navigate: Callback<String>,
}

impl Nav {
    /// Go to an app path ("/search?q=x"): through the router when this
    /// build has the page, as a full page load when another build serves it.
    pub fn go(&self, path: &str) {
        let (route_path, _, _) = routes::split_href(path);
        if crate::ui::edition::is_elsewhere(&routes::parse(route_path)) {
            let _ = window().location().assign(&util::app_href(path));
        } else {
            // The router adds the base path itself.
            self.navigate.run(path.to_string());
        }
    }
}

/// The current route.
pub fn use_route() -> Signal<Route> {
    expect_context::<Nav>().route
}

/// What every build's root sets up first: marks, context, state, theme.
fn setup() {
    util::mark("app-start");
    provide_meta_context();
    let state = AppState::init();
    provide_context(state);
    provide_context(StatusMessage(RwSignal::new(String::new())));
    search::provide_search_state();
    theme::apply_theme(state);
    util::install_copy_buttons();
    util::install_term_taps();
    let resize = window_event_listener(leptos::ev::resize, |_| util::sync_scroll_stops());
    on_cleanup(move || resize.remove());
}

/// The root of the reader and tools builds: the router around the shell.
#[component]
pub fn App() -> impl IntoView {
    setup();
    let base = util::base().to_string();
    view! {
        <Router base=base>
            <RoutedShell />
        </Router>
    }
}

#[component]
fn RoutedShell() -> impl IntoView {
    let location = use_location();
    let route = Memo::new(move |_| routes::parse(&util::strip_base(&location.pathname.get())));
    let navigate = use_navigate();
    provide_context(Nav {
        route: route.into(),
        navigate: Callback::new(move |path: String| navigate(&path, Default::default())),
    });
    view! {
        <Shell>
            <Routes fallback=|| view! { <Dispatch /> }>
                <RouterRoute path=path!("/*any") view=Dispatch />
            </Routes>
        </Shell>
    }
}

/// The root of the home build: the shell without a router (every link
/// leads to another build, so the browser loads it).
#[component]
pub fn HomeApp() -> impl IntoView {
    setup();
    let here = routes::parse(&util::strip_base(&window().location().pathname().unwrap_or_default()));
    provide_context(Nav {
        route: Signal::derive(move || here.clone()),
        navigate: Callback::new(|path: String| {
            let _ = window().location().assign(&util::app_href(&path));
        }),
    });
    view! {
        <Shell>
            <Dispatch />
        </Shell>
    }
}

#[component]
fn Shell(children: Children) -> impl IntoView {
    let route = use_route();
    let menu_open = RwSignal::new(false);
    let status = expect_context::<StatusMessage>();
    keyboard_navigation(route);
    // Escape dismisses glossary tooltips (WCAG 1.4.13) until the mouse moves.
    // It also closes the mobile menu, and focus in the menu goes back to
    // its button.
    let esc = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            if menu_open.get_untracked() {
                let in_menu =
                    document().active_element().is_some_and(|a| a.closest("#sidebar").ok().flatten().is_some());
                if in_menu {
                    util::focus_after_render(&[".menu-button"]);
                }
            }
            menu_open.set(false);
            if let Some(b) = document().body() {
                let _ = b.class_list().add_1("no-tooltips");
            }
        }
    });
    fn show_again() {
        if let Some(b) = document().body() {
            let _ = b.class_list().remove_1("no-tooltips");
        }
    }
    // A tooltip that would run past the right edge of the window opens to
    // the left instead (a class: the CSP allows no inline styles).
    fn place_tooltip(target: Option<web_sys::EventTarget>) {
        use wasm_bindgen::JsCast;
        let Some(wrap) = target
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(".term-wrap").ok().flatten())
        else {
            return;
        };
        let Some(tip) = wrap.query_selector(".tooltip").ok().flatten() else { return };
        let _ = tip.class_list().remove_1("flip");
        let width = window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(0.0);
        if width > 0.0 && tip.get_bounding_client_rect().right() > width - 8.0 {
            let _ = tip.class_list().add_1("flip");
        }
    }
    let mv = window_event_listener(leptos::ev::mousemove, |_| show_again());
    let fi = window_event_listener(leptos::ev::focusin, |ev| {
        show_again();
        place_tooltip(ev.target());
    });
    let mo = window_event_listener(leptos::ev::mouseover, |ev| place_tooltip(ev.target()));
    on_cleanup(move || {
        esc.remove();
        mv.remove();
        fi.remove();
        mo.remove();
    });

    // Close the mobile menu whenever the route changes.
    Effect::new(move |_| {
        route.track();
        menu_open.set(false);
    });

    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(main) = document().get_element_by_id("main") {
            use wasm_bindgen::JsCast;
            if let Ok(el) = main.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };

    view! {
        <a class="skip-link" href="#main" on:click=skip>
            "Skip to content"
        </a>
        <header class="topbar">
            <button
                type="button"
                class="menu-button"
                aria-controls="sidebar"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| {
                    menu_open.update(|o| *o = !*o);
                    // The menu's links follow the header in the page, so
                    // focus moves into it: the next Tab is the next link.
                    if menu_open.get_untracked() {
                        util::focus_after_render(&["#sidebar a[aria-current=page]", "#sidebar a"]);
                    }
                }
            >
                <span aria-hidden="true">"☰"</span>
                <span class="menu-label">{move || if menu_open.get() { " Close" } else { " Menu" }}</span>
            </button>
            <a class="brand" href=util::app_href("/") aria-label="Rollback Lab: course map">
                <span class="brand-mark" aria-hidden="true">"↺"</span>
                <span class="brand-name">" Rollback Lab"</span>
            </a>
            <search::HeaderSearch />
            <div class="topbar-tools">
                <theme::ThemeToggle />
            </div>
        </header>
        <banner::StoreBanner />
        <banner::UpdateBanner />
        <div class="layout">
            <Sidebar open=menu_open />
            <main id="main" tabindex="-1">{children()}</main>
        </div>
        <div class="toast" role="status" aria-live="polite" aria-atomic="true">
            {move || status.0.get()}
        </div>
    }
}

/// Picks the page for the current route (through the build's renderer).
#[component]
fn Dispatch() -> impl IntoView {
    let route = use_route();
    let page = crate::ui::edition::config().page;
    let navigated = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    move || {
        let r = route.get();
        let view = page(r);
        let after_navigation = navigated.swap(true, std::sync::atomic::Ordering::Relaxed);
        // The page is in the document once this effect runs: the
        // performance script measures navigation start → "app-ready", and
        // the build's static first paint (`.boot`) can go.
        Effect::new(move |_| {
            if after_navigation {
                focus_main_after_navigation();
            }
            util::mark_once("app-ready");
            if let Some(boot) = document().query_selector("body > .boot").ok().flatten() {
                boot.remove();
            }
            request_animation_frame(util::sync_scroll_stops);
        });
        view
    }
}

/// After an in-app navigation, focus moves to the new page's `<main>` when
/// it was in the old page (a link there, such as "Next", may be the same
/// element in the new page) or nowhere: the next Tab then starts at the new
/// page, and a screen reader is told the content changed. Focus in the
/// header or the sidebar stays where the learner is.
fn focus_main_after_navigation() {
    use wasm_bindgen::JsCast;
    let doc = document();
    let Some(main) = doc.get_element_by_id("main").and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    let in_page = match doc.active_element() {
        None => true,
        Some(active) => active.tag_name().eq_ignore_ascii_case("body") || main.contains(Some(&active)),
    };
    if in_page {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = main.focus_with_options(&options);
    }
}

/// The "not found" page.
#[component]
pub fn NotFound(path: String) -> impl IntoView {
    view! {
        <Title text="Page not found · Rollback Lab" />
        <article class="page">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{path}</code> "."</p>
            <p>
                <a href=util::app_href("/")>"Go to the course map"</a>
            </p>
        </article>
    }
}

/// ← and → move to the previous and next page, unless the learner is typing
/// or a modifier key is held.
fn keyboard_navigation(route: Signal<Route>) {
    let nav = expect_context::<Nav>();
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.default_prevented() || ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.shift_key() {
            return;
        }
        let key = ev.key();
        if key != "ArrowLeft" && key != "ArrowRight" {
            return;
        }
        if let Some(target) = ev.target() {
            use wasm_bindgen::JsCast;
            if let Ok(el) = target.dyn_into::<web_sys::Element>() {
                let tag = el.tag_name().to_ascii_lowercase();
                if matches!(tag.as_str(), "input" | "textarea" | "select" | "button")
                    || el
                        .closest("[contenteditable],[role=slider],[role=tablist],pre,.table-wrap")
                        .ok()
                        .flatten()
                        .is_some()
                {
                    return;
                }
            }
        }
        let Ok(course) = course() else { return };
        let target = match route.get_untracked() {
            Route::Page(slug) => {
                let Some(i) = course.position(&slug) else { return };
                if key == "ArrowLeft" {
                    if i == 0 {
                        Some("/".to_string())
                    } else {
                        course.pages.get(i - 1).map(|p| routes::href(&Route::Page(p.front.slug.clone())))
                    }
                } else {
                    course.pages.get(i + 1).map(|p| routes::href(&Route::Page(p.front.slug.clone())))
                }
            }
            Route::Home if key == "ArrowRight" => {
                course.pages.first().map(|p| routes::href(&Route::Page(p.front.slug.clone())))
            }
            _ => None,
        };
        if let Some(path) = target {
            ev.prevent_default();
            nav.go(&path);
        }
    });
    on_cleanup(move || handle.remove());
}
