//! The quick test: questions in mdbook-quiz's TOML schema, seeded option
//! shuffles, and scoring against the 70 % pass mark.
//!
//! Supported types: `MultipleChoice` (one answer, or several: `answer.answer`
//! is a list and only the exact set counts), `ShortAnswer` (case-insensitive,
//! trimmed, with `answer.alternatives`), and the extension `Ordering`
//! (`answer.answer` lists the items in the right order; they are shown
//! shuffled).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::rng::Rng;

/// Percentage needed to pass.
pub const PASS_PERCENT: u32 = 70;

/// A quiz file: `[[questions]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub questions: Vec<Question>,
}

/// Question types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    MultipleChoice,
    ShortAnswer,
    Ordering,
}

/// One question, in mdbook-quiz's shape plus `id` and `lesson`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id: attempts refer to it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub prompt: Prompt,
    pub answer: AnswerSpec,
    /// The explanation (markdown), shown after submitting.
    pub context: String,
    /// The section to reread: an internal link such as `/learn/slug#anchor`.
    pub lesson: String,
}

/// `prompt.*`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    pub prompt: String,
    #[serde(default)]
    pub distractors: Vec<String>,
    /// mdbook-quiz option: show options in sorted rather than shuffled order.
    #[serde(default, rename = "sortAnswers")]
    pub sort_answers: bool,
}

/// `answer.*`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerSpec {
    pub answer: OneOrMany,
    /// ShortAnswer: other accepted answers.
    #[serde(default)]
    pub alternatives: Vec<String>,
}

/// A string or a list of strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a list.
    pub fn as_list(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// What a learner answered to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Response {
    /// The option texts chosen (order irrelevant).
    Choice(Vec<String>),
    Text(String),
    /// The items in the order the learner put them.
    Order(Vec<String>),
}

impl Question {
    /// Several answers are right (checkboxes rather than radio buttons).
    pub fn is_multi(&self) -> bool {
        self.kind == Kind::MultipleChoice && matches!(self.answer.answer, OneOrMany::Many(_))
    }

    /// The right answer(s).
    pub fn correct(&self) -> Vec<String> {
        self.answer.answer.as_list()
    }

    /// Options as shown for a given attempt seed: answers and distractors,
    /// shuffled by a seeded shuffle (sorted if `sortAnswers`); for ordering
    /// questions, the items in an order that is not already the right one.
    pub fn options(&self, seed: u64) -> Vec<String> {
        let mut rng = Rng::new(seed ^ fnv1a(&self.id));
        match self.kind {
            Kind::MultipleChoice => {
                let mut opts = self.correct();
                opts.extend(self.prompt.distractors.iter().cloned());
                if self.prompt.sort_answers {
                    opts.sort();
                } else {
                    rng.shuffle(&mut opts);
                }
                opts
            }
            Kind::Ordering => {
                let right = self.correct();
                let mut opts = right.clone();
                if opts.len() > 1 {
                    for _ in 0..8 {
                        rng.shuffle(&mut opts);
                        if opts != right {
                            break;
                        }
                    }
                    if opts == right {
                        opts.reverse();
                    }
                }
                opts
            }
            Kind::ShortAnswer => Vec::new(),
        }
    }

    /// Whether a response is fully right. `None` (unanswered) is wrong.
    pub fn is_correct(&self, response: Option<&Response>) -> bool {
        match (self.kind, response) {
            (Kind::MultipleChoice, Some(Response::Choice(chosen))) => {
                let want: BTreeSet<&str> = self.answer.answer.as_list_ref();
                let got: BTreeSet<&str> = chosen.iter().map(String::as_str).collect();
                !got.is_empty() && got == want
            }
            (Kind::ShortAnswer, Some(Response::Text(t))) => {
                let norm = normalize(t);
                !norm.is_empty()
                    && std::iter::once(self.correct().join(" "))
                        .chain(self.answer.alternatives.iter().cloned())
                        .any(|a| normalize(&a) == norm)
            }
            (Kind::Ordering, Some(Response::Order(items))) => *items == self.correct(),
            _ => false,
        }
    }
}

impl OneOrMany {
    fn as_list_ref(&self) -> BTreeSet<&str> {
        match self {
            OneOrMany::One(s) => std::iter::once(s.as_str()).collect(),
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// Lowercase, trimmed, inner whitespace collapsed, spaces before `%` removed.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace(" %", "%")
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Per-question outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub id: String,
    pub answered: bool,
    pub correct: bool,
}

/// The score of a set of responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub correct: u32,
    pub total: u32,
    /// Rounded down to a whole percent.
    pub percent: u32,
    pub passed: bool,
    pub questions: Vec<QuestionResult>,
}

/// One point per fully right question; pass at [`PASS_PERCENT`].
pub fn score(quiz: &Quiz, responses: &BTreeMap<String, Response>) -> Score {
    let questions: Vec<QuestionResult> = quiz
        .questions
        .iter()
        .map(|q| {
            let r = responses.get(&q.id);
            QuestionResult { id: q.id.clone(), answered: r.is_some_and(is_answered), correct: q.is_correct(r) }
        })
        .collect();
    let total = questions.len() as u32;
    let correct = questions.iter().filter(|q| q.correct).count() as u32;
    let percent = (correct * 100).checked_div(total).unwrap_or(0);
    // Compare without rounding: 7/10 passes, 69.9 % would not.
    let passed = total > 0 && correct * 100 >= PASS_PERCENT * total;
    Score { correct, total, percent, passed, questions }
}

/// Whether a response counts as an answer (an empty choice does not).
pub fn is_answered(r: &Response) -> bool {
    match r {
        Response::Choice(c) => !c.is_empty(),
        Response::Text(t) => !t.trim().is_empty(),
        Response::Order(o) => !o.is_empty(),
    }
}

/// Problems in a quiz file (content validation). `check_link` validates the
/// `lesson` links against the course.
pub fn validate(quiz: &Quiz, expected_count: usize, check_link: &dyn Fn(&str) -> Result<(), String>) -> Vec<String> {
    let mut errors = Vec::new();
    if quiz.questions.len() != expected_count {
        errors.push(format!("the quick test needs exactly {expected_count} questions, found {}", quiz.questions.len()));
    }
    let mut ids = BTreeSet::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let at = format!("questions[{i}] (`{}`)", q.id);
        if q.id.trim().is_empty() {
            errors.push(format!("questions[{i}]: `id` is empty"));
        }
        if !ids.insert(q.id.as_str()) {
            errors.push(format!("{at}: id is used twice"));
        }
        if q.prompt.prompt.trim().is_empty() {
            errors.push(format!("{at}: `prompt.prompt` is empty"));
        }
        if q.context.trim().is_empty() {
            errors.push(format!("{at}: `context` (the explanation) is empty"));
        }
        if let Err(e) = check_link(&q.lesson) {
            errors.push(format!("{at}: `lesson`: {e}"));
        }
        let answers = q.correct();
        if answers.is_empty() || answers.iter().any(|a| a.trim().is_empty()) {
            errors.push(format!("{at}: `answer.answer` is empty"));
        }
        match q.kind {
            Kind::MultipleChoice => {
                if q.prompt.distractors.is_empty() {
                    errors.push(format!("{at}: a multiple-choice question needs `prompt.distractors`"));
                }
                let mut seen = BTreeSet::new();
                for o in answers.iter().chain(q.prompt.distractors.iter()) {
                    if !seen.insert(o.trim()) {
                        errors.push(format!(
                            "{at}: option `{o}` appears twice (an answer must not also be a distractor)"
                        ));
                    }
                }
            }
            Kind::Ordering => {
                if answers.len() < 2 {
                    errors.push(format!("{at}: an ordering question needs at least two items"));
                }
                let set: BTreeSet<&String> = answers.iter().collect();
                if set.len() != answers.len() {
                    errors.push(format!("{at}: ordering items must be distinct"));
                }
                if !q.prompt.distractors.is_empty() {
                    errors.push(format!("{at}: ordering questions take no distractors"));
                }
            }
            Kind::ShortAnswer => {
                if !q.prompt.distractors.is_empty() {
                    errors.push(format!("{at}: short-answer questions take no distractors"));
                }
            }
        }
    }
    errors
}
