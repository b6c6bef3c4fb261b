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
    /// The `at` of the text this one was edited from: a text whose
    /// `based_on` is older than another copy's `at` was written without
    /// seeing that copy (two tabs typing at once).
    pub based_on: f64,
    /// Texts written at the same time in another tab that this text does not
    /// contain: kept until the learner chooses (never dropped silently).
    pub others: Vec<OtherText>,
    /// The `at` of every other text the learner has dealt with (taken,
    /// added, or set aside), so a merge with an older copy does not bring it
    /// back.
    pub settled: Vec<f64>,
}

/// A text from another tab, kept beside the draft until the learner chooses.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OtherText {
    pub text: String,
    pub at: f64,
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

    /// The editor's text changed to `text`, typed from the version whose
    /// `at` is `base` (what the editor last loaded). If the stored text has
    /// moved on since `base` (another tab saved meanwhile) and differs, the
    /// stored text is kept in [`Draft::others`] rather than overwritten.
    pub fn edit(&mut self, text: String, base: f64, now: f64) {
        if self.text == text {
            return;
        }
        if self.at > base && !self.text.trim().is_empty() && !self.is_settled(self.at) {
            let at = self.at;
            let text = std::mem::take(&mut self.text);
            self.keep_other(OtherText { text, at });
        }
        // The text this edit continues is in it: nothing to keep of that one.
        if self.others.iter().any(|o| o.at == base) {
            self.settle(base);
        }
        self.text = text;
        self.based_on = base;
        self.at = now;
    }

    /// The learner dealt with the other text saved at `at` (took it, added
    /// it, or set it aside): it goes, and no older copy brings it back.
    pub fn settle(&mut self, at: f64) {
        if !self.is_settled(at) {
            self.settled.push(at);
        }
        self.others.retain(|o| o.at != at);
    }

    fn is_settled(&self, at: f64) -> bool {
        self.settled.contains(&at)
    }

    fn keep_other(&mut self, other: OtherText) {
        if other.text != self.text
            && !other.text.trim().is_empty()
            && !self.is_settled(other.at)
            && !self.others.iter().any(|o| o.at == other.at)
        {
            self.others.push(other);
            self.others.sort_by(|x, y| x.at.total_cmp(&y.at));
        }
    }

    /// Merge two copies (two tabs). The later text is the draft's text; the
    /// earlier one is kept in [`Draft::others`] unless the later was edited
    /// from it (or from something newer), so words typed at the same time
    /// in two tabs are never lost. Marks merge by time.
    pub fn merge(a: &Draft, b: &Draft) -> Draft {
        // The later copy wins; equal times are ordered by text, so both tabs
        // reach the same result whichever merges first.
        let b_wins = b.at > a.at || (b.at == a.at && b.text > a.text);
        let mut out = if b_wins { b.clone() } else { a.clone() };
        let other = if b_wins { a } else { b };
        for at in &other.settled {
            if !out.is_settled(*at) {
                out.settled.push(*at);
            }
        }
        out.settled.sort_by(f64::total_cmp);
        for o in &other.others {
            out.keep_other(o.clone());
        }
        if out.based_on < other.at {
            out.keep_other(OtherText { text: other.text.clone(), at: other.at });
        }
        let settled = out.settled.clone();
        out.others.retain(|o| !settled.contains(&o.at) && o.at != out.at && o.text != out.text);
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
