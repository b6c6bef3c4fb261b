//! Pre-deploy checklists for teams: one named checklist per change, made
//! from the course's eight decision items plus a team template's own items;
//! each item checked, with a note or link; readiness, blockers, Markdown.

use serde::{Deserialize, Serialize};

use super::content::ChecklistDef;

/// Share-link format version of a checklist.
pub const SHARE_VERSION: u32 = 1;
/// Share-link kind of a checklist.
pub const SHARE_KIND: &str = "checklist";

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckItem {
    pub id: String,
    pub text: String,
    /// Why it matters / what evidence to link (from the course or template).
    pub hint: String,
    pub checked: bool,
    /// A note or a link: the dashboard, the runbook, the image tag.
    pub note: String,
    /// Added by a team template (not one of the course's items).
    pub custom: bool,
    /// Does not apply to this change (e.g. the database items of a release
    /// with no migration): answered, not a blocker; the note says why.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub na: bool,
}

impl CheckItem {
    /// Checked, or marked as not applicable with the reason in the note. A
    /// "does not apply" without a reason is not an answer yet: a reviewer
    /// could not tell a considered "no migration here" from a skipped item.
    pub fn answered(&self) -> bool {
        self.checked || self.na_with_reason()
    }

    /// Marked as not applicable and the note says why.
    pub fn na_with_reason(&self) -> bool {
        self.na && !self.checked && !self.note.trim().is_empty()
    }
}

/// How far a checklist is: items checked, items that do not apply (with a
/// reason), and all items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub checked: usize,
    pub not_applicable: usize,
    pub total: usize,
}

impl Readiness {
    /// Answered: checked or not applicable.
    pub fn answered(&self) -> usize {
        self.checked + self.not_applicable
    }

    /// Percent of the items answered (`num::percent_of`: 100 only when all are).
    pub fn percent(&self) -> u32 {
        crate::core::num::percent_of(self.answered(), self.total)
    }
}

impl std::fmt::Display for Readiness {
    /// "4 of 11 answered (3 checked, 1 does not apply)", or "3 of 11
    /// checked" when nothing is marked as not applicable.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.not_applicable == 0 {
            write!(f, "{} of {} checked", self.checked, self.total)
        } else {
            let na = if self.not_applicable == 1 { "does" } else { "do" };
            write!(
                f,
                "{} of {} answered ({} checked, {} {na} not apply)",
                self.answered(),
                self.total,
                self.checked,
                self.not_applicable
            )
        }
    }
}

/// A checklist for one change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Checklist {
    pub id: String,
    pub name: String,
    /// The team template it was made from, by name.
    pub template: Option<String>,
    pub items: Vec<CheckItem>,
    pub created_at: f64,
    pub updated_at: f64,
    pub deleted_at: Option<f64>,
}

/// A team's extra items.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateItem {
    pub text: String,
    pub hint: String,
}

/// A team template: the course's items plus these.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub items: Vec<TemplateItem>,
    pub updated_at: f64,
    pub deleted_at: Option<f64>,
}

impl Template {
    /// A starting template with the items the practical project asks for:
    /// thresholds, escalation contacts, communication steps.
    pub fn starter(id: &str, now: f64) -> Self {
        Template {
            id: id.to_string(),
            name: "Our team".into(),
            items: vec![
                TemplateItem {
                    text: "Abort thresholds written with numbers and windows (e.g. 5xx > 1 % for 5 min)".into(),
                    hint: "Link the runbook section.".into(),
                },
                TemplateItem {
                    text: "Escalation contacts named: on-call, database owner, client teams".into(),
                    hint: "Names and handles, not team names only.".into(),
                },
                TemplateItem {
                    text: "Communication steps agreed: where to announce start, abort and done".into(),
                    hint: "The channel and the message template.".into(),
                },
            ],
            updated_at: now,
            deleted_at: None,
        }
    }
}

impl Checklist {
    /// A checklist from the course's items and, optionally, a template's.
    pub fn new(id: &str, name: &str, def: &ChecklistDef, template: Option<&Template>, now: f64) -> Self {
        let mut items: Vec<CheckItem> = def
            .items
            .iter()
            .map(|i| CheckItem {
                id: i.id.clone(),
                text: i.text.clone(),
                hint: if i.evidence.is_empty() { i.why.clone() } else { format!("Evidence: {}", i.evidence) },
                ..Default::default()
            })
            .collect();
        if let Some(t) = template {
            for (n, extra) in t.items.iter().enumerate().filter(|(_, e)| !e.text.trim().is_empty()) {
                items.push(CheckItem {
                    id: format!("team-{n}"),
                    text: extra.text.trim().to_string(),
                    hint: extra.hint.trim().to_string(),
                    custom: true,
                    ..Default::default()
                });
            }
        }
        Checklist {
            id: id.to_string(),
            name: name.trim().to_string(),
            template: template.map(|t| t.name.clone()),
            items,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    /// How far the checklist is (see [`Readiness`]).
    pub fn readiness(&self) -> Readiness {
        Readiness {
            checked: self.items.iter().filter(|i| i.checked).count(),
            not_applicable: self.items.iter().filter(|i| i.na_with_reason()).count(),
            total: self.items.len(),
        }
    }

    /// The unchecked items: what blocks the deploy.
    pub fn blockers(&self) -> Vec<&CheckItem> {
        self.items.iter().filter(|i| !i.answered()).collect()
    }

    /// Markdown to paste into a pull request.
    pub fn to_markdown(&self, date: &str) -> String {
        let r = self.readiness();
        let name = if self.name.trim().is_empty() { "Untitled change" } else { self.name.trim() };
        let mut md = format!("## Pre-deploy checklist: {name}\n\n");
        md.push_str(&format!("Readiness: **{r}** ({} %) · {date}\n\n", r.percent()));
        for i in &self.items {
            md.push_str(&format!("- [{}] {}", if i.answered() { "x" } else { " " }, one_line(&i.text)));
            if i.na_with_reason() {
                md.push_str(" — **not applicable**");
            } else if i.na {
                md.push_str(" — **marked not applicable, with no reason given**");
            }
            if !i.note.trim().is_empty() {
                md.push_str(&format!(" — {}", one_line(&i.note)));
            }
            md.push('\n');
        }
        let blockers = self.blockers();
        if blockers.is_empty() {
            md.push_str("\nNo blockers: every item is answered yes or does not apply.\n");
        } else {
            md.push_str(&format!("\n**Blockers ({}):**\n\n", blockers.len()));
            for b in blockers {
                md.push_str(&format!("- {}\n", one_line(&b.text)));
            }
        }
        md
    }

    /// Check that an imported checklist is usable (not just well-formed).
    pub fn check_imported(&self) -> Result<(), String> {
        if self.items.is_empty() {
            return Err("it has no items".into());
        }
        if self.items.len() > 200 {
            return Err(format!("it has {} items; the limit is 200", self.items.len()));
        }
        if self.name.len() > 500 || self.items.iter().any(|i| i.text.len() > 2000 || i.note.len() > 5000) {
            return Err("some of its text is far longer than a checklist needs".into());
        }
        Ok(())
    }
}

fn one_line(s: &str) -> String {
    s.trim().replace(['\n', '\r'], " ")
}
