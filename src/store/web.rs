//! The browser side of the store: `window.localStorage` as a [`Backend`], an
//! in-memory fallback when it can't be used, and the `storage` event that
//! tells this tab another tab saved.
//!
//! web-sys is used directly rather than gloo-storage because gloo's
//! `LocalStorage::raw()` panics when storage is disabled, and the app must
//! keep working then.

use std::cell::RefCell;

use wasm_bindgen::JsCast;

use super::{Backend, MemoryBackend, StoreError};

/// `window.localStorage`.
pub struct LocalStorage {
    storage: web_sys::Storage,
}

fn js_error(e: wasm_bindgen::JsValue) -> StoreError {
    if let Some(ex) = e.dyn_ref::<web_sys::DomException>() {
        let name = ex.name();
        if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" || ex.code() == 22 {
            return StoreError::QuotaExceeded;
        }
        if name == "SecurityError" {
            return StoreError::Unavailable(ex.message());
        }
        return StoreError::Other(format!("{name}: {}", ex.message()));
    }
    StoreError::Other(e.as_string().unwrap_or_else(|| "unknown error".into()))
}

impl LocalStorage {
    /// Open local storage, or say why it can't be used.
    pub fn open() -> Result<Self, StoreError> {
        let window = web_sys::window().ok_or_else(|| StoreError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(LocalStorage { storage }),
            Ok(None) => Err(StoreError::Unavailable("local storage is switched off".into())),
            Err(e) => Err(match js_error(e) {
                StoreError::Other(m) => StoreError::Unavailable(m),
                other => other,
            }),
        }
    }
}

impl Backend for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage.get_item(key).map_err(js_error)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage.set_item(key, value).map_err(js_error)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.storage.remove_item(key).map_err(js_error)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let n = self.storage.length().map_err(js_error)?;
        Ok((0..n).filter_map(|i| self.storage.key(i).ok().flatten()).collect())
    }
}

thread_local! {
    static MEMORY: RefCell<Option<std::rc::Rc<MemoryBackend>>> = const { RefCell::new(None) };
}

/// Local storage if it works, otherwise this tab's memory (so the app keeps
/// working; the banner says nothing will be kept).
pub fn backend() -> Box<dyn Backend> {
    match LocalStorage::open() {
        Ok(ls) if ls.get(super::KEY).is_ok() => Box::new(ls),
        _ => {
            let mem =
                MEMORY.with(|m| m.borrow_mut().get_or_insert_with(|| std::rc::Rc::new(MemoryBackend::new())).clone());
            Box::new(SharedMemory(mem))
        }
    }
}

/// Whether the real local storage is in use.
pub fn is_persistent() -> bool {
    LocalStorage::open().map(|ls| ls.get(super::KEY).is_ok()).unwrap_or(false)
}

struct SharedMemory(std::rc::Rc<MemoryBackend>);

impl Backend for SharedMemory {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.0.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.0.keys()
    }
}

/// Call `f(new_value)` whenever another tab saves the progress document.
pub fn on_other_tab_save(f: impl Fn(String) + 'static) -> leptos::prelude::WindowListenerHandle {
    leptos::prelude::window_event_listener(leptos::ev::storage, move |ev: web_sys::StorageEvent| {
        if ev.key().as_deref() == Some(super::KEY) {
            if let Some(v) = ev.new_value() {
                f(v);
            }
        }
    })
}
