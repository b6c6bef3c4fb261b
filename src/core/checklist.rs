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
    /// Checked, or marked as not applicable.
    pub fn answered(&self) -> bool {
        self.checked || self.na
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

    /// (answered, total, percent): answered = checked or not applicable.
    pub fn readiness(&self) -> (usize, usize, u32) {
        let total = self.items.len();
        let checked = self.items.iter().filter(|i| i.answered()).count();
        (checked, total, crate::core::num::percent_of(checked, total))
    }

    /// The unchecked items: what blocks the deploy.
    pub fn blockers(&self) -> Vec<&CheckItem> {
        self.items.iter().filter(|i| !i.answered()).collect()
    }

    /// Markdown to paste into a pull request.
    pub fn to_markdown(&self, date: &str) -> String {
        let (checked, total, pct) = self.readiness();
        let name = if self.name.trim().is_empty() { "Untitled change" } else { self.name.trim() };
        let mut md = format!("## Pre-deploy checklist: {name}\n\n");
        md.push_str(&format!("Readiness: **{checked} of {total}** ({pct} %) · {date}\n\n"));
        for i in &self.items {
            md.push_str(&format!("- [{}] {}", if i.answered() { "x" } else { " " }, one_line(&i.text)));
            if i.na {
                md.push_str(" — **not applicable**");
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
