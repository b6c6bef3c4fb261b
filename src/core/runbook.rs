//! The runbook for one change: flags, rollout stages, abort thresholds,
//! database phases and the last safe rollback point, rollback and
//! rollforward steps, and who to tell. Values are kept as typed (strings),
//! so nothing a person writes is lost; [`Runbook::issues`] says what is
//! wrong beside each field, and [`Runbook::to_markdown`] prints the runbook
//! in a fixed layout to paste into a pull request.

use serde::{Deserialize, Serialize};

/// A feature flag of the change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FlagRow {
    pub name: String,
    /// What the code does when the flag service is unreachable ("off", …).
    pub safe_default: String,
    /// Turning it off disables the new code path at once.
    pub kill_switch: bool,
}

/// A rollout stage.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StageRow {
    /// Percent of traffic on the new version.
    pub percent: String,
    /// Minutes to hold before promoting (empty for the last stage).
    pub hold_minutes: String,
}

/// Metrics a threshold can watch (the canary simulator's metric keys).
pub const METRICS: &[(&str, &str)] = &[
    ("error_rate", "5xx error rate (%)"),
    ("latency_p95", "p95 latency (ms)"),
    ("latency_p99", "p99 latency (ms)"),
    ("cpu", "CPU saturation (%)"),
    ("kpi", "business KPI (%)"),
];

/// How a threshold compares.
pub const COMPARES: &[(&str, &str)] =
    &[("ratio", "× baseline"), ("difference", "+ baseline (points)"), ("absolute", "absolute value")];

/// What happens when a threshold is breached.
pub const ACTIONS: &[(&str, &str)] =
    &[("rollback", "roll back"), ("halt", "halt promotion"), ("alert", "alert on-call")];

/// An abort threshold: metric, comparison, value, window, action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ThresholdRow {
    pub metric: String,
    pub compare: String,
    /// "above" or "below".
    pub direction: String,
    pub value: String,
    pub window_minutes: String,
    pub action: String,
}

impl Default for ThresholdRow {
    fn default() -> Self {
        ThresholdRow {
            metric: "error_rate".into(),
            compare: "absolute".into(),
            direction: "above".into(),
            value: String::new(),
            window_minutes: String::new(),
            action: "rollback".into(),
        }
    }
}

/// A database phase of the change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DbPhaseRow {
    pub phase: String,
    pub notes: String,
    /// How to roll back from this phase.
    pub rollback: String,
}

/// Who to tell, where, and when.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactRow {
    pub who: String,
    pub channel: String,
    pub when: String,
}

/// A runbook.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Runbook {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub summary: String,
    pub flags: Vec<FlagRow>,
    pub stages: Vec<StageRow>,
    pub thresholds: Vec<ThresholdRow>,
    pub db_phases: Vec<DbPhaseRow>,
    pub last_safe_rollback: String,
    pub rollback_steps: Vec<String>,
    pub rollforward_steps: Vec<String>,
    pub communication: Vec<ContactRow>,
    pub created_at: f64,
    pub updated_at: f64,
    /// Set when deleted (kept so another tab's copy does not bring it back).
    pub deleted_at: Option<f64>,
}

/// The part of a runbook the canary simulator can run: stages and
/// thresholds as numbers. Travels in a share link of kind [`PLAN_KIND`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CanaryPlan {
    pub name: String,
    /// (percent, hold minutes).
    pub stages: Vec<(f64, Option<f64>)>,
    pub thresholds: Vec<PlanThreshold>,
}

/// A threshold as numbers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanThreshold {
    pub metric: String,
    pub compare: String,
    pub direction: String,
    pub value: f64,
    pub window_minutes: f64,
    pub action: String,
}

/// Share-link kind and version of a [`CanaryPlan`].
pub const PLAN_KIND: &str = "canary-plan";
/// Share-link kind and version of a whole runbook.
pub const SHARE_KIND: &str = "runbook";
pub const SHARE_VERSION: u32 = 1;
pub const PLAN_VERSION: u32 = 1;

/// A problem with one field, for the message beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// e.g. `name`, `stages[2].percent`, `thresholds[0].window_minutes`, `flags`.
    pub field: String,
    pub message: String,
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn label(pairs: &[(&str, &'static str)], key: &str) -> String {
    pairs.iter().find(|(k, _)| *k == key).map(|(_, l)| l.to_string()).unwrap_or_else(|| key.to_string())
}

/// Escape a cell for a Markdown table: pipes and line breaks.
fn cell(s: &str) -> String {
    let t = s.trim().replace('|', "\\|").replace(['\n', '\r'], " ");
    if t.is_empty() {
        "—".into()
    } else {
        t
    }
}

impl Runbook {
    /// A new runbook with the course's default stages (5 / 25 / 50 / 100 %).
    pub fn new(id: &str, now: f64) -> Self {
        Runbook {
            id: id.to_string(),
            flags: vec![FlagRow { safe_default: "off".into(), kill_switch: true, ..Default::default() }],
            stages: [("5", "15"), ("25", "30"), ("50", "30"), ("100", "")]
                .iter()
                .map(|(p, h)| StageRow { percent: p.to_string(), hold_minutes: h.to_string() })
                .collect(),
            thresholds: vec![
                ThresholdRow {
                    metric: "error_rate".into(),
                    compare: "absolute".into(),
                    direction: "above".into(),
                    value: "1".into(),
                    window_minutes: "5".into(),
                    action: "rollback".into(),
                },
                ThresholdRow {
                    metric: "latency_p99".into(),
                    compare: "ratio".into(),
                    direction: "above".into(),
                    value: "1.4".into(),
                    window_minutes: "10".into(),
                    action: "rollback".into(),
                },
            ],
            rollback_steps: vec![String::new()],
            rollforward_steps: vec![String::new()],
            communication: vec![ContactRow::default()],
            created_at: now,
            updated_at: now,
            ..Default::default()
        }
    }

    /// Check that a runbook from a share link is usable (not just well-formed):
    /// it is shown as text only, but a link far larger than any runbook is
    /// refused with the reason.
    pub fn check_imported(&self) -> Result<(), String> {
        let rows = self.flags.len()
            + self.stages.len()
            + self.thresholds.len()
            + self.db_phases.len()
            + self.rollback_steps.len()
            + self.rollforward_steps.len()
            + self.communication.len();
        if rows > 300 {
            return Err(format!("it has {rows} rows; a runbook needs far fewer"));
        }
        if self.to_markdown("").len() > 50_000 {
            return Err("its text is far longer than a runbook needs".into());
        }
        Ok(())
    }

    /// Whether this is still exactly the blank runbook [`Runbook::new`] made
    /// (nothing typed yet): the list does not keep those.
    pub fn is_untouched(&self) -> bool {
        let mut fresh = Runbook::new(&self.id, self.created_at);
        fresh.updated_at = self.updated_at;
        fresh.deleted_at = self.deleted_at;
        *self == fresh
    }

    /// Exercise 1's change, pre-filled: the required `customerType` field on
    /// `POST /v1/orders`, rolled out 5 / 25 / 50 / 100 %.
    pub fn exercise_1(id: &str, now: f64) -> Self {
        let mut r = Runbook::new(id, now);
        r.name = "Require customerType on POST /v1/orders".into();
        r.summary = "Introduce the request field `customerType`. Old clients keep working: a missing value gets a \
                     safe default until every client sends it; only then does the API reject requests without it."
            .into();
        r.flags = vec![
            FlagRow { name: "orders.customer_type_required".into(), safe_default: "off".into(), kill_switch: true },
            FlagRow { name: "orders.customer_type_read".into(), safe_default: "off".into(), kill_switch: true },
        ];
        r.thresholds.push(ThresholdRow {
            metric: "kpi".into(),
            compare: "difference".into(),
            direction: "below".into(),
            value: "-2".into(),
            window_minutes: "15".into(),
            action: "halt".into(),
        });
        r.db_phases = vec![
            DbPhaseRow {
                phase: "Expand".into(),
                notes: "ALTER TABLE orders ADD COLUMN customer_type text (nullable, no default rewrite)".into(),
                rollback: "Nothing to undo: old code ignores the column".into(),
            },
            DbPhaseRow {
                phase: "Dual write".into(),
                notes: "App writes customer_type when present, else the default".into(),
                rollback: "Flag off; old image".into(),
            },
            DbPhaseRow {
                phase: "Backfill".into(),
                notes: "Batches of 1,000 ids with lock_timeout 500ms".into(),
                rollback: "Stop the job; rows stay consistent".into(),
            },
            DbPhaseRow {
                phase: "Enforce".into(),
                notes: "SET NOT NULL only when 0 requests lack the field for 7 days".into(),
                rollback: "Drop the constraint".into(),
            },
        ];
        r.last_safe_rollback = "Before SET NOT NULL: until then, rolling back loses nothing".into();
        r.rollback_steps = vec![
            "Freeze: abort the rollout; traffic back to the last good image".into(),
            "Kill switch: turn orders.customer_type_required off".into(),
            "Revert: deploy the previous image tag".into(),
            "Verify: 5xx rate and checkout success back to baseline for 15 minutes".into(),
        ];
        r.rollforward_steps = vec![
            "Keep the canary at 5 %".into(),
            "Patch, run smoke and contract tests".into(),
            "Redeploy to the canary and resume the stages".into(),
        ];
        r.communication = vec![ContactRow {
            who: "Orders on-call, client teams".into(),
            channel: "#orders-releases".into(),
            when: "At start, on abort, at 100 %".into(),
        }];
        r
    }

    /// Everything wrong, field by field (empty when the runbook is complete).
    pub fn issues(&self) -> Vec<Issue> {
        let mut out = Vec::new();
        let mut push = |field: String, message: &str| out.push(Issue { field, message: message.to_string() });
        if self.name.trim().is_empty() {
            push("name".into(), "Name the change.");
        }
        if self.owner.trim().is_empty() {
            push("owner".into(), "Name an owner: the person who decides during the rollout.");
        }
        // Flags.
        for (i, f) in self.flags.iter().enumerate() {
            if f.name.trim().is_empty() {
                push(format!("flags[{i}].name"), "Give the flag a name.");
            } else if f.name.chars().any(char::is_whitespace) {
                push(format!("flags[{i}].name"), "Flag names have no spaces (e.g. feature.discount_field).");
            }
            if f.safe_default.trim().is_empty() {
                push(format!("flags[{i}].safe_default"), "Say what the code does when the flag cannot be read.");
            }
        }
        if !self.flags.iter().any(|f| f.kill_switch && !f.name.trim().is_empty()) {
            push("flags".into(), "At least one named flag must be a kill switch.");
        }
        // Stages: numbers in (0, 100], strictly increasing, ending at 100.
        if self.stages.is_empty() {
            push("stages".into(), "Add the rollout stages, ending at 100 %.");
        }
        let mut prev: Option<f64> = None;
        for (i, s) in self.stages.iter().enumerate() {
            match number(&s.percent) {
                None => push(format!("stages[{i}].percent"), "A percentage from 0.1 to 100."),
                Some(p) if p <= 0.0 || p > 100.0 => {
                    push(format!("stages[{i}].percent"), "A percentage from 0.1 to 100.")
                }
                Some(p) => {
                    if let Some(q) = prev {
                        if p <= q {
                            push(format!("stages[{i}].percent"), "Each stage must be larger than the one before.");
                        }
                    }
                    prev = Some(p);
                }
            }
            let last = i + 1 == self.stages.len();
            if !(last && s.hold_minutes.trim().is_empty()) {
                match number(&s.hold_minutes) {
                    Some(h) if h >= 0.0 => {}
                    _ => push(format!("stages[{i}].hold_minutes"), "Minutes to hold, 0 or more."),
                }
            }
        }
        if let Some(last) = self.stages.last() {
            if number(&last.percent) != Some(100.0) {
                push("stages".into(), "The last stage must be 100 %.");
            }
        }
        // Thresholds: numeric value and window.
        if self.thresholds.is_empty() {
            push("thresholds".into(), "Write at least one abort threshold.");
        }
        for (i, t) in self.thresholds.iter().enumerate() {
            match number(&t.value) {
                None => push(format!("thresholds[{i}].value"), "A number."),
                Some(v) if t.compare == "ratio" && v <= 0.0 => {
                    push(format!("thresholds[{i}].value"), "A ratio above 0 (e.g. 1.4 for 40 % worse).")
                }
                Some(_) => {}
            }
            match number(&t.window_minutes) {
                Some(w) if w > 0.0 => {}
                _ => push(format!("thresholds[{i}].window_minutes"), "A window in minutes, above 0."),
            }
            if !METRICS.iter().any(|(k, _)| *k == t.metric) {
                push(format!("thresholds[{i}].metric"), "Choose a metric.");
            }
        }
        if !self.rollback_steps.iter().any(|s| !s.trim().is_empty()) {
            push("rollback_steps".into(), "Write the rollback steps.");
        }
        if !self.rollforward_steps.iter().any(|s| !s.trim().is_empty()) {
            push("rollforward_steps".into(), "Write the rollforward steps.");
        }
        if !self.db_phases.is_empty() && self.last_safe_rollback.trim().is_empty() {
            push("last_safe_rollback".into(), "With database phases, name the last safe rollback point.");
        }
        out
    }

    /// The issue for one field, if any.
    pub fn issue(&self, field: &str) -> Option<String> {
        self.issues().into_iter().find(|i| i.field == field).map(|i| i.message)
    }

    /// A threshold in words: "p99 latency (ms) above 1.4 × baseline for 10 min → roll back".
    pub fn threshold_text(t: &ThresholdRow) -> String {
        let cond = match t.compare.as_str() {
            "ratio" => format!("{} {} × baseline", t.direction, t.value.trim()),
            "difference" => format!("{} baseline {:+}", t.direction, number(&t.value).unwrap_or(0.0)),
            _ => format!("{} {}", t.direction, t.value.trim()),
        };
        format!(
            "{} {} for {} min → {}",
            label(METRICS, &t.metric),
            cond,
            t.window_minutes.trim(),
            label(ACTIONS, &t.action)
        )
    }

    /// The runbook as Markdown, in a fixed layout. `date` is printed as is.
    pub fn to_markdown(&self, date: &str) -> String {
        let mut md = String::new();
        let name = if self.name.trim().is_empty() { "Untitled change" } else { self.name.trim() };
        md.push_str(&format!("# Runbook: {name}\n\n"));
        md.push_str(&format!("**Owner:** {} · **Updated:** {date}\n\n", cell(&self.owner)));
        if !self.summary.trim().is_empty() {
            md.push_str(&format!("## Change\n\n{}\n\n", self.summary.trim()));
        }
        md.push_str("## Feature flags\n\n| Flag | Safe default | Kill switch |\n|---|---|---|\n");
        for f in &self.flags {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                match f.name.trim().replace('`', "") {
                    n if n.is_empty() => "—".to_string(),
                    n => format!("`{n}`"),
                },
                cell(&f.safe_default),
                if f.kill_switch { "yes" } else { "no" }
            ));
        }
        md.push_str("\n## Rollout stages\n\n| Stage | Traffic | Hold before next |\n|---|---|---|\n");
        for (i, s) in self.stages.iter().enumerate() {
            let hold = if s.hold_minutes.trim().is_empty() {
                "—".to_string()
            } else {
                format!("{} min", cell(&s.hold_minutes))
            };
            md.push_str(&format!("| {} | {} % | {} |\n", i + 1, cell(&s.percent), hold));
        }
        md.push_str("\n## Abort thresholds\n\n| Metric | Condition | Window | Action |\n|---|---|---|---|\n");
        for t in &self.thresholds {
            let cond = match t.compare.as_str() {
                "ratio" => format!("{} {} × baseline", t.direction, cell(&t.value)),
                "difference" => format!("{} baseline {}", t.direction, cell(&t.value)),
                _ => format!("{} {}", t.direction, cell(&t.value)),
            };
            md.push_str(&format!(
                "| {} | {} | {} min | {} |\n",
                label(METRICS, &t.metric),
                cond,
                cell(&t.window_minutes),
                label(ACTIONS, &t.action)
            ));
        }
        // A phase row nobody filled in is left out, not printed as dashes.
        let phases: Vec<&DbPhaseRow> = self
            .db_phases
            .iter()
            .filter(|p| [&p.phase, &p.notes, &p.rollback].iter().any(|t| !t.trim().is_empty()))
            .collect();
        if !phases.is_empty() {
            md.push_str("\n## Database phases\n\n| Phase | What runs | How to roll back |\n|---|---|---|\n");
            for p in phases {
                md.push_str(&format!("| {} | {} | {} |\n", cell(&p.phase), cell(&p.notes), cell(&p.rollback)));
            }
        }
        if !self.last_safe_rollback.trim().is_empty() {
            md.push_str(&format!("\n**Last safe rollback point:** {}\n", self.last_safe_rollback.trim()));
        }
        let steps = |title: &str, list: &[String], md: &mut String| {
            md.push_str(&format!("\n## {title}\n\n"));
            let mut n = 0;
            for s in list.iter().filter(|s| !s.trim().is_empty()) {
                n += 1;
                // A step may hold several lines (a command, a code block): its
                // later lines are indented under the number, so they stay in
                // the list item.
                let marker = format!("{n}. ");
                let indent = " ".repeat(marker.len());
                let mut lines = s.trim().lines();
                md.push_str(&format!("{marker}{}\n", lines.next().unwrap_or_default()));
                for line in lines {
                    if line.trim().is_empty() {
                        md.push('\n');
                    } else {
                        md.push_str(&format!("{indent}{line}\n"));
                    }
                }
            }
            if n == 0 {
                md.push_str("_Not written yet._\n");
            }
        };
        steps("Rollback", &self.rollback_steps, &mut md);
        steps("Rollforward", &self.rollforward_steps, &mut md);
        md.push_str("\n## Communication\n\n");
        let contacts: Vec<&ContactRow> = self
            .communication
            .iter()
            .filter(|c| [&c.who, &c.channel, &c.when].iter().any(|t| !t.trim().is_empty()))
            .collect();
        if contacts.is_empty() {
            md.push_str("_Not written yet._\n");
        } else {
            md.push_str("| Who | Where | When |\n|---|---|---|\n");
            for c in contacts {
                md.push_str(&format!("| {} | {} | {} |\n", cell(&c.who), cell(&c.channel), cell(&c.when)));
            }
        }
        md
    }

    /// Stages as numbers (only the valid ones), for the canary simulator.
    pub fn stage_percents(&self) -> Vec<(f64, Option<f64>)> {
        self.stages
            .iter()
            .filter_map(|s| number(&s.percent).map(|p| (p, number(&s.hold_minutes))))
            .filter(|(p, _)| *p > 0.0 && *p <= 100.0)
            .collect()
    }

    /// The stages and the valid thresholds as a plan for the simulator.
    pub fn canary_plan(&self) -> CanaryPlan {
        CanaryPlan {
            name: self.name.trim().to_string(),
            stages: self.stage_percents(),
            thresholds: self
                .thresholds
                .iter()
                .filter_map(|t| {
                    let value = number(&t.value)?;
                    let window_minutes = number(&t.window_minutes)?;
                    (window_minutes > 0.0).then(|| PlanThreshold {
                        metric: t.metric.clone(),
                        compare: t.compare.clone(),
                        direction: t.direction.clone(),
                        value,
                        window_minutes,
                        action: t.action.clone(),
                    })
                })
                .collect(),
        }
    }
}
