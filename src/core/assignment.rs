//! Instructor assignments, learner submissions, and review feedback.
//!
//! An assignment travels as a share link; a submission as a JSON file with a
//! Markdown rendering inside (for people who read it without the app).
//! Everything read back is validated and only ever displayed as text or
//! through the escaping markdown renderer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::draft::Draft;
use super::progress::QuizAttempt;
use super::quiz::PASS_PERCENT;

/// Share-link kind and format version of an assignment.
pub const SHARE_KIND: &str = "assignment";
pub const SHARE_VERSION: u32 = 1;
/// Kind and format version of a submission file.
pub const SUBMISSION_KIND: &str = "rollback-lab-submission";
pub const SUBMISSION_VERSION: u32 = 1;
/// The largest submission file accepted.
pub const MAX_SUBMISSION_BYTES: usize = 2_000_000;

/// What an assignment asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AssignmentItem {
    /// An exercise or the mini challenge, by slug.
    Exercise { slug: String },
    /// The quick test, with the pass mark required.
    Quiz { pass_percent: u32 },
}

/// An assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    pub items: Vec<AssignmentItem>,
    /// `YYYY-MM-DD`, if there is a due date.
    #[serde(default)]
    pub due: Option<String>,
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && y >= 2000
}

impl Assignment {
    /// Problems, given the exercise slugs that exist (empty when valid).
    pub fn problems(&self, exercises: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        if self.title.trim().is_empty() {
            out.push("The assignment needs a title.".to_string());
        }
        if self.title.len() > 300 || self.instructions.len() > 20_000 {
            out.push("The title or instructions are far longer than an assignment needs.".to_string());
        }
        if self.items.is_empty() {
            out.push("Choose at least one item.".to_string());
        }
        for item in &self.items {
            match item {
                AssignmentItem::Exercise { slug } if !exercises.contains(&slug.as_str()) => {
                    out.push(format!("`{slug}` is not an exercise of this course."))
                }
                AssignmentItem::Quiz { pass_percent } if !(1..=100).contains(pass_percent) => {
                    out.push(format!("A pass mark of {pass_percent} % is not between 1 and 100."))
                }
                _ => {}
            }
        }
        if let Some(d) = &self.due {
            if !is_date(d) {
                out.push(format!("The due date {d} is not a date written YYYY-MM-DD."));
            }
        }
        out
    }

    /// Whether the due date is before `today` (both `YYYY-MM-DD`): allowed
    /// (an assignment may be reissued), but said beside the field.
    pub fn due_in_the_past(&self, today: &str) -> bool {
        self.due.as_deref().is_some_and(|d| is_date(d) && is_date(today) && d < today)
    }

    /// The quick-test item's pass mark, if the assignment has one.
    pub fn quiz_pass_percent(&self) -> Option<u32> {
        self.items.iter().find_map(|i| match i {
            AssignmentItem::Quiz { pass_percent } => Some(*pass_percent),
            _ => None,
        })
    }

    /// The exercise slugs asked for.
    pub fn exercises(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|i| match i {
                AssignmentItem::Exercise { slug } => Some(slug.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// A rubric item with the learner's mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkedItem {
    pub text: String,
    /// Some(true) "my answer does this", Some(false) "not yet", None unmarked.
    pub mark: Option<bool>,
}

/// One exercise as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedExercise {
    pub slug: String,
    pub title: String,
    pub answer: String,
    pub rubric: Vec<MarkedItem>,
    /// Whether the learner had seen the model answer.
    pub saw_model_answer: bool,
    /// Whether they chose to see it before marking the whole rubric (gave
    /// up), rather than it appearing once the rubric was marked.
    #[serde(default)]
    pub gave_up: bool,
}

impl SubmittedExercise {
    /// How the learner came to see the model answer, if they did.
    pub fn model_answer_note(&self) -> Option<&'static str> {
        match (self.saw_model_answer, self.gave_up) {
            (false, _) => None,
            (true, true) => Some("The learner chose to see the model answer before finishing the rubric."),
            (true, false) => Some("The model answer was shown after the learner had marked the whole rubric."),
        }
    }

    /// Whether the exercise looks unfinished: no answer, or no rubric item
    /// marked. Said before a submission is prepared.
    pub fn unfinished(&self) -> Option<String> {
        let marked = self.rubric.iter().filter(|r| r.mark.is_some()).count();
        let total = self.rubric.len();
        match (self.answer.trim().is_empty(), marked) {
            (true, _) => Some(format!("{}: no answer written", self.title)),
            (false, m) if m < total => Some(format!("{}: rubric {m} of {total} marked", self.title)),
            _ => None,
        }
    }
}

/// A quiz attempt as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedAttempt {
    pub finished_at: String,
    pub correct: u32,
    pub total: u32,
    pub percent: u32,
}

/// The quick test as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedQuiz {
    pub pass_percent: u32,
    pub attempts: Vec<SubmittedAttempt>,
    pub best_percent: Option<u32>,
    pub met_pass_mark: bool,
}

/// A learner's submission file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub kind: String,
    pub version: u32,
    pub learner: String,
    pub created: String,
    pub assignment: Assignment,
    pub exercises: Vec<SubmittedExercise>,
    pub quiz: Option<SubmittedQuiz>,
    /// The same content as Markdown, for reading without the app.
    pub markdown: String,
}

/// What the submission builder needs to know about an exercise.
pub struct ExerciseInfo<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    /// Rubric item ids and texts, in order.
    pub rubric: Vec<(String, String)>,
}

impl Submission {
    /// Build a submission from the learner's drafts and attempts. `fmt_time`
    /// turns a timestamp into readable text (the caller's clock and locale).
    pub fn build(
        assignment: &Assignment,
        learner: &str,
        created: &str,
        exercises: &[ExerciseInfo<'_>],
        drafts: &BTreeMap<String, Draft>,
        attempts: &[QuizAttempt],
        fmt_time: &dyn Fn(f64) -> String,
    ) -> Submission {
        let submitted: Vec<SubmittedExercise> = assignment
            .exercises()
            .iter()
            .filter_map(|slug| exercises.iter().find(|e| e.slug == *slug))
            .map(|e| {
                let draft = drafts.get(e.slug);
                SubmittedExercise {
                    slug: e.slug.to_string(),
                    title: e.title.to_string(),
                    answer: draft.map(|d| d.text.clone()).unwrap_or_default(),
                    rubric: e
                        .rubric
                        .iter()
                        .map(|(id, text)| MarkedItem { text: text.clone(), mark: draft.and_then(|d| d.mark(id)) })
                        .collect(),
                    saw_model_answer: draft.is_some_and(|d| d.revealed_at.is_some()),
                    gave_up: draft.is_some_and(|d| d.gave_up),
                }
            })
            .collect();
        let quiz = assignment.quiz_pass_percent().map(|pass| {
            let list: Vec<SubmittedAttempt> = attempts
                .iter()
                .map(|a| SubmittedAttempt {
                    finished_at: fmt_time(a.finished_at),
                    correct: a.score.correct,
                    total: a.score.total,
                    percent: a.score.percent,
                })
                .collect();
            let best = list.iter().map(|a| a.percent).max();
            SubmittedQuiz {
                pass_percent: pass,
                met_pass_mark: best.is_some_and(|b| b >= pass),
                best_percent: best,
                attempts: list,
            }
        });
        let mut s = Submission {
            kind: SUBMISSION_KIND.into(),
            version: SUBMISSION_VERSION,
            learner: learner.trim().to_string(),
            created: created.to_string(),
            assignment: assignment.clone(),
            exercises: submitted,
            quiz,
            markdown: String::new(),
        };
        s.markdown = s.render_markdown();
        s
    }

    /// The submission as Markdown.
    pub fn render_markdown(&self) -> String {
        let mut md = format!("# Submission: {}\n\n", self.assignment.title.trim());
        let who = if self.learner.is_empty() { "(no name given)" } else { &self.learner };
        md.push_str(&format!("**Learner:** {who} · **Prepared:** {}\n", self.created));
        if let Some(d) = &self.assignment.due {
            md.push_str(&format!("**Due:** {d}\n"));
        }
        for e in &self.exercises {
            md.push_str(&format!("\n## {}\n\n", e.title));
            if e.answer.trim().is_empty() {
                md.push_str("_No answer written._\n");
            } else {
                md.push_str(e.answer.trim());
                md.push('\n');
            }
            md.push_str("\n**Self-check:**\n\n");
            for r in &e.rubric {
                let mark = match r.mark {
                    Some(true) => "[x]",
                    Some(false) => "[ ] (not yet)",
                    None => "[ ] (not marked)",
                };
                md.push_str(&format!("- {mark} {}\n", r.text));
            }
            if let Some(how) = e.model_answer_note() {
                md.push_str(&format!("\n_{how}_\n"));
            }
        }
        if let Some(q) = &self.quiz {
            md.push_str(&format!("\n## Quick test (pass mark {} %)\n\n", q.pass_percent));
            if q.attempts.is_empty() {
                md.push_str("_Not taken._\n");
            } else {
                for a in &q.attempts {
                    md.push_str(&format!("- {}: {} / {} ({} %)\n", a.finished_at, a.correct, a.total, a.percent));
                }
                md.push_str(&format!(
                    "\nBest: {} % — {}\n",
                    q.best_percent.unwrap_or(0),
                    if q.met_pass_mark { "meets the pass mark" } else { "below the pass mark" }
                ));
            }
        }
        md
    }

    /// Read a submission file: size, JSON, kind and version checked.
    pub fn parse(text: &str) -> Result<Submission, String> {
        if text.trim().is_empty() {
            return Err("The file is empty.".into());
        }
        if text.len() > MAX_SUBMISSION_BYTES {
            return Err(format!(
                "The file is {} KB; a submission is far smaller. Nothing was opened.",
                text.len() / 1024
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("This is not a submission file: it is not valid JSON ({e})."))?;
        let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        if kind != SUBMISSION_KIND {
            return Err("This is not a Rollback Lab submission file (its `kind` is missing or different).".into());
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version as u32 > SUBMISSION_VERSION {
            return Err(format!(
                "This submission was made by a newer version of Rollback Lab (format {version}); update the page to open it."
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("This submission file is damaged: {e}."))
    }
}

/// An instructor's feedback on a submission.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Review {
    /// Feedback per exercise slug, and "quiz".
    pub feedback: BTreeMap<String, String>,
    pub overall: String,
    pub updated_at: f64,
}

impl Review {
    /// A stable key for a submission (learner + time prepared + title).
    pub fn key(s: &Submission) -> String {
        format!("{}|{}|{}", s.learner, s.created, s.assignment.title)
    }

    /// The feedback as Markdown.
    pub fn to_markdown(&self, s: &Submission) -> String {
        let who = if s.learner.is_empty() { "the learner" } else { &s.learner };
        let mut md = format!(
            "# Feedback: {}\n\nFor {who}, on the submission prepared {}.\n",
            s.assignment.title.trim(),
            s.created
        );
        if !self.overall.trim().is_empty() {
            md.push_str(&format!("\n## Overall\n\n{}\n", self.overall.trim()));
        }
        for e in &s.exercises {
            if let Some(f) = self.feedback.get(&e.slug).filter(|f| !f.trim().is_empty()) {
                md.push_str(&format!("\n## {}\n\n{}\n", e.title, f.trim()));
            }
        }
        if let Some(f) = self.feedback.get("quiz").filter(|f| !f.trim().is_empty()) {
            md.push_str(&format!("\n## Quick test\n\n{}\n", f.trim()));
        }
        md
    }
}

/// The default pass mark offered by the assignment builder.
pub const DEFAULT_PASS_PERCENT: u32 = PASS_PERCENT;
