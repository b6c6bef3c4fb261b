//! The app's shared state: the progress document in a signal, the store
//! problem shown in the banner, and the one way to change progress
//! ([`AppState::update`]), which saves through `store`.

use leptos::prelude::*;

use crate::core::content::Course;
use crate::core::progress::{DecodeError, Progress};
use crate::store::{self, Problem};
use crate::ui::util;

/// Shared state, provided as context by the shell.
#[derive(Clone, Copy)]
pub struct AppState {
    pub progress: RwSignal<Progress>,
    pub problem: RwSignal<Option<Problem>>,
    /// Whether saves go to storage (false while an unreadable or newer
    /// document must not be overwritten, or storage is unavailable).
    pub writable: RwSignal<bool>,
}

impl AppState {
    /// Load from storage and start listening to other tabs.
    pub fn init() -> Self {
        let backend = store::web::backend();
        let loaded = store::load_with(backend.as_ref(), util::now_ms(), codec());
        let problem = loaded.problem.clone().or_else(|| {
            (!store::web::is_persistent())
                .then(|| Problem::Unavailable { reason: "local storage is not available".into() })
        });
        let state = AppState {
            progress: RwSignal::new(loaded.progress),
            problem: RwSignal::new(problem),
            writable: RwSignal::new(loaded.writable && store::web::is_persistent()),
        };
        let handle = store::web::on_other_tab_save(move |raw| state.merge_from_other_tab(&raw));
        // The listener lives as long as the app.
        std::mem::forget(handle);
        state
    }

    /// Change the progress document and save it.
    pub fn update(&self, f: impl FnOnce(&mut Progress)) {
        self.progress.update(f);
        self.persist();
    }

    /// Save now (if saving is allowed).
    pub fn persist(&self) {
        if !self.writable.get_untracked() {
            return;
        }
        let backend = store::web::backend();
        let result = self.progress.with_untracked(|p| store::save_with(backend.as_ref(), p, codec()));
        match result {
            Ok(()) => {
                if matches!(self.problem.get_untracked(), Some(Problem::SaveFailed { .. })) {
                    self.problem.set(None);
                }
            }
            Err(error) => self.problem.set(Some(Problem::SaveFailed { error })),
        }
    }

    fn merge_from_other_tab(&self, raw: &str) {
        let ours = self.progress.get_untracked();
        match store::merge_from_other_tab_with(&ours, raw, codec()) {
            Ok((merged, differs)) => {
                if merged != ours {
                    self.progress.set(merged);
                }
                if differs {
                    self.persist();
                }
            }
            Err(error) => {
                // A newer version's document is never overwritten: saving
                // pauses here until the page is reloaded.
                if matches!(error, DecodeError::Future(_)) {
                    self.writable.set(false);
                }
                self.problem.set(Some(Problem::SyncFailed { error }));
            }
        }
    }

    /// The document as this build would store it, to download (when it
    /// cannot be saved).
    pub fn export_json(&self) -> String {
        let backend = store::web::backend();
        self.progress.with_untracked(|p| store::export_with(backend.as_ref(), p, codec()))
    }

    /// Let saves overwrite the stored document again (after the learner
    /// downloaded or discarded what could not be read).
    pub fn discard_unreadable(&self) {
        self.writable.set(store::web::is_persistent());
        self.problem.set(None);
        // Discarding means the unreadable text goes: the next save starts
        // from this tab's document (a build that patches would otherwise
        // refuse to replace what it cannot read).
        let _ = store::discard_stored(store::web::backend().as_ref());
        self.persist();
    }
}

/// How this build reads and writes the progress document.
fn codec() -> store::Codec {
    crate::ui::edition::config().codec
}

/// The shared state from context.
pub fn app_state() -> AppState {
    expect_context::<AppState>()
}

type Loaded = Result<Course, Vec<crate::core::content::ContentError>>;

static COURSE: std::sync::OnceLock<Loaded> = std::sync::OnceLock::new();

/// Parse the embedded course with `load` (the entry point chooses: the
/// whole course, or the outline the home build needs), before mounting.
pub fn load_course(load: fn() -> Loaded) {
    COURSE.get_or_init(load);
}

/// The embedded course, parsed once by [`load_course`].
pub fn course() -> &'static Loaded {
    COURSE.get_or_init(|| {
        Err(vec![crate::core::content::ContentError::new("(app)", 1, "the course was not loaded before mounting")])
    })
}
