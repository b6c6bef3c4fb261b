//! Validation queries, shown as SQL and computed on the simulated state.

use super::engine::{fmt_n, Sim};
use super::report::{QueryResult, ValidationResult};
use super::scenario::Kind;
use super::sql::UNKNOWN;
use super::table::{EQ, NSTALE, NULL, OSTALE};

/// Split `total` over `weights` (largest remainder), exactly.
pub(crate) fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let raw: Vec<f64> = weights.iter().map(|w| total as f64 * w.max(0.0) / sum).collect();
    let mut out: Vec<u64> = raw.iter().map(|x| x.floor() as u64).collect();
    let assigned: u64 = out.iter().sum();
    let mut rest = total.saturating_sub(assigned);
    let mut order: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0.0).collect();
    order.sort_by(|&a, &b| {
        let fa = raw[a] - raw[a].floor();
        let fb = raw[b] - raw[b].floor();
        fb.partial_cmp(&fa).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b))
    });
    let mut i = 0;
    while rest > 0 && !order.is_empty() {
        out[order[i % order.len()]] += 1;
        rest -= 1;
        i += 1;
    }
    out
}

fn column_missing(col: &str) -> QueryResult {
    QueryResult::Error { message: format!("ERROR: column \"{col}\" does not exist") }
}

impl Sim {
    /// Run every validation query on the simulated state now (no side effects).
    ///
    /// * `null_count` — rows whose new column is NULL (0 once the backfill is done);
    /// * `mismatch_count` — rows where new ≠ up(old) (drift; must be 0 before switching reads);
    /// * `counts_per_value` — both columns grouped by value (apportioned by the
    ///   scenario's value mix from the exact state counts);
    /// * `sample_check` — the concrete sample rows, compared;
    /// * `old_column_readers` (rename, enum) — reads per second still using the old column;
    /// * `legacy_clients` (required field, enum) — share of requests in the old shape.
    pub fn validate_now(&self) -> Vec<ValidationResult> {
        let v = &self.v;
        let mut out = Vec::new();
        let new_col = self.schema.new_col;
        let old_col = self.schema.old_col;
        let nulls = self.t.count(NULL);
        let nst = self.t.count(NSTALE);
        let ost = self.t.count(OSTALE);
        let eq = self.t.count(EQ);

        // 1. NULL count.
        let (result, ok, note) = if !new_col {
            (column_missing(&v.new), false, "The new column does not exist yet: expand first.".to_string())
        } else {
            (
                QueryResult::Count { value: nulls },
                nulls == 0,
                if nulls == 0 {
                    "Every row has the new column: the backfill is complete.".to_string()
                } else {
                    format!("{} rows still wait for the backfill (or were written without dual write).", fmt_n(nulls))
                },
            )
        };
        out.push(ValidationResult {
            name: "null_count".into(),
            title: format!("Rows where {} is NULL", v.new),
            sql: v.null_count_sql(),
            result,
            ok,
            note,
        });

        // 2. Mismatches.
        let (result, ok, note) = if v.kind == Kind::RequiredField {
            (
                QueryResult::NotApplicable { reason: "a new field has no old column to compare with".into() },
                true,
                "Not applicable.".to_string(),
            )
        } else if !new_col {
            (column_missing(&v.new), false, "The new column does not exist yet.".to_string())
        } else if !old_col {
            (column_missing(&v.old), true, "The old column was dropped: nothing to compare.".to_string())
        } else {
            let m = nst + ost;
            (
                QueryResult::Count { value: m },
                m == 0,
                if m == 0 {
                    "The columns agree on every row that has both.".to_string()
                } else {
                    format!(
                        "{} rows drifted: {} with a stale {}, {} with a stale {}. Fix the write path, then repair.",
                        fmt_n(m),
                        fmt_n(nst),
                        v.new,
                        fmt_n(ost),
                        v.old
                    )
                },
            )
        };
        out.push(ValidationResult {
            name: "mismatch_count".into(),
            title: format!(
                "Rows where {} differs from {}",
                v.new,
                if v.kind == Kind::RequiredField { "its source" } else { &v.old }
            ),
            sql: v.mismatch_sql(),
            result,
            ok,
            note,
        });

        // 3. Counts per value.
        let (result, ok, note) = self.counts_per_value(nulls, eq, nst, ost);
        out.push(ValidationResult {
            name: "counts_per_value".into(),
            title: "Counts per value in both columns".into(),
            sql: v.per_value_sql(),
            result,
            ok,
            note,
        });

        // 4. Sample check.
        let ids: Vec<u64> = self.t.sample.iter().map(|r| r.id).collect();
        let (result, ok, note) = if !new_col {
            (column_missing(&v.new), false, "The new column does not exist yet.".to_string())
        } else if !old_col && v.kind != Kind::RequiredField {
            (column_missing(&v.old), true, "The old column was dropped.".to_string())
        } else {
            let mut rows = Vec::new();
            let mut bad = 0;
            let mut null = 0;
            for r in &self.t.sample {
                let o = r.old.map(|x| v.old_name(x).to_string()).unwrap_or_else(|| "NULL".into());
                let n = r.new.map(|x| v.new_name(x).to_string()).unwrap_or_else(|| "NULL".into());
                let verdict = match r.cat {
                    NULL => {
                        null += 1;
                        "NULL (not copied yet)"
                    }
                    EQ => "ok",
                    _ => {
                        bad += 1;
                        "DIFFERENT"
                    }
                };
                rows.push(vec![r.id.to_string(), o, n, verdict.to_string()]);
            }
            let old_label = if v.kind == Kind::RequiredField { "customers.kind".to_string() } else { v.old.clone() };
            (
                QueryResult::Table { columns: vec!["id".into(), old_label, v.new.clone(), "check".into()], rows },
                bad == 0 && null == 0,
                format!("{} sample rows: {bad} different, {null} still NULL.", self.t.sample.len()),
            )
        };
        out.push(ValidationResult {
            name: "sample_check".into(),
            title: "Sample check".into(),
            sql: v.sample_sql(&ids),
            result,
            ok,
            note,
        });

        // 5. Which statements still name the old column (reads, the fallback
        // COALESCE(new, old) included, and writes): each one fails with 42703
        // once it is dropped.
        if v.kind != Kind::RequiredField {
            let share = self.old_read_share(self.now);
            let wshare = self.old_write_share(self.now);
            let per_s = share * self.sc.reads_per_second + wshare * self.sc.writes_per_second;
            let clear = share == 0.0 && wshare == 0.0;
            out.push(ValidationResult {
                name: "old_column_readers".into(),
                title: format!("Statements still naming {}", v.old),
                sql: v.old_readers_sql(),
                result: if old_col {
                    QueryResult::Count { value: per_s.round() as u64 }
                } else {
                    column_missing(&v.old)
                },
                ok: clear,
                note: if clear {
                    format!("No statement names {} any more: it is safe to drop.", v.old)
                } else {
                    format!(
                        "{} statements/s still name {} ({:.0}% of reads, {:.0}% of writes): do not drop it yet.",
                        crate::core::num::thousands(per_s.round() as i64),
                        v.old,
                        share * 100.0,
                        wshare * 100.0
                    )
                },
            });
        }

        // 6. Legacy clients.
        if v.kind != Kind::Rename {
            let share = if self.sc.legacy_client_share > 0.0 {
                let s0 = self.sc.legacy_client_share;
                let gone = self.sc.legacy_clients_gone_at_second;
                if gone > 0.0 {
                    (s0 * (1.0 - self.now_seconds() / gone)).max(0.0)
                } else {
                    s0
                }
            } else {
                0.0
            };
            out.push(ValidationResult {
                name: "legacy_clients".into(),
                title: if v.kind == Kind::RequiredField {
                    "Requests without customerType".into()
                } else {
                    "Requests still sending PENDING".into()
                },
                sql: v.legacy_clients_sql(),
                result: QueryResult::Share { value: share },
                ok: share == 0.0,
                note: if share == 0.0 {
                    "Every client sends the new shape: contract is safe for clients.".into()
                } else {
                    format!("{:.1}% of requests still use the old shape: contracting now rejects them.", share * 100.0)
                },
            });
        }
        out
    }

    fn counts_per_value(&self, nulls: u64, eq: u64, nst: u64, ost: u64) -> (QueryResult, bool, String) {
        let v = &self.v;
        if !self.schema.new_col {
            return (column_missing(&v.new), false, "The new column does not exist yet.".into());
        }
        let mix = v.mix();
        let k = v.value_count();
        let mix = &mix[..k.min(mix.len())];
        if v.kind == Kind::RequiredField {
            let unknown = (self.t.unknown_default
                + self.t.sample.iter().filter(|r| r.cat == EQ && r.new == Some(UNKNOWN)).count() as u64)
                .min(eq);
            let known = apportion(eq - unknown, mix);
            let mut rows: Vec<Vec<String>> =
                (0..k).map(|i| vec![v.new_name(i as u8).to_string(), known[i].to_string()]).collect();
            rows.push(vec!["unknown".into(), unknown.to_string()]);
            rows.push(vec!["NULL".into(), nulls.to_string()]);
            return (
                QueryResult::Table { columns: vec![v.new.clone(), "count".into()], rows },
                nulls == 0,
                format!(
                    "{} rows carry the safe default 'unknown' (clients that did not send customerType); {} are NULL.",
                    fmt_n(unknown),
                    fmt_n(nulls)
                ),
            );
        }
        if !self.schema.old_col {
            return (column_missing(&v.old), true, "The old column was dropped.".into());
        }
        // Truth values follow the mix; a stale side holds the previous status.
        let prev_mix: Vec<f64> = (0..k).map(|i| mix[(i + 1) % k]).collect();
        let old_a = apportion(nulls + eq + nst, mix);
        let old_b = apportion(ost, &prev_mix);
        let new_a = apportion(eq + ost, mix);
        let new_b = apportion(nst, &prev_mix);
        let mut rows = Vec::new();
        let mut differ = 0u64;
        for i in 0..k {
            let o = old_a[i] + old_b[i];
            let n = new_a[i] + new_b[i];
            differ += o.abs_diff(n);
            rows.push(vec![v.new_name(i as u8).to_string(), o.to_string(), n.to_string()]);
        }
        rows.push(vec!["NULL".into(), "0".into(), nulls.to_string()]);
        let ok = nulls == 0 && nst + ost == 0;
        (
            QueryResult::Table { columns: vec!["value".into(), v.old.clone(), v.new.clone()], rows },
            ok,
            if ok {
                "Both columns hold the same number of rows per value.".into()
            } else {
                format!(
                    "Per-value counts differ (by {} in total, {} NULL): drift shows as rows counted under an earlier status in the stale column.",
                    fmt_n(differ / 2),
                    fmt_n(nulls)
                )
            },
        )
    }
}
