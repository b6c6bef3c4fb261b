//! Game day (week 4 of the learning path): a seeded random incident in the
//! canary simulator that the learner does not know in advance, worked
//! through the rollback playbook step by step, then a rollforward decision,
//! scored against the playbook and against the best possible run, with a
//! post-mortem draft written from the event log.

use serde::{Deserialize, Serialize};

use super::canary::{Action, Compare, EventKind, Fault, FaultKind, Gate, GateAction, Metric, Scenario, Sim, Step};
use super::rng::Rng;

/// The playbook steps, in the playbook's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaybookStep {
    Freeze,
    KillSwitch,
    Revert,
    Database,
    Verify,
    Communicate,
}

impl PlaybookStep {
    /// All steps in the playbook's order.
    pub const ALL: [PlaybookStep; 6] = [
        PlaybookStep::Freeze,
        PlaybookStep::KillSwitch,
        PlaybookStep::Revert,
        PlaybookStep::Database,
        PlaybookStep::Verify,
        PlaybookStep::Communicate,
    ];

    /// The step's name in the playbook.
    pub fn label(self) -> &'static str {
        match self {
            PlaybookStep::Freeze => "Freeze promotions",
            PlaybookStep::KillSwitch => "Kill switches",
            PlaybookStep::Revert => "Revert to the previous image",
            PlaybookStep::Database => "Database considerations",
            PlaybookStep::Verify => "Verify",
            PlaybookStep::Communicate => "Communicate",
        }
    }
}

/// Where the release's database migration stands (for the database step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DbState {
    /// The release changes no schema.
    NoMigration,
    /// The release is in the expand / dual-write stage.
    DualWrite,
    /// The old column was already dropped (contract).
    Contracted,
}

/// What the learner does about the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DbChoice {
    NothingToDo,
    SwitchBack,
    RestoreBackup,
    TargetedRepair,
}

impl DbChoice {
    /// The choices, as offered.
    pub const ALL: [DbChoice; 4] =
        [DbChoice::NothingToDo, DbChoice::SwitchBack, DbChoice::RestoreBackup, DbChoice::TargetedRepair];

    /// As shown.
    pub fn label(self) -> &'static str {
        match self {
            DbChoice::NothingToDo => "Nothing to do: this release changed no schema",
            DbChoice::SwitchBack => "Switch reads and writes back to the old column",
            DbChoice::RestoreBackup => "Restore the table from the last backup",
            DbChoice::TargetedRepair => "Targeted repair: re-add the old column and copy values back",
        }
    }
}

/// The hidden incident, fully determined by the seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub seed: u64,
    pub fault: FaultKind,
    pub at_minute: u32,
    pub factor: f64,
    pub db: DbState,
    /// Whether the root cause becomes clear after the revert (a hotfix is
    /// then the right call); otherwise staying rolled back is.
    pub cause_found: bool,
    /// Rows written since the backup, lost if a restore is chosen.
    pub rows_since_backup: u64,
}

impl Incident {
    /// A random incident from a seed.
    pub fn from_seed(seed: u64) -> Incident {
        let mut r = Rng::new(seed).fork(0x6a3e);
        let faults =
            [FaultKind::Error, FaultKind::Latency, FaultKind::Kpi, FaultKind::SaturationLeak, FaultKind::Flapping];
        let fault = faults[r.range(0, faults.len() as u64) as usize];
        let factor = match fault {
            FaultKind::Error => 8.0 + r.next_f64() * 20.0,
            FaultKind::Latency => 1.5 + r.next_f64() * 0.8,
            FaultKind::Kpi => 0.8 + r.next_f64() * 0.08,
            FaultKind::SaturationLeak => 1.04 + r.next_f64() * 0.03,
            FaultKind::Flapping => 20.0 + r.next_f64() * 20.0,
        };
        let db = [DbState::NoMigration, DbState::DualWrite, DbState::Contracted][r.range(0, 3) as usize];
        Incident {
            seed,
            fault,
            at_minute: 4 + r.range(0, 9) as u32,
            factor,
            db,
            cause_found: r.chance(0.5),
            rows_since_backup: 20_000 + r.range(0, 80_000),
        }
    }

    /// The canary scenario: a normal 5 → 25 → 50 → 100 % release whose new
    /// version goes bad at `at_minute`. The gates only alert: the learner acts.
    pub fn scenario(&self) -> Scenario {
        let mut sc = Scenario { title: "Game day".into(), seed: self.seed, minutes: 60, ..Scenario::default() };
        sc.steps = vec![
            Step::weight(5.0),
            Step::pause(10),
            Step::weight(25.0),
            Step::pause(10),
            Step::weight(50.0),
            Step::pause(10),
            Step::weight(100.0),
        ];
        let gate = |metric, compare, above, below, for_minutes| Gate {
            name: String::new(),
            metric,
            compare,
            above,
            below,
            for_minutes,
            action: GateAction::Alert,
            failure_limit: 0,
            min_requests: 50,
        };
        sc.gates = vec![
            gate(Metric::ErrorRate, Compare::Absolute, Some(0.01), None, 3),
            gate(Metric::LatencyP99, Compare::Ratio, Some(1.4), None, 5),
            gate(Metric::Kpi, Compare::Ratio, None, Some(0.95), 10),
            gate(Metric::Cpu, Compare::Absolute, Some(0.85), None, 3),
        ];
        sc.faults = vec![Fault {
            at_minute: self.at_minute,
            kind: self.fault,
            factor: self.factor,
            until_minute: None,
            period_minutes: 2,
            behind_flag: true,
        }];
        sc.flag.name = "feature.new_checkout".into();
        sc
    }

    /// What was wrong, told at the end.
    pub fn reveal(&self) -> String {
        let what = match self.fault {
            FaultKind::Error => format!("the new version failed {:.0}× more requests than normal", self.factor),
            FaultKind::Latency => {
                format!("every request of the new version was {:.0} % slower", (self.factor - 1.0) * 100.0)
            }
            FaultKind::Kpi => format!(
                "checkout success fell to {:.0} % of normal while errors and latency stayed healthy",
                self.factor * 100.0
            ),
            FaultKind::SaturationLeak => "the new version leaked CPU until it saturated".to_string(),
            FaultKind::Flapping => "the new version's errors flapped on and off near the threshold".to_string(),
        };
        format!("From minute {}, {what}.", self.at_minute)
    }

    /// The right database choice for this incident.
    pub fn right_db_choice(&self) -> DbChoice {
        match self.db {
            DbState::NoMigration => DbChoice::NothingToDo,
            DbState::DualWrite => DbChoice::SwitchBack,
            DbState::Contracted => DbChoice::TargetedRepair,
        }
    }

    /// What the database step shows the learner about the release.
    pub fn db_briefing(&self) -> &'static str {
        match self.db {
            DbState::NoMigration => "The release's change log lists no migration.",
            DbState::DualWrite => "The release added `order_status` and writes both columns (dual write); `status` is still read and written.",
            DbState::Contracted => "The release's last migration dropped the old `status` column yesterday (contract).",
        }
    }

    /// The diagnosis shown once the release is reverted.
    pub fn diagnosis(&self) -> &'static str {
        if self.cause_found {
            "Diagnosis: traces point to one line of configuration in the new code path. The fix is small, isolated and can go through the same canary."
        } else {
            "Diagnosis: three theories, no reproduction, and the fix would touch shared code."
        }
    }
}

/// The learner's final call after the rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Ship a hotfix through the canary.
    Rollforward,
    /// Stay on the previous version and fix it at a normal pace.
    StayRolledBack,
}

/// A step taken, with the simulated minute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepTaken {
    pub step: PlaybookStep,
    pub minute: u32,
}

/// A game day under way.
#[derive(Debug, Clone)]
pub struct GameDay {
    pub incident: Incident,
    pub sim: Sim,
    pub steps: Vec<StepTaken>,
    pub db_choice: Option<DbChoice>,
    pub message: String,
    pub decision: Option<Decision>,
    /// Set when a Verify found the service healthy.
    pub verified: bool,
}

/// What a step did, for the page.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutcome {
    pub ok: bool,
    pub message: String,
}

/// The score of a finished (or abandoned) run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameScore {
    /// Minutes from the fault to the learner's first action.
    pub time_to_detect: Option<u32>,
    /// Minutes from the first user affected to the last.
    pub time_to_mitigate: Option<u32>,
    pub users_affected: u64,
    pub budget_consumed: f64,
    /// Steps done in the playbook's order (longest ordered run), out of 6.
    pub steps_in_order: usize,
    pub steps_done: usize,
    pub data_lost: u64,
    pub db_right: bool,
    pub decision_right: Option<bool>,
    /// 0–100.
    pub points: u32,
}

/// One line of the points breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePart {
    pub label: &'static str,
    /// Points earned (negative for a penalty).
    pub points: i32,
    /// Points available (0 for a penalty).
    pub max: u32,
    /// How the points were earned, for the debrief.
    pub rule: &'static str,
}

impl GameScore {
    /// How the points add up (the debrief shows it): 100 at most.
    pub fn parts(&self) -> Vec<ScorePart> {
        let band = |t: Option<u32>| match t {
            Some(t) if t <= 3 => 15,
            Some(t) if t <= 6 => 10,
            Some(t) if t <= 10 => 5,
            _ => 0,
        };
        let mitigate = match self.time_to_mitigate {
            Some(t) if t <= 5 => 15,
            Some(t) if t <= 10 => 10,
            Some(t) if t <= 20 => 5,
            _ => 0,
        };
        let mut parts = vec![
            ScorePart {
                label: "Playbook steps in order",
                points: self.steps_in_order as i32 * 8,
                max: 48,
                rule: "8 for each of the 6 steps taken in the playbook's order",
            },
            ScorePart {
                label: "Database step",
                points: if self.db_right { 12 } else { 0 },
                max: 12,
                rule: "12 when the choice fits where the migration stands",
            },
            ScorePart {
                label: "Rollforward decision",
                points: if self.decision_right == Some(true) { 10 } else { 0 },
                max: 10,
                rule: "10 for rolling forward only when the cause is found and the fix is small",
            },
            ScorePart {
                label: "Time to detect",
                points: band(self.time_to_detect),
                max: 15,
                rule: "15 within 3 min, 10 within 6, 5 within 10",
            },
            ScorePart {
                label: "Time to mitigate",
                points: mitigate,
                max: 15,
                rule: "15 within 5 min, 10 within 10, 5 within 20",
            },
        ];
        if self.data_lost > 0 {
            parts.push(ScorePart {
                label: "Data lost",
                points: -20,
                max: 0,
                rule: "−20 when rows written since the backup were thrown away",
            });
        }
        parts
    }
}

impl GameDay {
    /// Start the incident of `seed`.
    pub fn new(seed: u64) -> GameDay {
        let incident = Incident::from_seed(seed);
        let sim = Sim::new(incident.scenario());
        GameDay {
            incident,
            sim,
            steps: Vec::new(),
            db_choice: None,
            message: String::new(),
            decision: None,
            verified: false,
        }
    }

    /// One simulated minute.
    pub fn tick(&mut self) {
        self.sim.step();
    }

    /// Whether the step was already taken.
    pub fn done(&self, step: PlaybookStep) -> bool {
        self.steps.iter().any(|s| s.step == step)
    }

    fn record(&mut self, step: PlaybookStep) {
        if !self.done(step) {
            self.steps.push(StepTaken { step, minute: self.sim.minute() });
        }
    }

    /// Take a playbook step (the database step needs [`GameDay::choose_db`]).
    pub fn act(&mut self, step: PlaybookStep) -> StepOutcome {
        let out = match step {
            PlaybookStep::Freeze => {
                self.sim.act(Action::Pause);
                StepOutcome { ok: true, message: "Promotions frozen: the rollout stays where it is.".into() }
            }
            PlaybookStep::KillSwitch => {
                self.sim.act(Action::KillSwitchOn);
                StepOutcome {
                    ok: true,
                    message: "feature.new_checkout turned off: the new code path stops on the next minute.".into(),
                }
            }
            PlaybookStep::Revert => {
                self.sim.act(Action::Rollback);
                StepOutcome {
                    ok: true,
                    message: format!("All traffic back to the previous image. {}", self.incident.diagnosis()),
                }
            }
            PlaybookStep::Database => {
                return StepOutcome { ok: false, message: "Choose what to do about the database.".into() };
            }
            PlaybookStep::Verify if !self.mitigated() => {
                return StepOutcome {
                    ok: false,
                    message: "Nothing to verify yet: stop the harm first (kill switch or revert), then check that the numbers are back.".into(),
                };
            }
            PlaybookStep::Verify => {
                let healthy = self.healthy_now();
                self.verified |= healthy;
                if healthy {
                    StepOutcome {
                        ok: true,
                        message: "Verified: errors, latency and checkout success are back at the baseline.".into(),
                    }
                } else {
                    StepOutcome {
                        ok: false,
                        message: "Not yet: users still reach the bad code path. Keep going with the playbook.".into(),
                    }
                }
            }
            PlaybookStep::Communicate => {
                if self.message.trim().len() < 20 {
                    return StepOutcome {
                        ok: false,
                        message: "Write the message first: what happened, the impact, what is next.".into(),
                    };
                }
                StepOutcome { ok: true, message: "Posted in #incidents.".into() }
            }
        };
        if out.ok {
            self.record(step);
        }
        out
    }

    /// Whether the learner has done something that stops the harm.
    pub fn mitigated(&self) -> bool {
        self.done(PlaybookStep::KillSwitch) || self.done(PlaybookStep::Revert)
    }

    /// Steps taken after a step that comes later in the playbook.
    pub fn out_of_order(&self) -> Vec<PlaybookStep> {
        let pos = |s: PlaybookStep| PlaybookStep::ALL.iter().position(|x| *x == s).unwrap_or(0);
        let mut furthest = 0;
        let mut out = Vec::new();
        for (i, t) in self.steps.iter().enumerate() {
            let p = pos(t.step);
            if i > 0 && p < furthest {
                out.push(t.step);
            }
            furthest = furthest.max(p);
        }
        out
    }

    /// The database step.
    pub fn choose_db(&mut self, choice: DbChoice) -> StepOutcome {
        self.db_choice = Some(choice);
        self.record(PlaybookStep::Database);
        let right = choice == self.incident.right_db_choice();
        let message = match (self.incident.db, choice) {
            (_, DbChoice::RestoreBackup) if self.incident.db != DbState::NoMigration => {
                format!("Restored. {} rows written since the backup are gone.", self.incident.rows_since_backup)
            }
            (DbState::NoMigration, DbChoice::RestoreBackup) => format!(
                "Restored a table that needed nothing: {} rows written since the backup are gone.",
                self.incident.rows_since_backup
            ),
            (DbState::Contracted, DbChoice::SwitchBack) => {
                "The old column no longer exists: there is nothing to switch back to.".into()
            }
            _ if right => "Right call for where the migration stands.".into(),
            _ => "That does not fit where the migration stands.".into(),
        };
        StepOutcome { ok: right, message }
    }

    /// Rows lost by the learner's database choice.
    pub fn data_lost(&self) -> u64 {
        match self.db_choice {
            Some(DbChoice::RestoreBackup) => self.incident.rows_since_backup,
            _ => 0,
        }
    }

    /// Whether users still meet the bad code path now.
    pub fn healthy_now(&self) -> bool {
        let Some(t) = self.sim.ticks().last() else { return false };
        t.minute < self.incident.at_minute || t.weight == 0.0 || t.flag.kill_switch
    }

    /// The final call; a rollforward ships a hotfix through the canary.
    pub fn decide(&mut self, d: Decision) {
        self.decision = Some(d);
        if d == Decision::Rollforward {
            self.sim.act(Action::KillSwitchOff);
            self.sim.act(Action::Hotfix);
        }
    }

    /// Whether the run is over (decided, and the clock has run out or the
    /// learner stayed rolled back).
    pub fn finished(&self) -> bool {
        self.decision.is_some() && (self.sim.is_finished() || self.decision == Some(Decision::StayRolledBack))
    }

    /// Events the learner may see (no ground-truth fault events).
    pub fn visible_events(&self) -> Vec<super::canary::Event> {
        self.sim.events().into_iter().filter(|e| e.kind != EventKind::Fault).collect()
    }

    /// The score now.
    pub fn score(&self) -> GameScore {
        let sum = self.sim.summary();
        let first_action = self
            .steps
            .iter()
            .filter(|s| matches!(s.step, PlaybookStep::Freeze | PlaybookStep::KillSwitch | PlaybookStep::Revert))
            .map(|s| s.minute)
            .min();
        let time_to_detect = first_action.map(|m| m.saturating_sub(self.incident.at_minute));
        let order: Vec<usize> =
            self.steps.iter().map(|s| PlaybookStep::ALL.iter().position(|x| *x == s.step).unwrap_or(0)).collect();
        let steps_in_order = longest_increasing(&order);
        let db_right = self.db_choice == Some(self.incident.right_db_choice());
        let decision_right = self.decision.map(|d| (d == Decision::Rollforward) == self.incident.cause_found);
        let mut score = GameScore {
            time_to_detect,
            time_to_mitigate: sum.time_to_mitigate,
            users_affected: sum.users_affected,
            budget_consumed: sum.budget_consumed,
            steps_in_order,
            steps_done: self.steps.len(),
            data_lost: self.data_lost(),
            db_right,
            decision_right,
            points: 0,
        };
        score.points = score.parts().iter().map(|p| p.points).sum::<i32>().clamp(0, 100) as u32;
        score
    }

    /// The best run of the same incident: freeze, kill switch and revert as
    /// soon as the first alert fires (or at once if no alert would fire).
    pub fn best(&self) -> GameScore {
        let sc = self.incident.scenario();
        let mut probe = Sim::new(sc.clone());
        probe.run_to_end();
        let alert_minute = probe
            .events()
            .iter()
            .find(|e| matches!(e.kind, EventKind::GateFired | EventKind::GateBreached | EventKind::BurnRateAlert))
            .map(|e| e.minute)
            .unwrap_or(self.incident.at_minute)
            .max(self.incident.at_minute);
        let mut g = GameDay::new(self.incident.seed);
        g.sim.run_until(alert_minute);
        g.act(PlaybookStep::Freeze);
        g.act(PlaybookStep::KillSwitch);
        g.act(PlaybookStep::Revert);
        g.tick();
        g.choose_db(self.incident.right_db_choice());
        g.act(PlaybookStep::Verify);
        g.message = "Rolled back orders-api: impact window, users affected, next update in 30 minutes.".into();
        g.act(PlaybookStep::Communicate);
        g.decide(if self.incident.cause_found { Decision::Rollforward } else { Decision::StayRolledBack });
        g.sim.run_to_end();
        g.score()
    }

    /// A post-mortem draft from the event log, to edit and download.
    pub fn postmortem(&self, date: &str) -> String {
        let s = self.score();
        let sum = self.sim.summary();
        let mut md = format!("# Post-mortem: game day incident (seed {})\n\n", self.incident.seed);
        md.push_str(&format!("**Date:** {date} · **Service:** orders-api · **Flag:** feature.new_checkout\n\n"));
        md.push_str("## What happened\n\n");
        md.push_str(&format!("{}\n\n", self.incident.reveal()));
        md.push_str("## Impact\n\n");
        let window = match (Some(self.incident.at_minute), s.time_to_mitigate) {
            (Some(a), Some(t)) => format!("minute {a} to minute {}", a + t),
            (Some(a), None) => format!("from minute {a}, not mitigated when the run ended"),
            _ => "unknown".to_string(),
        };
        md.push_str(&format!(
            "- Impact window: {window}\n- Users affected: {} of {}\n- Error budget consumed: {:.2} %\n- Data lost: {} rows\n\n",
            s.users_affected,
            sum.users_total,
            s.budget_consumed * 100.0,
            s.data_lost
        ));
        md.push_str("## Timeline\n\n");
        let mut lines: Vec<(u32, String)> = self
            .visible_events()
            .into_iter()
            .filter(|e| !matches!(e.kind, EventKind::Step | EventKind::Ignored | EventKind::Judge))
            .map(|e| (e.minute, e.message))
            .collect();
        for st in &self.steps {
            lines.push((st.minute, format!("On-call: {}", st.step.label())));
        }
        lines.sort_by_key(|l| l.0);
        for (m, text) in lines {
            md.push_str(&format!("- minute {m}: {}\n", text.replace('\n', " ")));
        }
        md.push_str("\n## Decision\n\n");
        md.push_str(match self.decision {
            Some(Decision::Rollforward) => "Rolled forward: a hotfix went out through the same canary.",
            Some(Decision::StayRolledBack) => "Stayed on the previous release; the fix follows at a normal pace.",
            None => "No rollforward decision was taken before the run ended.",
        });
        md.push_str(match s.decision_right {
            Some(true) => " It fitted the diagnosis.\n",
            Some(false) => " It did not fit the diagnosis.\n",
            None => "\n",
        });
        let late = self.out_of_order();
        if !late.is_empty() {
            let names: Vec<&str> = late.iter().map(|s| s.label()).collect();
            md.push_str(&format!("\nOut of the playbook's order: {}.\n", names.join(", ")));
        }
        md.push_str("\n## What went well\n\n");
        let mut good = Vec::new();
        if s.time_to_detect.is_some_and(|t| t <= 5) {
            good.push(format!("Detected {} minutes after users were first affected.", s.time_to_detect.unwrap_or(0)));
        }
        if s.steps_in_order >= 5 {
            good.push("The playbook was followed in order.".to_string());
        }
        if s.db_right {
            good.push("The database step fitted where the migration stood; no data was lost.".to_string());
        }
        if good.is_empty() {
            good.push("(Write what helped.)".to_string());
        }
        for g in good {
            md.push_str(&format!("- {g}\n"));
        }
        md.push_str("\n## Next steps\n\n");
        let mut next = Vec::new();
        match s.time_to_detect {
            Some(t) if t > 5 => {
                next.push(format!("Detection took {t} minutes: add or tighten a gate on the metric that moved."))
            }
            None => {
                next.push("Nobody acted: make the alert page someone, and practise the first three steps.".to_string())
            }
            _ => {}
        }
        if s.steps_in_order < 5 {
            next.push("Steps were skipped or out of order: keep the playbook open during releases.".to_string());
        }
        if !s.db_right {
            next.push("Write the migration's phase and its rollback into the runbook before the release.".to_string());
        }
        if s.decision_right == Some(false) {
            next.push("Revisit the hotfix criteria: cause known, small isolated fix, same canary.".to_string());
        }
        next.push("Share this post-mortem with the teams that own the service and its clients.".to_string());
        for n in next {
            md.push_str(&format!("- {n}\n"));
        }
        md
    }
}

/// Length of the longest strictly increasing subsequence.
fn longest_increasing(v: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for &x in v {
        match tails.binary_search(&x) {
            Ok(_) => {}
            Err(i) if i == tails.len() => tails.push(x),
            Err(i) => tails[i] = x,
        }
    }
    tails.len()
}

/// A finished run, kept in the progress document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameDayRun {
    pub seed: u64,
    pub finished_at: f64,
    pub score: GameScore,
    pub best_points: u32,
    /// The learner's edited post-mortem.
    pub postmortem: String,
}

/// What the learner did in a game day under way, by simulated minute, so a
/// reload brings the same incident back to the same minute (the engine is
/// deterministic from the seed: replaying the inputs at their minutes gives
/// the same run).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GameDayLog {
    pub seed: u64,
    pub inputs: Vec<LoggedInput>,
    /// The minute the clock had reached.
    pub minute: u32,
    /// The message to #incidents as typed so far.
    pub message: String,
    /// The minutes at which the run was interrupted (a reload): the clock
    /// stood still until the learner resumed it.
    pub interrupted_at: Vec<u32>,
}

/// One input at the simulated minute it was given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LoggedInput {
    pub minute: u32,
    pub input: Input,
}

/// The learner's inputs to a game day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Input {
    Step(PlaybookStep),
    Db(DbChoice),
    Decide(Decision),
}

impl GameDayLog {
    /// A new log for the incident of `seed`.
    pub fn new(seed: u64) -> GameDayLog {
        GameDayLog { seed, ..Default::default() }
    }

    /// Apply `input` to `game` and record it at the game's minute.
    pub fn apply(&mut self, game: &mut GameDay, input: Input) -> Option<StepOutcome> {
        self.inputs.push(LoggedInput { minute: game.sim.minute(), input });
        apply_input(game, input)
    }

    /// The game as it stood: the incident of the seed, every input at its
    /// minute, the clock at the minute reached.
    pub fn replay(&self) -> GameDay {
        let mut game = GameDay::new(self.seed);
        for logged in &self.inputs {
            while game.sim.minute() < logged.minute && !game.sim.is_finished() {
                game.tick();
            }
            apply_input(&mut game, logged.input);
        }
        while game.sim.minute() < self.minute && !game.sim.is_finished() {
            game.tick();
        }
        game.message = self.message.clone();
        game
    }
}

fn apply_input(game: &mut GameDay, input: Input) -> Option<StepOutcome> {
    match input {
        Input::Step(s) => Some(game.act(s)),
        Input::Db(c) => Some(game.choose_db(c)),
        Input::Decide(d) => {
            game.decide(d);
            None
        }
    }
}
