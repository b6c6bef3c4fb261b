//! The only code that touches local storage: load, save, migrate, recover,
//! export/import and tab sync.
//!
//! The logic is written against the small [`Backend`] trait so it is tested
//! natively with [`MemoryBackend`] (which can also fail on demand: disabled
//! storage, quota exceeded). In the browser, `web::LocalStorage` is the
//! backend and `web::on_other_tab_save` listens for the `storage` event.
//!
//! Nothing is ever lost silently: a document this build cannot read is copied
//! to a backup key before anything else is written, and when even that copy
//! fails, saving is suspended until the learner has downloaded the raw data
//! or chosen to discard it.

use crate::core::progress::{self, DecodeError, Progress};

#[cfg(target_arch = "wasm32")]
pub mod web;

/// The key of the progress document.
pub const KEY: &str = "rollback-lab:progress";
/// Prefix of backup keys (followed by the time of the backup).
pub const BACKUP_PREFIX: &str = "rollback-lab:backup:";

/// A storage failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Storage is disabled, blocked, or throws on access.
    Unavailable(String),
    /// The browser refused the write: storage is full.
    QuotaExceeded,
    /// Any other failure.
    Other(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "this browser does not let the page use local storage ({e})"),
            StoreError::QuotaExceeded => write!(f, "this browser's storage for the site is full"),
            StoreError::Other(e) => write!(f, "the browser refused to save ({e})"),
        }
    }
}

/// How a build reads and writes the progress document: the whole schema
/// ([`FULL`], the reader and tools builds), or only what the course map shows
/// ([`OUTLINE`], the home build, which then links none of the rest of the
/// schema and writes nothing but the theme).
#[derive(Clone, Copy)]
pub struct Codec {
    /// Read a stored or imported document of any known version.
    pub decode: fn(&str) -> Result<(Progress, u32), DecodeError>,
    /// The text to store (or download) for the document, given the backend
    /// it goes to.
    pub encode: fn(&Progress, &dyn Backend) -> Result<String, StoreError>,
}

/// The whole document, read and written as it is.
pub const FULL: Codec = Codec { decode: progress::decode, encode: |p, _| Ok(p.to_json()) };

/// The course map's outline of the document; a save writes the theme into
/// the stored document and keeps the rest of it untouched.
pub const OUTLINE: Codec = Codec { decode: progress::decode_outline, encode: encode_outline };

/// [`OUTLINE`]'s save. The stored document is patched. When it cannot be
/// read, it is replaced only if it was backed up (it was unreadable when the
/// page loaded, and the learner's copy is safe); a document that became
/// unreadable since, or one from a newer version, is never overwritten.
fn encode_outline(p: &Progress, backend: &dyn Backend) -> Result<String, StoreError> {
    let stored = backend.get(KEY)?;
    match progress::patch_theme(p, stored.as_deref()) {
        Ok(text) => Ok(text),
        Err(DecodeError::Future(v)) => Err(StoreError::Other(format!(
            "another tab saved with a newer version of Rollback Lab (schema {v}); reload this page to use it"
        ))),
        Err(e) => {
            let raw = stored.unwrap_or_default();
            if backup_holding(backend, &raw).is_some() {
                progress::patch_theme(p, None).map_err(|e| StoreError::Other(e.to_string()))
            } else {
                Err(StoreError::Other(format!(
                    "the saved progress changed and can't be read here ({e}); reload this page"
                )))
            }
        }
    }
}

/// Key-value storage, as local storage offers it.
pub trait Backend {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

/// What went wrong at start-up or on save, for the banner.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Storage cannot be used at all: the app works in memory.
    Unavailable { reason: String },
    /// The stored document could not be read.
    Unreadable {
        error: DecodeError,
        /// The stored text, kept for download.
        raw: String,
        /// Where a copy was saved, if that worked.
        backup_key: Option<String>,
    },
    /// A save failed; the learner's work is still in memory.
    SaveFailed { error: StoreError },
    /// Another tab saved data this tab could not read; nothing was merged.
    SyncFailed { error: DecodeError },
}

impl Problem {
    /// A sentence for the banner: what happened, and what the learner can do.
    pub fn message(&self) -> String {
        match self {
            Problem::Unavailable { reason } => format!(
                "Your progress can't be kept: {reason}. Everything works, but it will be forgotten when you close the tab. \
                 Allow site data for this page, or export your progress before you leave."
            ),
            Problem::Unreadable { error: DecodeError::Future(v), backup_key, .. } => {
                let kept = match backup_key {
                    Some(k) => format!(" A copy is kept under `{k}`."),
                    None => String::new(),
                };
                format!(
                    "Your saved progress was written by a newer version of Rollback Lab (schema {v}), so this version won't \
                     change it: you start fresh here and it stays untouched.{kept} Reload the page to get the newer version, \
                     or download the saved data."
                )
            }
            Problem::Unreadable { error, backup_key: Some(k), .. } => format!(
                "Your saved progress could not be read: {error}. It was kept under `{k}` and you start fresh. \
                 Download it to keep it or to send it to us."
            ),
            Problem::Unreadable { error, backup_key: None, .. } => format!(
                "Your saved progress could not be read: {error}, and there was no room to keep a copy. Saving is paused \
                 so nothing is overwritten: download the saved data, then choose \"Discard it and continue\"."
            ),
            Problem::SaveFailed { error } => format!(
                "Your last change could not be saved: {error}. It is still here in this tab. Download your progress \
                 (or your draft) to keep it, and free some space for this site."
            ),
            Problem::SyncFailed { error: error @ DecodeError::Future(_) } => format!(
                "Another tab saved progress that this tab could not read ({error}). Saving is paused in this tab so \
                 that it stays untouched: reload the page to use the newer version."
            ),
            Problem::SyncFailed { error } => format!(
                "Another tab saved progress that this tab could not read ({error}). This tab kept its own progress."
            ),
        }
    }

    /// The raw text the learner may want to download.
    pub fn raw(&self) -> Option<&str> {
        match self {
            Problem::Unreadable { raw, .. } => Some(raw),
            _ => None,
        }
    }
}

/// The result of loading at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub progress: Progress,
    pub problem: Option<Problem>,
    /// Whether writes to [`KEY`] are allowed. False while an unreadable
    /// document has no backup, or when it is from a newer version.
    pub writable: bool,
    /// The schema version the document was stored as (if one was read).
    pub from_version: Option<u32>,
}

/// Load the progress document, recovering from anything that can go wrong.
pub fn load(backend: &dyn Backend, now: f64) -> Loaded {
    load_with(backend, now, FULL)
}

/// [`load`] with a build's codec.
pub fn load_with(backend: &dyn Backend, now: f64, codec: Codec) -> Loaded {
    let raw = match backend.get(KEY) {
        Ok(Some(raw)) => raw,
        Ok(None) => {
            return Loaded { progress: Progress::default(), problem: None, writable: true, from_version: None };
        }
        Err(e) => {
            return Loaded {
                progress: Progress::default(),
                problem: Some(Problem::Unavailable { reason: e.to_string() }),
                writable: false,
                from_version: None,
            };
        }
    };
    match (codec.decode)(&raw) {
        Ok((progress, version)) => {
            if version < progress::SCHEMA_VERSION {
                // Keep the pre-migration document once, in case a migration is wrong.
                let _ = backend.set(&format!("{BACKUP_PREFIX}v{version}-{}", now as u64), &raw);
            }
            Loaded { progress, problem: None, writable: true, from_version: Some(version) }
        }
        Err(error) => {
            // The same unreadable text may already be kept (a reload before
            // anything was saved): reuse that backup instead of copying again.
            let (backup_key, backup_ok) = match backup_holding(backend, &raw) {
                Some(k) => (k, true),
                None => {
                    let k = format!("{BACKUP_PREFIX}{}", now as u64);
                    let ok = backend.set(&k, &raw).is_ok();
                    (k, ok)
                }
            };
            // A newer version's document is never overwritten, even with a backup.
            let writable = backup_ok && !matches!(error, DecodeError::Future(_));
            Loaded {
                progress: Progress::default(),
                problem: Some(Problem::Unreadable { error, raw, backup_key: backup_ok.then_some(backup_key) }),
                writable,
                from_version: None,
            }
        }
    }
}

/// Save the document.
pub fn save(backend: &dyn Backend, progress: &Progress) -> Result<(), StoreError> {
    save_with(backend, progress, FULL)
}

/// [`save`] with a build's codec.
pub fn save_with(backend: &dyn Backend, progress: &Progress, codec: Codec) -> Result<(), StoreError> {
    backend.set(KEY, &(codec.encode)(progress, backend)?)
}

/// Remove the stored document (the learner chose to discard what could not
/// be read, after being offered a download).
pub fn discard_stored(backend: &dyn Backend) -> Result<(), StoreError> {
    backend.remove(KEY)
}

/// What an import file would do.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportCheck {
    /// A valid document: replace the current progress with it (after asking).
    Valid { progress: Box<Progress>, attempts: usize, lessons_done: usize },
    /// Not importable; nothing changes.
    Invalid(String),
}

/// Check an import file without changing anything.
pub fn check_import(text: &str) -> ImportCheck {
    if text.trim().is_empty() {
        return ImportCheck::Invalid("The file is empty.".into());
    }
    match progress::decode(text) {
        Ok((progress, _)) => {
            let attempts = progress.quiz_attempts.len();
            let lessons_done = progress.lessons.values().filter(|l| l.is_done()).count();
            ImportCheck::Valid { progress: Box::new(progress), attempts, lessons_done }
        }
        Err(e) => ImportCheck::Invalid(format!("This file can't be imported: {e}. Nothing was changed.")),
    }
}

/// Another tab saved `raw`: merge it into ours. Returns the merged document
/// and whether it differs from what the other tab wrote (then we save it
/// back, so both tabs converge on the union).
pub fn merge_from_other_tab(ours: &Progress, raw: &str) -> Result<(Progress, bool), DecodeError> {
    merge_from_other_tab_with(ours, raw, FULL)
}

/// [`merge_from_other_tab`] with a build's codec.
pub fn merge_from_other_tab_with(ours: &Progress, raw: &str, codec: Codec) -> Result<(Progress, bool), DecodeError> {
    let (theirs, _) = (codec.decode)(raw)?;
    let merged = progress::merge(&theirs, ours);
    let differs = merged != theirs;
    Ok((merged, differs))
}

/// The backup key that holds exactly `raw`, if one does.
fn backup_holding(backend: &dyn Backend, raw: &str) -> Option<String> {
    backups(backend).into_iter().find(|k| backend.get(k).ok().flatten().as_deref() == Some(raw))
}

/// The document as `codec` would store it, to download when it cannot be
/// saved (or, when nothing this build can write, what is stored, as it is).
pub fn export_with(backend: &dyn Backend, progress: &Progress, codec: Codec) -> String {
    (codec.encode)(progress, backend).unwrap_or_else(|_| backend.get(KEY).ok().flatten().unwrap_or_default())
}

/// Backup keys present, newest last.
pub fn backups(backend: &dyn Backend) -> Vec<String> {
    let mut keys: Vec<String> =
        backend.keys().unwrap_or_default().into_iter().filter(|k| k.starts_with(BACKUP_PREFIX)).collect();
    keys.sort();
    keys
}

/// An in-memory backend, for native tests and as the browser fallback when
/// local storage cannot be used. It can be told to fail.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    pub items: std::cell::RefCell<std::collections::BTreeMap<String, String>>,
    /// Every call fails with `Unavailable`.
    pub disabled: bool,
    /// Writes fail with `QuotaExceeded` once the total size would exceed this.
    pub quota: Option<usize>,
}

impl MemoryBackend {
    /// An empty, working backend.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Backend for MemoryBackend {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        if self.disabled {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        Ok(self.items.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if self.disabled {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        if let Some(q) = self.quota {
            let items = self.items.borrow();
            let used: usize = items.iter().filter(|(k, _)| k.as_str() != key).map(|(k, v)| k.len() + v.len()).sum();
            if used + key.len() + value.len() > q {
                return Err(StoreError::QuotaExceeded);
            }
        }
        self.items.borrow_mut().insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        if self.disabled {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        self.items.borrow_mut().remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        if self.disabled {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        Ok(self.items.borrow().keys().cloned().collect())
    }
}

/// Prefix of the keys that keep a tool's working state across reloads.
pub const SESSION_PREFIX: &str = "rollback-lab:session:";

/// Working state of a tool (a simulator run, a game day under way, the
/// assignment builder's form), kept under its own key so a reload brings it
/// back. It is a packed text (`core::share`: versioned and checksummed), so
/// reading it back says plainly what is wrong with a damaged one. It lives
/// apart from the progress document: it changes every simulated minute,
/// and it is where a tool was left, not a record of what the learner did.
pub fn save_session(backend: &dyn Backend, tool: &str, packed: &str) -> Result<(), StoreError> {
    let key = format!("{SESSION_PREFIX}{tool}");
    if backend.get(&key)?.as_deref() == Some(packed) {
        return Ok(());
    }
    backend.set(&key, packed)
}

/// The working state [`save_session`] kept for `tool`, if any.
pub fn load_session(backend: &dyn Backend, tool: &str) -> Option<String> {
    backend.get(&format!("{SESSION_PREFIX}{tool}")).ok().flatten().filter(|s| !s.is_empty())
}

/// Forget a tool's working state (the learner started afresh).
pub fn clear_session(backend: &dyn Backend, tool: &str) -> Result<(), StoreError> {
    backend.remove(&format!("{SESSION_PREFIX}{tool}"))
}
