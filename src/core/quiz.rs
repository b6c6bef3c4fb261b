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
                if norm.is_empty() {
                    return false;
                }
                let accepted =
                    || std::iter::once(self.correct().join(" ")).chain(self.answer.alternatives.iter().cloned());
                if accepted().any(|a| normalize(&a) == norm) {
                    return true;
                }
                // A numeric answer is compared as a number (see `read_number`).
                match read_number(t) {
                    Some(got) => accepted().filter_map(|a| read_number(&a)).any(|want| got.matches(&want)),
                    None => false,
                }
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

impl Question {
    /// Whether the question expects a number: its answer reads as one.
    pub fn is_numeric(&self) -> bool {
        self.kind == Kind::ShortAnswer && read_number(&self.correct().join(" ")).is_some()
    }

    /// How a typed answer to a numeric question is read, for the note shown
    /// before submitting: `None` when the question is not numeric or nothing
    /// is typed yet.
    pub fn reading(&self, typed: &str) -> Option<Reading> {
        (self.is_numeric() && !typed.trim().is_empty()).then(|| match read_number(typed) {
            Some(n) => Reading::Number(n),
            None => Reading::NotANumber,
        })
    }
}

/// How a typed answer to a numeric question was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    Number(Number),
    NotANumber,
}

/// A number as typed in a short answer: its value and whether it was
/// written as a percentage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub percent: bool,
}

impl std::fmt::Display for Number {
    /// The value as read, with at most six significant decimals and `%`
    /// when it was written as a percentage: `1,440 %` shows as `1.44 %`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut v = format!("{:.6}", self.value);
        if v.contains('.') {
            v = v.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        write!(f, "{v}{}", if self.percent { " %" } else { "" })
    }
}

impl Number {
    /// A typed number matches an accepted one when the values are equal
    /// (so `1.440` is `1.44`) and, if the learner wrote `%`, the accepted
    /// one is a percentage too: a bare number is read in the question's
    /// unit, so `1.44` matches `1.44 %`, while `0.0144` matches only where
    /// the fraction is listed among the alternatives.
    pub fn matches(&self, want: &Number) -> bool {
        let close = (self.value - want.value).abs() <= 1e-9 * want.value.abs().max(1.0);
        close && (!self.percent || want.percent)
    }
}

/// Read a short answer as a number: digits with a decimal point or a
/// decimal comma (`1,44`; a comma before a point, as in `1,440.5`, groups
/// thousands), an optional sign, and an optional `%` or `percent` after it,
/// with or without a space. Anything else (words, two numbers) is not a
/// number.
pub fn read_number(s: &str) -> Option<Number> {
    let t = s.trim().to_lowercase();
    let (body, percent) = if let Some(b) = t.strip_suffix("percent") {
        (b.trim_end(), true)
    } else if let Some(b) = t.strip_suffix('%') {
        (b.trim_end(), true)
    } else {
        (t.as_str(), false)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')) {
        return None;
    }
    let unsigned = body.strip_prefix(['-', '+']).unwrap_or(body);
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') || unsigned.contains(['-', '+']) {
        return None;
    }
    let plain = match (body.contains('.'), body.matches(',').count()) {
        (_, 0) => body.to_string(),
        // One comma and no point: a decimal comma.
        (false, 1) => body.replace(',', "."),
        // Commas before a point group thousands: `1,234.5`.
        (true, _) if body.rfind(',') < body.find('.') && groups_of_three(&body[..body.find('.')?]) => {
            body.replace(',', "")
        }
        _ => return None,
    };
    let value: f64 = plain.parse().ok()?;
    value.is_finite().then_some(Number { value, percent })
}

/// `1,234` groups digits by thousands: every group after the first has three.
fn groups_of_three(int_part: &str) -> bool {
    int_part.split(',').skip(1).all(|g| g.len() == 3)
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
