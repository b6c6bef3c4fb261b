//! A learner's draft answer to an exercise, with the rubric self-check and
//! whether the model answer has been shown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::progress::Mark;

/// A draft answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub text: String,
    /// When the text last changed.
    pub at: f64,
    /// Rubric marks by item id: `on` = "my answer does this", off = "not yet".
    pub rubric: BTreeMap<String, Mark>,
    /// When the model answer was first shown.
    pub revealed_at: Option<f64>,
    /// The learner chose to see the model answer without marking the rubric.
    pub gave_up: bool,
}

impl Draft {
    /// The mark of a rubric item, if marked.
    pub fn mark(&self, id: &str) -> Option<bool> {
        self.rubric.get(id).map(|m| m.on)
    }

    /// Whether every item of `ids` is marked (either way).
    pub fn rubric_complete(&self, ids: &[String]) -> bool {
        !ids.is_empty() && ids.iter().all(|id| self.rubric.contains_key(id))
    }

    /// The model answer may be shown: rubric marked, or the learner gave up.
    pub fn may_reveal(&self, ids: &[String]) -> bool {
        self.gave_up || self.revealed_at.is_some() || self.rubric_complete(ids)
    }

    /// Merge two copies (two tabs): the later text wins, marks merge by time.
    pub fn merge(a: &Draft, b: &Draft) -> Draft {
        let mut out = if b.at > a.at { b.clone() } else { a.clone() };
        let other = if b.at > a.at { a } else { b };
        for (k, m) in &other.rubric {
            match out.rubric.get(k) {
                Some(mine) if mine.at >= m.at => {}
                _ => {
                    out.rubric.insert(k.clone(), *m);
                }
            }
        }
        out.revealed_at = match (a.revealed_at, b.revealed_at) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        out.gave_up = a.gave_up || b.gave_up;
        out
    }
}
