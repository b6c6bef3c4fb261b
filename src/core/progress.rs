//! The progress document: everything the app keeps for a learner, as one
//! versioned JSON document, with its migrations and its merge.
//!
//! * `schema_version` says which shape a stored document has. [`decode`]
//!   migrates any older version forward one step at a time (`migrate_vN`),
//!   refuses a newer one (it was written by a newer app: never overwrite it),
//!   and reports malformed JSON or a wrong shape without guessing.
//! * Every value that can change carries the time it changed (`at`, ms since
//!   the epoch, given by the caller: core reads no clock), so two tabs that
//!   saved at the same time merge without losing either side ([`merge`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assignment::{Assignment, Review};
use super::checklist::{Checklist, Template};
use super::draft::Draft;
use super::gameday::GameDayRun;
use super::quiz::{self, Quiz, Response, Score};
use super::runbook::Runbook;

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 3;

/// A boolean with the time it was last set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub on: bool,
    pub at: f64,
}

/// A string value with the time it was last set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamped {
    pub value: String,
    pub at: f64,
}

/// What the learner did with a page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LessonState {
    pub first_opened: Option<f64>,
    pub last_opened: Option<f64>,
    pub done: Option<Mark>,
}

impl LessonState {
    /// Marked done (and not unmarked since).
    pub fn is_done(&self) -> bool {
        self.done.is_some_and(|m| m.on)
    }
}

/// One submitted quick test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizAttempt {
    /// Unique per attempt (time + seed), used to merge tabs.
    pub id: String,
    pub started_at: f64,
    pub finished_at: f64,
    /// The option-order seed of this attempt.
    pub seed: u64,
    pub answers: BTreeMap<String, Response>,
    pub score: Score,
}

/// An assignment the learner opened from a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedAssignment {
    pub assignment: Assignment,
    /// The link's packed text, to open it again.
    pub link: String,
    pub opened_at: f64,
}

/// The whole document (schema 3; schema 2 had no game days, schema 1 no
/// practice data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub schema_version: u32,
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonState>,
    /// Checked steps: `"<page slug>/<task index>"` for task lists in pages,
    /// `"checklist:<id>/<item id>"` for checklists shown in lessons.
    #[serde(default)]
    pub steps: BTreeMap<String, Mark>,
    #[serde(default)]
    pub quiz_attempts: Vec<QuizAttempt>,
    /// The page the learner last opened (for "continue where you left off").
    #[serde(default)]
    pub last_page: Option<Stamped>,
    /// "light", "dark" or "system".
    #[serde(default)]
    pub theme: Option<Stamped>,
    /// The quick test in progress, so a reload loses no answer.
    #[serde(default)]
    pub quiz_draft: Option<QuizDraft>,
    /// Exercise drafts by exercise slug (schema 2).
    #[serde(default)]
    pub drafts: BTreeMap<String, Draft>,
    /// Runbooks by id (schema 2).
    #[serde(default)]
    pub runbooks: BTreeMap<String, Runbook>,
    /// Pre-deploy checklists by id (schema 2).
    #[serde(default)]
    pub checklists: BTreeMap<String, Checklist>,
    /// Team checklist templates by id (schema 2).
    #[serde(default)]
    pub templates: BTreeMap<String, Template>,
    /// Assignments opened from links, by id (schema 2).
    #[serde(default)]
    pub assignments: BTreeMap<String, SavedAssignment>,
    /// An instructor's reviews by submission key (schema 2).
    #[serde(default)]
    pub reviews: BTreeMap<String, Review>,
    /// Finished game days (schema 3).
    #[serde(default)]
    pub gamedays: Vec<GameDayRun>,
}

/// A quick test being taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizDraft {
    /// Seeds the option order of this attempt.
    pub seed: u64,
    pub started_at: f64,
    #[serde(default)]
    pub answers: BTreeMap<String, Response>,
    /// The question on screen.
    #[serde(default)]
    pub current: usize,
    /// Last change.
    pub at: f64,
}

/// What the learner should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Nothing opened yet: start at this page.
    Start(String),
    /// Continue where they left off (the last page opened, not yet done).
    Continue(String),
    /// The first page not yet done.
    Next(String),
    /// Every page is done: take (or pass) the quick test.
    TakeQuiz,
    /// Everything done and the test passed.
    Finished,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            schema_version: SCHEMA_VERSION,
            lessons: BTreeMap::new(),
            steps: BTreeMap::new(),
            quiz_attempts: Vec::new(),
            last_page: None,
            theme: None,
            quiz_draft: None,
            drafts: BTreeMap::new(),
            runbooks: BTreeMap::new(),
            checklists: BTreeMap::new(),
            templates: BTreeMap::new(),
            assignments: BTreeMap::new(),
            reviews: BTreeMap::new(),
            gamedays: Vec::new(),
        }
    }
}

impl Progress {
    /// Record that a page was opened.
    pub fn open_page(&mut self, slug: &str, now: f64) {
        let l = self.lessons.entry(slug.to_string()).or_default();
        l.first_opened.get_or_insert(now);
        l.last_opened = Some(now);
        self.last_page = Some(Stamped { value: slug.to_string(), at: now });
    }

    /// Mark a page done or not done.
    pub fn set_done(&mut self, slug: &str, on: bool, now: f64) {
        self.lessons.entry(slug.to_string()).or_default().done = Some(Mark { on, at: now });
    }

    /// Whether a page is marked done.
    pub fn is_done(&self, slug: &str) -> bool {
        self.lessons.get(slug).is_some_and(LessonState::is_done)
    }

    /// Check or uncheck a step.
    pub fn set_step(&mut self, key: &str, on: bool, now: f64) {
        self.steps.insert(key.to_string(), Mark { on, at: now });
    }

    /// Whether a step is checked.
    pub fn step(&self, key: &str) -> bool {
        self.steps.get(key).is_some_and(|m| m.on)
    }

    /// Add a quiz attempt (ignored if its id is already there).
    pub fn add_attempt(&mut self, attempt: QuizAttempt) {
        if !self.quiz_attempts.iter().any(|a| a.id == attempt.id) {
            self.quiz_attempts.push(attempt);
            self.quiz_attempts.sort_by(|a, b| a.finished_at.total_cmp(&b.finished_at));
        }
    }

    /// The best attempt (highest score, earliest on ties).
    pub fn best_attempt(&self) -> Option<&QuizAttempt> {
        self.quiz_attempts.iter().fold(None, |best: Option<&QuizAttempt>, a| match best {
            Some(b) if b.score.correct * a.score.total.max(1) >= a.score.correct * b.score.total.max(1) => Some(b),
            _ => Some(a),
        })
    }

    /// Whether any attempt passed.
    pub fn quiz_passed(&self) -> bool {
        self.quiz_attempts.iter().any(|a| a.score.passed)
    }

    /// Set the theme preference.
    pub fn set_theme(&mut self, theme: &str, now: f64) {
        self.theme = Some(Stamped { value: theme.to_string(), at: now });
    }

    /// Start a quick test with this option-order seed (keeps a draft that
    /// is already under way).
    pub fn start_quiz(&mut self, seed: u64, now: f64) {
        if self.quiz_draft.is_none() {
            self.quiz_draft = Some(QuizDraft { seed, started_at: now, answers: BTreeMap::new(), current: 0, at: now });
        }
    }

    /// Record (or clear, with `None`) the answer to a question of the draft.
    pub fn answer(&mut self, question: &str, response: Option<Response>, now: f64) {
        if let Some(d) = &mut self.quiz_draft {
            match response {
                Some(r) => d.answers.insert(question.to_string(), r),
                None => d.answers.remove(question),
            };
            d.at = now;
        }
    }

    /// Move to question `index` of the draft.
    pub fn go_to_question(&mut self, index: usize, now: f64) {
        if let Some(d) = &mut self.quiz_draft {
            d.current = index;
            d.at = now;
        }
    }

    /// Score the draft, keep it as an attempt, and clear the draft.
    pub fn submit_quiz(&mut self, quiz: &Quiz, now: f64) -> Option<QuizAttempt> {
        let draft = self.quiz_draft.take()?;
        let score = quiz::score(quiz, &draft.answers);
        let attempt = QuizAttempt {
            id: format!("{}-{}", now as u64, draft.seed),
            started_at: draft.started_at,
            finished_at: now,
            seed: draft.seed,
            answers: draft.answers,
            score,
        };
        self.add_attempt(attempt.clone());
        Some(attempt)
    }

    /// Abandon the test in progress.
    pub fn discard_quiz(&mut self) {
        self.quiz_draft = None;
    }

    /// Share of the course done, 0–100: pages marked done plus a passed
    /// quick test, over all pages plus one.
    pub fn completion(&self, slugs: &[&str]) -> u32 {
        let done = slugs.iter().filter(|s| self.is_done(s)).count() + usize::from(self.quiz_passed());
        let total = slugs.len() + 1;
        crate::core::num::percent_of(done, total)
    }

    /// The next suggested step, given the pages in reading order.
    pub fn next_step(&self, slugs: &[&str]) -> NextStep {
        if let Some(last) = &self.last_page {
            if slugs.contains(&last.value.as_str()) && !self.is_done(&last.value) {
                return NextStep::Continue(last.value.clone());
            }
        }
        let opened_any = self.lessons.values().any(|l| l.first_opened.is_some());
        match slugs.iter().find(|s| !self.is_done(s)) {
            Some(s) if !opened_any => NextStep::Start(s.to_string()),
            Some(s) => NextStep::Next(s.to_string()),
            None if self.quiz_passed() => NextStep::Finished,
            None => NextStep::TakeQuiz,
        }
    }

    /// What the document holds, in words, for the import and reset
    /// confirmations: "3 pages done, 2 quiz attempts, 1 exercise draft, 2
    /// runbooks". Kinds with nothing in them are left out (pages and quiz
    /// attempts are always named).
    pub fn describe(&self) -> String {
        fn n(count: usize, one: &str, many: &str) -> String {
            format!("{count} {}", if count == 1 { one } else { many })
        }
        let mut parts = vec![
            n(self.lessons.values().filter(|l| l.is_done()).count(), "page done", "pages done"),
            n(self.quiz_attempts.len(), "quiz attempt", "quiz attempts"),
        ];
        let more = [
            (self.drafts.values().filter(|d| !d.text.trim().is_empty()).count(), "exercise draft", "exercise drafts"),
            (self.runbooks.values().filter(|r| r.deleted_at.is_none()).count(), "runbook", "runbooks"),
            (self.checklists.values().filter(|c| c.deleted_at.is_none()).count(), "checklist", "checklists"),
            (self.templates.values().filter(|t| t.deleted_at.is_none()).count(), "team template", "team templates"),
            (self.assignments.len(), "assignment", "assignments"),
            (self.reviews.len(), "review", "reviews"),
            (self.gamedays.len(), "game day", "game days"),
        ];
        parts.extend(more.into_iter().filter(|(c, _, _)| *c > 0).map(|(c, one, many)| n(c, one, many)));
        parts.join(", ")
    }

    /// The document as pretty JSON (exports).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The document as compact JSON (storage).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Why a stored or imported document could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Not JSON at all (truncated, garbage).
    Syntax(String),
    /// JSON, but not a Rollback Lab progress document.
    Foreign(String),
    /// Written by a newer version of the app.
    Future(u32),
    /// A progress document whose values have the wrong shape.
    Shape(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Syntax(e) => write!(f, "it is not valid JSON ({e})"),
            DecodeError::Foreign(e) => write!(f, "it is not a Rollback Lab progress file ({e})"),
            DecodeError::Future(v) => write!(
                f,
                "it was saved by a newer version of Rollback Lab (schema {v}; this version reads up to {SCHEMA_VERSION})"
            ),
            DecodeError::Shape(e) => write!(f, "some of its values have the wrong shape ({e})"),
        }
    }
}

/// Read a stored document of any known version, migrating it forward.
/// Returns the document and the version it was stored as.
pub fn decode(raw: &str) -> Result<(Progress, u32), DecodeError> {
    let (migrated, version) = decode_value(raw)?;
    let progress: Progress = serde_json::from_value(migrated).map_err(|e| DecodeError::Shape(e.to_string()))?;
    Ok((progress, version))
}

/// What the course map shows of the document: pages opened and done,
/// checked steps, the last page, quick test scores and the theme. Read by
/// [`decode_outline`]; fields it does not name are skipped, not refused.
#[derive(Deserialize)]
struct Outline {
    #[serde(default)]
    lessons: BTreeMap<String, LessonState>,
    #[serde(default)]
    steps: BTreeMap<String, Mark>,
    #[serde(default)]
    quiz_attempts: Vec<AttemptOutline>,
    #[serde(default)]
    last_page: Option<Stamped>,
    #[serde(default)]
    theme: Option<Stamped>,
}

#[derive(Deserialize)]
struct AttemptOutline {
    id: String,
    started_at: f64,
    finished_at: f64,
    score: ScoreOutline,
}

#[derive(Deserialize)]
struct ScoreOutline {
    correct: u32,
    total: u32,
    percent: u32,
    passed: bool,
}

/// Read the outline of a stored document (the home build, which shows the
/// course map and never links the whole schema): a [`Progress`] with
/// `lessons`, `steps`, `last_page`, `theme` and the quick test attempts'
/// scores (without their answers); every other part is left empty. Version
/// checks and migrations are those of [`decode`]. Write such a document back
/// only with [`patch_theme`], which changes nothing else.
pub fn decode_outline(raw: &str) -> Result<(Progress, u32), DecodeError> {
    let (migrated, version) = decode_value(raw)?;
    let o: Outline = serde_json::from_value(migrated).map_err(|e| DecodeError::Shape(e.to_string()))?;
    let quiz_attempts = o
        .quiz_attempts
        .into_iter()
        .map(|a| QuizAttempt {
            id: a.id,
            started_at: a.started_at,
            finished_at: a.finished_at,
            seed: 0,
            answers: BTreeMap::new(),
            score: Score {
                correct: a.score.correct,
                total: a.score.total,
                percent: a.score.percent,
                passed: a.score.passed,
                questions: Vec::new(),
            },
        })
        .collect();
    let progress = Progress {
        lessons: o.lessons,
        steps: o.steps,
        quiz_attempts,
        last_page: o.last_page,
        theme: o.theme,
        ..Progress::default()
    };
    Ok((progress, version))
}

/// The document to store when only the theme may have changed (the home
/// build): the `stored` document, migrated to this schema, with `progress`'s
/// theme; everything else in it is kept as it was. With nothing stored, a
/// new document that holds only the theme. A stored document that cannot be
/// read is an error: the caller decides whether it may be replaced (see
/// `store::OUTLINE`).
pub fn patch_theme(progress: &Progress, stored: Option<&str>) -> Result<String, DecodeError> {
    let mut doc = match stored {
        Some(raw) => decode_value(raw)?.0,
        None => serde_json::json!({ "schema_version": SCHEMA_VERSION }),
    };
    if let (Value::Object(map), Some(theme)) = (&mut doc, &progress.theme) {
        map.insert("theme".into(), serde_json::json!({ "value": theme.value, "at": theme.at }));
    }
    Ok(doc.to_string())
}

/// Parse, check the version of, and migrate a stored document, untyped.
fn decode_value(raw: &str) -> Result<(Value, u32), DecodeError> {
    let value: Value = serde_json::from_str(raw).map_err(|e| DecodeError::Syntax(e.to_string()))?;
    let Value::Object(map) = &value else {
        return Err(DecodeError::Foreign("the top level is not an object".into()));
    };
    let version = match map.get("schema_version") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v <= u64::from(u32::MAX) => v as u32,
            _ => return Err(DecodeError::Shape("its schema version is not a whole number".into())),
        },
        Some(_) => return Err(DecodeError::Shape("its schema version is not a number".into())),
        None => {
            return Err(DecodeError::Foreign("it has no schema version, so it was not saved by Rollback Lab".into()))
        }
    };
    if version == 0 {
        return Err(DecodeError::Shape("schema version 0 does not exist".into()));
    }
    if version > SCHEMA_VERSION {
        return Err(DecodeError::Future(version));
    }
    Ok((migrate(value, version)?, version))
}

/// One function per schema step: `MIGRATIONS[i]` turns a version `i + 1`
/// document into a version `i + 2` one. Its length is `SCHEMA_VERSION - 1`.
type Migration = fn(Value) -> Result<Value, DecodeError>;
const MIGRATIONS: &[Migration] = &[migrate_v1_to_v2, migrate_v2_to_v3];

/// Schema 2 adds the practice data: drafts, runbooks, checklists, team
/// templates, opened assignments and reviews. Older documents get them empty.
fn migrate_v1_to_v2(mut v: Value) -> Result<Value, DecodeError> {
    let Value::Object(map) = &mut v else {
        return Err(DecodeError::Shape("the top level is not an object".into()));
    };
    for key in ["drafts", "runbooks", "checklists", "templates", "assignments", "reviews"] {
        map.entry(key.to_string()).or_insert_with(|| Value::Object(Default::default()));
    }
    map.insert("schema_version".into(), Value::from(2));
    Ok(v)
}

/// Apply the migrations from `from` up to [`SCHEMA_VERSION`].
fn migrate(mut value: Value, from: u32) -> Result<Value, DecodeError> {
    for step in MIGRATIONS.iter().skip(from.saturating_sub(1) as usize) {
        value = step(value)?;
    }
    Ok(value)
}

/// Schema 3 adds finished game days.
fn migrate_v2_to_v3(mut v: Value) -> Result<Value, DecodeError> {
    let Value::Object(map) = &mut v else {
        return Err(DecodeError::Shape("the top level is not an object".into()));
    };
    map.entry("gamedays".to_string()).or_insert_with(|| Value::Array(Vec::new()));
    map.insert("schema_version".into(), Value::from(3));
    Ok(v)
}

/// Merge two versions of the document (two tabs, or an import with "merge"):
/// nothing either side recorded is lost; for a value both changed, the later
/// change wins.
pub fn merge(a: &Progress, b: &Progress) -> Progress {
    let mut out = a.clone();
    for (slug, lb) in &b.lessons {
        let la = out.lessons.entry(slug.clone()).or_default();
        la.first_opened = min_opt(la.first_opened, lb.first_opened);
        la.last_opened = max_opt(la.last_opened, lb.last_opened);
        la.done = later_mark(la.done, lb.done);
    }
    for (k, mb) in &b.steps {
        let merged = later_mark(out.steps.get(k).copied(), Some(*mb));
        if let Some(m) = merged {
            out.steps.insert(k.clone(), m);
        }
    }
    for attempt in &b.quiz_attempts {
        out.add_attempt(attempt.clone());
    }
    out.last_page = later_stamped(&out.last_page, &b.last_page);
    out.quiz_draft = match (&out.quiz_draft, &b.quiz_draft) {
        (Some(x), Some(y)) => Some(if y.at > x.at { y.clone() } else { x.clone() }),
        (x, None) => x.clone(),
        (None, y) => y.clone(),
    };
    for (k, d) in &b.drafts {
        let merged = match out.drafts.get(k) {
            Some(mine) => Draft::merge(mine, d),
            None => d.clone(),
        };
        out.drafts.insert(k.clone(), merged);
    }
    merge_latest(&mut out.runbooks, &b.runbooks, |r| r.updated_at);
    merge_latest(&mut out.checklists, &b.checklists, |c| c.updated_at);
    merge_latest(&mut out.templates, &b.templates, |t| t.updated_at);
    merge_latest(&mut out.reviews, &b.reviews, |r| r.updated_at);
    merge_latest(&mut out.assignments, &b.assignments, |a| a.opened_at);
    for run in &b.gamedays {
        if !out.gamedays.iter().any(|r| r.seed == run.seed && r.finished_at == run.finished_at) {
            out.gamedays.push(run.clone());
        }
    }
    out.gamedays.sort_by(|a, b| a.finished_at.total_cmp(&b.finished_at));
    // A draft that one side already submitted is not a draft any more.
    if let Some(d) = &out.quiz_draft {
        if out.quiz_attempts.iter().any(|a| a.seed == d.seed && a.started_at == d.started_at) {
            out.quiz_draft = None;
        }
    }
    out.theme = later_stamped(&out.theme, &b.theme);
    out
}

/// Per key, keep the copy changed last.
fn merge_latest<T: Clone>(ours: &mut BTreeMap<String, T>, theirs: &BTreeMap<String, T>, at: impl Fn(&T) -> f64) {
    for (k, v) in theirs {
        match ours.get(k) {
            Some(mine) if at(mine) >= at(v) => {}
            _ => {
                ours.insert(k.clone(), v.clone());
            }
        }
    }
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn later_mark(a: Option<Mark>, b: Option<Mark>) -> Option<Mark> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.at > x.at { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn later_stamped(a: &Option<Stamped>, b: &Option<Stamped>) -> Option<Stamped> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.at > x.at { y.clone() } else { x.clone() }),
        (x, None) => x.clone(),
        (None, y) => y.clone(),
    }
}
