//! Where a tool was left (a simulator run, a game day under way, the
//! assignment builder's form), kept across reloads through
//! `store::save_session`: one packed text per tool.

use leptos::prelude::*;

use crate::store;

/// Keep `packed` as `tool`'s working state (a failed write is not worth a
/// banner: the tool keeps working, and the progress banner reports storage
/// problems).
pub fn keep(tool: &str, packed: &str) {
    let backend = store::web::backend();
    let _ = store::save_session(backend.as_ref(), tool, packed);
}

/// The working state kept for `tool`.
pub fn kept(tool: &str) -> Option<String> {
    store::load_session(store::web::backend().as_ref(), tool)
}

/// Forget `tool`'s working state.
pub fn forget(tool: &str) {
    let _ = store::clear_session(store::web::backend().as_ref(), tool);
}

/// Keep the tool's state whenever it changes while `quiet` is false (a
/// running clock changes it many times a second: then it is kept when the
/// clock stops, and when the page is hidden or left). `pack` reads the
/// signals it depends on; the first run only subscribes, so the state a
/// page starts with does not overwrite what it is about to restore.
pub fn keep_while_open(
    tool: &'static str,
    quiet: impl Fn() -> bool + Copy + 'static,
    pack: impl Fn() -> String + Copy + 'static,
) {
    Effect::new(move |prev: Option<()>| {
        let packed = pack();
        if prev.is_some() && !quiet() {
            keep(tool, &packed);
        }
    });
    // The listeners go with the page (below), so the signals `pack` reads
    // are still there when they fire.
    let save = move || keep(tool, &untrack(pack));
    let h1 = window_event_listener(leptos::ev::pagehide, move |_| save());
    let h2 = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().hidden() {
            save();
        }
    });
    on_cleanup(move || {
        h1.remove();
        h2.remove();
    });
}
