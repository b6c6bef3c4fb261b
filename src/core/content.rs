//! The course content: pages from markdown with TOML front matter, and the
//! data files (checklists, quiz, scenarios …) beside them.
//!
//! The build script reads `content/`, converts every TOML part to JSON and
//! embeds it ([`Course::embedded`]), so the browser never ships a TOML parser.
//! Natively, [`Course::from_dir`] reads the same files with exact line numbers
//! for errors, and [`Course::validate`] checks everything a broken file could
//! break: front matter, slugs, links, anchors, directives and data.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::markdown::{self, Block, Inline, RenderOptions};
use super::quiz::{self, Quiz};
use super::routes::{self, Route};

/// The sidebar parts, in order. Every page names one.
pub const PARTS: &[&str] =
    &["Start", "Concepts", "Decide", "Worked examples", "Playbooks", "Watch and avoid", "Practice", "Keep going"];

/// Where the quick test lives, below `content/`.
pub const QUIZ_PATH: &str = "quiz/quick-test.toml";
/// The "check for understanding" questions shown inside lessons.
pub const CHECKS_PATH: &str = "quiz/checks.toml";
/// How many questions the quick test has.
pub const QUIZ_QUESTIONS: usize = 10;

/// Directives that run a simulation in the page (the tools build's).
pub const LIVE_DIRECTIVES: &[&str] = &["canary", "migration", "threshold"];

/// Directives a page may use: `{{#name arg}}`.
pub const DIRECTIVES: &[&str] = &["checklist", "run", "canary", "migration", "quiz", "diagram", "threshold"];

/// A content problem, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "content/{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ContentError {}

impl ContentError {
    pub fn new(file: &str, line: usize, message: impl Into<String>) -> Self {
        ContentError { file: file.to_string(), line, message: message.into() }
    }
}

/// The three builds of the app (see ARCHITECTURE.md, "Three builds").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    Home,
    Reader,
    Tools,
}

impl Build {
    /// The name the build script and the route table use.
    pub fn name(self) -> &'static str {
        match self {
            Build::Home => "home",
            Build::Reader => "reader",
            Build::Tools => "tools",
        }
    }
}

/// Front matter of a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub slug: String,
    pub order: i64,
    pub part: String,
    pub summary: String,
    #[serde(default)]
    pub exercise: Option<ExerciseMeta>,
}

/// The extra front matter of an exercise page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseMeta {
    pub expected_output: String,
    pub rubric: Vec<String>,
    #[serde(default)]
    pub hint: Option<String>,
}

/// Front matter of a model answer (`content/exercises/answers/*.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerFront {
    exercise: String,
}

/// A page of the course.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub front: FrontMatter,
    /// Path below `content/`.
    pub path: String,
    pub body: String,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// A checklist definition (`content/checklist/*.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistDef {
    pub title: String,
    pub items: Vec<ChecklistItemDef>,
}

/// One item of a checklist definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemDef {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub evidence: String,
}

/// A data file's text, as embedded (JSON) or read from disk (TOML).
#[derive(Debug, Clone)]
pub enum Data {
    Json(String),
    #[cfg(not(target_arch = "wasm32"))]
    Toml(String),
}

/// A raw file before typing: markdown (front matter + body) or data.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub path: String,
    pub front: Option<Data>,
    pub body: String,
    pub body_line: usize,
}

/// The whole course.
#[derive(Debug, Clone, Default)]
pub struct Course {
    /// Pages sorted by `order`.
    pub pages: Vec<Page>,
    /// Model answers by exercise slug.
    pub answers: BTreeMap<String, String>,
    /// Checklists by file stem (`pre-deploy`).
    pub checklists: BTreeMap<String, ChecklistDef>,
    /// Data files not typed here (quiz, scenarios, glossary), by path.
    pub data: BTreeMap<String, Data>,
}

fn decode<T: DeserializeOwned>(path: &str, data: &Data, first_line: usize) -> Result<T, ContentError> {
    match data {
        Data::Json(text) => serde_json::from_str(text)
            .map_err(|e| ContentError::new(path, first_line + e.line().saturating_sub(1), e.to_string())),
        #[cfg(not(target_arch = "wasm32"))]
        Data::Toml(text) => toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + first_line)
                .unwrap_or(first_line);
            ContentError::new(path, line, e.message().to_string())
        }),
    }
}

/// Decode a data file of the course into `T` (quiz, scenarios, glossary).
pub fn decode_data<T: DeserializeOwned>(path: &str, data: &Data) -> Result<T, ContentError> {
    decode(path, data, 1)
}

/// Split `+++` TOML front matter from a markdown file.
/// Returns (front matter text, body, body's first line).
pub fn split_front_matter(path: &str, text: &str) -> Result<(String, String, usize), ContentError> {
    super::frontmatter::split(text).map_err(|(line, msg)| ContentError::new(path, line, msg))
}

impl Course {
    /// The course as embedded by the build script.
    pub fn embedded() -> Result<Course, Vec<ContentError>> {
        Course::embedded_with(embedded::MD_BODIES, embedded::DATA_FILES)
    }

    /// The embedded course's outline: every page's front matter (titles,
    /// summaries, parts, order) without its body, and no data files (what the
    /// course map needs). A build that calls only this links none of the
    /// course text.
    pub fn embedded_outline() -> Result<Course, Vec<ContentError>> {
        Course::embedded_with(&[], &[])
    }

    fn embedded_with(bodies: &[&str], data: &[embedded::DataFile]) -> Result<Course, Vec<ContentError>> {
        let files = embedded::MD_FILES
            .iter()
            .enumerate()
            .map(|(i, f)| RawFile {
                path: f.path.to_string(),
                front: Some(Data::Json(f.front.to_string())),
                body: bodies.get(i).map(|b| b.to_string()).unwrap_or_default(),
                body_line: f.body_line,
            })
            .chain(data.iter().map(|f| RawFile {
                path: f.path.to_string(),
                front: Some(Data::Json(f.json.to_string())),
                body: String::new(),
                body_line: 1,
            }))
            .collect();
        Course::from_raw(files)
    }

    /// Read `content/` from disk (native only), with exact error lines.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> Result<Course, Vec<ContentError>> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        let mut paths = Vec::new();
        collect_files(dir, dir, &mut paths);
        paths.sort();
        for rel in paths {
            let full = dir.join(&rel);
            let text = match std::fs::read_to_string(&full) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(ContentError::new(&rel, 1, format!("cannot read: {e}")));
                    continue;
                }
            };
            if rel.ends_with(".md") {
                match split_front_matter(&rel, &text) {
                    Ok((front, body, body_line)) => {
                        files.push(RawFile { path: rel, front: Some(Data::Toml(front)), body, body_line })
                    }
                    Err(e) => errors.push(e),
                }
            } else if rel.ends_with(".toml") {
                files.push(RawFile { path: rel, front: Some(Data::Toml(text)), body: String::new(), body_line: 1 });
            }
        }
        match Course::from_raw(files) {
            Ok(c) if errors.is_empty() => Ok(c),
            Ok(_) => Err(errors),
            Err(mut e) => {
                errors.append(&mut e);
                Err(errors)
            }
        }
    }

    /// Type the raw files. Front matter of markdown files starts on line 2.
    pub fn from_raw(files: Vec<RawFile>) -> Result<Course, Vec<ContentError>> {
        let mut course = Course::default();
        let mut errors = Vec::new();
        for f in files {
            let Some(front) = &f.front else { continue };
            if f.path.ends_with(".md") {
                if f.path.starts_with("exercises/answers/") {
                    match decode::<AnswerFront>(&f.path, front, 2) {
                        Ok(a) => {
                            course.answers.insert(a.exercise, f.body.clone());
                        }
                        Err(e) => errors.push(e),
                    }
                    continue;
                }
                match decode::<FrontMatter>(&f.path, front, 2) {
                    Ok(fm) => course.pages.push(Page { front: fm, path: f.path, body: f.body, body_line: f.body_line }),
                    Err(e) => errors.push(e),
                }
            } else if let Some(stem) = f.path.strip_prefix("checklist/").and_then(|p| p.strip_suffix(".toml")) {
                match decode::<ChecklistDef>(&f.path, front, 1) {
                    Ok(c) => {
                        course.checklists.insert(stem.to_string(), c);
                    }
                    Err(e) => errors.push(e),
                }
            } else {
                course.data.insert(f.path, front.clone());
            }
        }
        course.pages.sort_by_key(|p| p.front.order);
        if errors.is_empty() {
            Ok(course)
        } else {
            Err(errors)
        }
    }

    /// The quick test.
    pub fn quiz(&self) -> Result<Quiz, ContentError> {
        match self.data.get(QUIZ_PATH) {
            Some(d) => decode(QUIZ_PATH, d, 1),
            None => Err(ContentError::new(QUIZ_PATH, 1, "the quick test file is missing")),
        }
    }

    /// The questions lessons embed with `{{#quiz id}}` (none when the file is missing).
    pub fn checks(&self) -> Result<Quiz, ContentError> {
        match self.data.get(CHECKS_PATH) {
            Some(d) => decode(CHECKS_PATH, d, 1),
            None => Ok(Quiz { questions: Vec::new() }),
        }
    }

    /// The glossary (empty when there is none).
    pub fn glossary(&self) -> Result<super::glossary::Glossary, ContentError> {
        match self.data.get(super::glossary::GLOSSARY_PATH) {
            Some(d) => decode(super::glossary::GLOSSARY_PATH, d, 1),
            None => Ok(super::glossary::Glossary::default()),
        }
    }

    /// The search index built from these pages (the build script makes the
    /// same one: see [`embedded_search_index`]).
    pub fn search_index(&self) -> super::search::SearchIndex {
        let texts: Vec<super::search::PageText<'_>> = self
            .pages
            .iter()
            .map(|p| super::search::PageText {
                slug: &p.front.slug,
                title: &p.front.title,
                summary: &p.front.summary,
                body: &p.body,
            })
            .collect();
        super::search::build_index(&texts)
    }

    /// Whether a page needs the tools build of the app: exercise pages (the
    /// draft editor, rubric, runbooks) and pages with live simulations.
    /// Called for every link the sidebar draws, so it scans lines instead of
    /// parsing: a block directive is a line of its own (a content test
    /// checks that this agrees with the parser on every page).
    pub fn page_needs_tools(&self, slug: &str) -> bool {
        let Some(p) = self.page(slug) else { return false };
        p.front.exercise.is_some()
            || p.body.lines().any(|l| {
                let l = l.trim_start();
                LIVE_DIRECTIVES.iter().any(|d| l.strip_prefix("{{#").is_some_and(|rest| rest.starts_with(d)))
            })
    }

    /// Whether a route is served by the tools build (everything but the
    /// course map, plain lessons, the glossary and search).
    pub fn route_needs_tools(&self, route: &Route) -> bool {
        match route {
            Route::Home | Route::Glossary | Route::Search | Route::Print | Route::NotFound(_) => false,
            Route::Page(slug) => self.page_needs_tools(slug),
            _ => true,
        }
    }

    /// The build whose entry a host serves for `route`: the home build for
    /// the course map's own address (the smallest first load), the tools
    /// build for what needs it, the reader for the rest. (The reader and
    /// tools builds also show the course map, after an in-app navigation.)
    pub fn build_of(&self, route: &Route) -> Build {
        match route {
            Route::Home => Build::Home,
            r if self.route_needs_tools(r) => Build::Tools,
            _ => Build::Reader,
        }
    }

    /// Whether `build` can show `route` itself (otherwise a link to it is a
    /// full page load, which the host answers with the right build): the
    /// home build shows only the course map, the reader what needs no
    /// tools, the tools build everything.
    pub fn serves(&self, build: Build, route: &Route) -> bool {
        match build {
            Build::Home => *route == Route::Home,
            Build::Reader => !self.route_needs_tools(route),
            Build::Tools => true,
        }
    }

    /// A page by slug.
    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.front.slug == slug)
    }

    /// Index of a page in reading order.
    pub fn position(&self, slug: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.front.slug == slug)
    }

    /// Pages grouped by part, parts in [`PARTS`] order.
    pub fn parts(&self) -> Vec<(&'static str, Vec<&Page>)> {
        PARTS
            .iter()
            .map(|part| (*part, self.pages.iter().filter(|p| p.front.part == *part).collect::<Vec<_>>()))
            .filter(|(_, pages)| !pages.is_empty())
            .collect()
    }

    /// Heading anchors of every page, by slug.
    pub fn anchors(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.pages
            .iter()
            .map(|p| {
                let doc = markdown::parse(&p.body, RenderOptions { directives: true });
                (p.front.slug.clone(), doc.headings.into_iter().map(|h| h.id).collect())
            })
            .collect()
    }

    /// Check an internal link (`/learn/slug#anchor`, `/quiz`, `#anchor`).
    /// `from` is the slug of the page it appears on, if any.
    pub fn check_link(
        &self,
        href: &str,
        from: Option<&str>,
        anchors: &BTreeMap<String, BTreeSet<String>>,
    ) -> Result<(), String> {
        if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:") {
            return Ok(());
        }
        if !markdown::is_safe_href(href) {
            return Err(format!("link `{href}` uses a scheme that is not allowed"));
        }
        let (path, query, fragment) = routes::split_href(href);
        if let (Some(engine), Some(q)) = (path.strip_prefix("/simulators/"), query) {
            if let Some(slug) = super::share::query_param(q, "scenario") {
                if !self.data.contains_key(&format!("scenarios/{engine}/{slug}.toml")) {
                    return Err(format!("link `{href}`: no scenario content/scenarios/{engine}/{slug}.toml"));
                }
            }
        }
        let target_slug = if path.is_empty() {
            match from {
                Some(s) => Some(s.to_string()),
                None => return Err(format!("link `{href}` has no page to point into")),
            }
        } else if !path.starts_with('/') {
            return Err(format!("link `{href}` must be absolute (`/learn/<slug>` or an app route like `/quiz`)"));
        } else {
            match routes::parse(path) {
                Route::Page(slug) => {
                    if self.page(&slug).is_none() {
                        return Err(format!("link `{href}` points to a page that does not exist"));
                    }
                    Some(slug)
                }
                Route::NotFound(_) => return Err(format!("link `{href}` matches no route")),
                _ => None,
            }
        };
        if let (Some(slug), Some(fragment)) = (target_slug, fragment) {
            let known = anchors.get(&slug).is_some_and(|a| a.contains(fragment));
            if !known {
                return Err(format!("link `{href}`: page `{slug}` has no heading with anchor `#{fragment}`"));
            }
        }
        Ok(())
    }

    /// Every problem in the course content. Empty means valid.
    pub fn validate(&self) -> Vec<ContentError> {
        let mut errors = Vec::new();
        let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
        let mut orders: BTreeMap<i64, &str> = BTreeMap::new();
        for p in &self.pages {
            let f = &p.front;
            let at = |msg: String| ContentError::new(&p.path, 2, msg);
            if f.title.trim().is_empty() {
                errors.push(at("front matter `title` is empty".into()));
            }
            if f.summary.trim().is_empty() {
                errors.push(at("front matter `summary` is empty".into()));
            }
            if !routes::is_valid_slug(&f.slug) {
                errors.push(at(format!("slug `{}` must be lowercase letters, digits and single hyphens", f.slug)));
            }
            if !PARTS.contains(&f.part.as_str()) {
                errors.push(at(format!("part `{}` is not one of {}", f.part, PARTS.join(", "))));
            }
            if let Some(other) = slugs.insert(&f.slug, &p.path) {
                errors.push(at(format!("slug `{}` is also used by content/{other}", f.slug)));
            }
            if let Some(other) = orders.insert(f.order, &p.path) {
                errors.push(at(format!("order {} is also used by content/{other}", f.order)));
            }
            if let Some(ex) = &f.exercise {
                if ex.expected_output.trim().is_empty() {
                    errors.push(at("exercise `expected_output` is empty".into()));
                }
                if ex.rubric.is_empty() || ex.rubric.iter().any(|r| r.trim().is_empty()) {
                    errors.push(at("exercise `rubric` needs at least one non-empty item".into()));
                }
                if !self.answers.contains_key(&f.slug) {
                    errors.push(at(format!(
                        "exercise `{}` has no model answer in content/exercises/answers/{}.md",
                        f.slug, f.slug
                    )));
                }
            }
        }
        for slug in self.answers.keys() {
            if self.page(slug).and_then(|p| p.front.exercise.as_ref()).is_none() {
                errors.push(ContentError::new(
                    &format!("exercises/answers/{slug}.md"),
                    2,
                    format!("model answer for `{slug}`, which is not an exercise page"),
                ));
            }
        }
        for (stem, c) in &self.checklists {
            let path = format!("checklist/{stem}.toml");
            let mut ids = BTreeSet::new();
            if c.items.is_empty() {
                errors.push(ContentError::new(&path, 1, "a checklist needs at least one item"));
            }
            for item in &c.items {
                if !ids.insert(item.id.as_str()) {
                    errors.push(ContentError::new(&path, 1, format!("item id `{}` is used twice", item.id)));
                }
                if item.text.trim().is_empty() {
                    errors.push(ContentError::new(&path, 1, format!("item `{}` has no text", item.id)));
                }
            }
        }
        let anchors = self.anchors();
        for p in &self.pages {
            let doc = markdown::parse(&p.body, RenderOptions { directives: true });
            let file_line = |line: usize| p.body_line + line.saturating_sub(1);
            for link in &doc.links {
                if let Err(msg) = self.check_link(&link.href, Some(&p.front.slug), &anchors) {
                    errors.push(ContentError::new(&p.path, file_line(link.line), msg));
                }
            }
            let mut problems = Vec::new();
            walk_blocks(&doc.blocks, &mut |b| match b {
                Block::Html(h) => {
                    problems.push((0, format!("raw HTML is shown as text, use markdown: `{}`", h.trim())))
                }
                Block::Directive { name, args, line } => {
                    if let Err(msg) = self.check_directive(name, args) {
                        problems.push((*line, msg));
                    }
                }
                _ => {}
            });
            walk_inlines_in(&doc.blocks, &mut |i| {
                if let Inline::Html(h) = i {
                    problems.push((0, format!("raw HTML is shown as text, use markdown: `{}`", h.trim())));
                }
            });
            for (line, msg) in problems {
                let line = if line == 0 {
                    find_line(&p.body, &msg).map(file_line).unwrap_or(p.body_line)
                } else {
                    file_line(line)
                };
                errors.push(ContentError::new(&p.path, line, msg));
            }
        }
        match self.quiz() {
            Ok(q) => {
                let check = |href: &str| self.check_link(href, None, &anchors);
                for msg in quiz::validate(&q, QUIZ_QUESTIONS, &check) {
                    let id = msg.split('`').nth(1).unwrap_or("");
                    let line = self.data.get(QUIZ_PATH).and_then(|d| line_in(d, &format!("\"{id}\""))).unwrap_or(1);
                    errors.push(ContentError::new(QUIZ_PATH, line, msg));
                }
            }
            Err(e) => errors.push(e),
        }
        match self.checks() {
            Ok(q) if !q.questions.is_empty() => {
                let check = |href: &str| self.check_link(href, None, &anchors);
                for msg in quiz::validate(&q, q.questions.len(), &check) {
                    let id = msg.split('`').nth(1).unwrap_or("");
                    let line = self.data.get(CHECKS_PATH).and_then(|d| line_in(d, &format!("\"{id}\""))).unwrap_or(1);
                    errors.push(ContentError::new(CHECKS_PATH, line, msg));
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
        match self.glossary() {
            Ok(g) => {
                let check = |href: &str| self.check_link(href, None, &anchors);
                for msg in g.problems(&check) {
                    let id = msg.split('`').nth(1).unwrap_or("");
                    let path = super::glossary::GLOSSARY_PATH;
                    let line = self.data.get(path).and_then(|d| line_in(d, &format!("\"{id}\""))).unwrap_or(1);
                    errors.push(ContentError::new(path, line, msg));
                }
            }
            Err(e) => errors.push(e),
        }
        errors
    }

    /// Whether a directive names something that exists.
    pub fn check_directive(&self, name: &str, args: &[String]) -> Result<(), String> {
        match name {
            "checklist" => match args {
                [id] if self.checklists.contains_key(id) => Ok(()),
                [id] => Err(format!("directive `checklist {id}`: no content/checklist/{id}.toml")),
                _ => Err("directive `checklist` takes one argument: the checklist id".into()),
            },
            "run" => match args {
                [engine, slug] if engine == "canary" || engine == "migration" => {
                    if self.data.contains_key(&format!("scenarios/{engine}/{slug}.toml")) {
                        Ok(())
                    } else {
                        Err(format!("directive `run {engine} {slug}`: no content/scenarios/{engine}/{slug}.toml"))
                    }
                }
                _ => {
                    Err("directive `run` takes two arguments: `canary` or `migration`, and a scenario file name".into())
                }
            },
            "diagram" => super::diagram::parse(args).map(|_| ()).map_err(|e| format!("directive `diagram`: {e}")),
            "canary" | "migration" => match args {
                [slug] if self.data.contains_key(&format!("scenarios/{name}/{slug}.toml")) => Ok(()),
                [slug] => Err(format!("directive `{name} {slug}`: no content/scenarios/{name}/{slug}.toml")),
                _ => Err(format!("directive `{name}` takes one argument: a scenario file name")),
            },
            "threshold" => {
                if args.is_empty() {
                    Ok(())
                } else {
                    Err("directive `threshold` takes no arguments".into())
                }
            }
            "quiz" => match args {
                [id] => match self.checks() {
                    Ok(q) if q.questions.iter().any(|x| &x.id == id) => Ok(()),
                    Ok(_) => Err(format!("directive `quiz {id}`: no question `{id}` in content/{CHECKS_PATH}")),
                    Err(e) => Err(format!("directive `quiz {id}`: {e}")),
                },
                _ => Err("directive `quiz` takes one argument: a question id".into()),
            },
            other if DIRECTIVES.contains(&other) => Err(format!("directive `{other}` is not available yet")),
            other => Err(format!("unknown directive `{other}` (known: {})", DIRECTIVES.join(", "))),
        }
    }
}

/// The 1-based line of a data file's source (TOML only) containing `needle`.
fn line_in(data: &Data, needle: &str) -> Option<usize> {
    match data {
        Data::Json(_) => {
            let _ = needle;
            None
        }
        #[cfg(not(target_arch = "wasm32"))]
        Data::Toml(text) => text.lines().position(|l| l.contains(needle)).map(|i| i + 1),
    }
}

fn find_line(body: &str, msg: &str) -> Option<usize> {
    // Locate raw HTML by its text inside the backticks of the message.
    let needle = msg.split('`').nth(1)?;
    let first = needle.lines().next()?.trim();
    if first.is_empty() {
        return None;
    }
    body.lines().position(|l| l.contains(first)).map(|i| i + 1)
}

/// Visit every block, depth first.
pub fn walk_blocks(blocks: &[Block], f: &mut dyn FnMut(&Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => walk_blocks(bs, f),
            Block::List { items, .. } => {
                for item in items {
                    walk_blocks(&item.blocks, f);
                }
            }
            _ => {}
        }
    }
}

/// Visit every inline of every block, depth first.
pub fn walk_inlines_in(blocks: &[Block], f: &mut dyn FnMut(&Inline)) {
    fn inl(inlines: &[Inline], f: &mut dyn FnMut(&Inline)) {
        for i in inlines {
            f(i);
            match i {
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => inl(c, f),
                Inline::Link { content, .. } | Inline::Term { content, .. } => inl(content, f),
                _ => {}
            }
        }
    }
    walk_blocks(blocks, &mut |b| match b {
        Block::Heading { content, .. } | Block::Paragraph(content) | Block::Plain(content) => inl(content, f),
        Block::Table { head, rows, .. } => {
            for cell in head.iter().chain(rows.iter().flatten()) {
                inl(cell, f);
            }
        }
        _ => {}
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn collect_files(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.ends_with(".md") || rel.ends_with(".toml") {
                out.push(rel);
            }
        }
    }
}

/// The search index the build script made from the embedded pages. Only
/// `export search-index` uses it (it writes the file the app fetches); no
/// browser build links it.
pub fn embedded_search_index() -> super::search::SearchIndex {
    serde_json::from_str(embedded::SEARCH_INDEX).unwrap_or_default()
}

/// The content embedded by `build.rs`.
pub mod embedded {
    /// A markdown file: front matter as JSON, and where its body starts
    /// (the body is `MD_BODIES` at the same index).
    pub struct MdFile {
        pub path: &'static str,
        pub front: &'static str,
        pub body_line: usize,
    }

    /// A TOML data file, as JSON.
    pub struct DataFile {
        pub path: &'static str,
        pub json: &'static str,
    }

    include!(concat!(env!("OUT_DIR"), "/content_gen.rs"));
}
