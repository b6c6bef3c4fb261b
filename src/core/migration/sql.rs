//! The PostgreSQL each step runs, as text for the page (and the values each kind
//! of migration deals with). Nothing here executes SQL: the engine computes the
//! effect of each statement on its model of the table.

use super::scenario::{Kind, Scenario};

/// Values of the status column for `rename` (old and new side are the same).
const RENAME_VALUES: [&str; 5] = ["NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"];
/// Old-side values for `enum_value`.
const ENUM_OLD: [&str; 5] = ["PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"];
/// New-side values for `enum_value` (the up mapping PENDING → QUEUED).
const ENUM_NEW: [&str; 5] = ["QUEUED", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"];
/// Share of each status in the table (used to apportion per-value counts).
const STATUS_MIX: [f64; 5] = [0.08, 0.17, 0.15, 0.55, 0.05];
/// `customers.kind`, the source of `customer_type`, plus the safe default.
const CUSTOMER_VALUES: [&str; 3] = ["retail", "business", "unknown"];
/// Share of each customer kind among existing orders (the default is never derived).
const CUSTOMER_MIX: [f64; 3] = [0.7, 0.3, 0.0];
/// Index of the safe default `'unknown'` for `required_field`.
pub(crate) const UNKNOWN: u8 = 2;

/// Names and SQL for one scenario's migration.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub kind: Kind,
    pub table: String,
    pub old: String,
    pub new: String,
    pub lock_timeout_ms: u64,
}

impl Variant {
    /// `SET lock_timeout` line as the scenario configures it.
    pub fn lock_line(&self, comment: bool) -> String {
        if self.lock_timeout_ms == 0 {
            "SET lock_timeout = 0;  -- no timeout: DDL waits for any lock, and queries queue behind it\n".to_string()
        } else if comment {
            format!(
                "SET lock_timeout = '{}ms';  -- fail fast instead of queueing every query behind the ALTER\n",
                self.lock_timeout_ms
            )
        } else {
            format!("SET lock_timeout = '{}ms';\n", self.lock_timeout_ms)
        }
    }

    pub fn new(sc: &Scenario) -> Self {
        Variant {
            kind: sc.kind,
            table: sc.table.clone(),
            old: sc.old_column_name().to_string(),
            new: sc.new_column_name().to_string(),
            lock_timeout_ms: sc.lock_timeout_ms.max(0) as u64,
        }
    }

    /// Number of distinct values rows can hold.
    pub fn value_count(&self) -> usize {
        match self.kind {
            Kind::RequiredField => 2,
            _ => 5,
        }
    }

    /// Mix of values among rows, for apportioning counts.
    pub fn mix(&self) -> &'static [f64] {
        match self.kind {
            Kind::RequiredField => &CUSTOMER_MIX,
            _ => &STATUS_MIX,
        }
    }

    /// Name of value `v` as stored in the old column (or the source, for required_field).
    pub fn old_name(&self, v: u8) -> &'static str {
        let list: &[&'static str] = match self.kind {
            Kind::Rename => &RENAME_VALUES,
            Kind::EnumValue => &ENUM_OLD,
            Kind::RequiredField => &CUSTOMER_VALUES,
        };
        list.get(v as usize).copied().unwrap_or("?")
    }

    /// Name of value `v` as stored in the new column (after the up mapping).
    pub fn new_name(&self, v: u8) -> &'static str {
        let list: &[&'static str] = match self.kind {
            Kind::Rename => &RENAME_VALUES,
            Kind::EnumValue => &ENUM_NEW,
            Kind::RequiredField => &CUSTOMER_VALUES,
        };
        list.get(v as usize).copied().unwrap_or("?")
    }

    /// Label of the "old" side shown beside sample rows.
    pub fn old_label(&self) -> String {
        match self.kind {
            Kind::RequiredField => "customers.kind (source)".into(),
            _ => self.old.clone(),
        }
    }

    /// Is contract destructive (drops the old column)?
    pub fn destructive_contract(&self) -> bool {
        self.kind != Kind::RequiredField
    }

    /// Do ordinary application updates write the migrated column?
    /// (Status updates do; a customer type never changes with an order update.)
    pub fn updates_touch_column(&self) -> bool {
        self.kind != Kind::RequiredField
    }

    /// The up expression: the new column's value computed from the old one.
    pub fn up_expr(&self) -> String {
        match self.kind {
            Kind::Rename => self.old.clone(),
            Kind::EnumValue => format!("CASE {} WHEN 'PENDING' THEN 'QUEUED' ELSE {} END", self.old, self.old),
            Kind::RequiredField => format!(
                "COALESCE((SELECT c.kind FROM customers c WHERE c.id = {t}.customer_id), 'unknown')",
                t = self.table
            ),
        }
    }

    /// The down expression: the old column's value computed from the new one.
    pub fn down_expr(&self) -> String {
        match self.kind {
            Kind::EnumValue => format!("CASE {} WHEN 'QUEUED' THEN 'PENDING' ELSE {} END", self.new, self.new),
            _ => self.new.clone(),
        }
    }

    pub fn expand_sql(&self, rewrite: bool) -> String {
        let t = &self.table;
        let n = &self.new;
        let lock = self.lock_line(true);
        if rewrite {
            let o = if self.old.is_empty() { "customer_id" } else { &self.old };
            return format!(
                "-- A table-rewriting form: the type change rewrites every row while holding\n\
                 -- ACCESS EXCLUSIVE, so every read and write waits until it finishes.\n\
                 ALTER TABLE {t} ADD COLUMN {n} varchar(32), ALTER COLUMN {o} TYPE varchar(32);"
            );
        }
        match self.kind {
            Kind::RequiredField => format!(
                "{lock}-- Nullable and without a default: a catalog-only change, instant on any table size.\n\
                 ALTER TABLE {t} ADD COLUMN {n} text;"
            ),
            _ => format!(
                "{lock}-- Nullable, no default: a catalog-only change (no rewrite), instant on any table size.\n\
                 ALTER TABLE {t} ADD COLUMN {n} text;"
            ),
        }
    }

    pub fn dual_write_sql(&self) -> String {
        let t = &self.table;
        let n = &self.new;
        match self.kind {
            Kind::RequiredField => format!(
                "-- Deploy behind flag orders.customer_type_write = on. POST /v1/orders accepts\n\
                 -- customerType (optional); clients that do not send it get the safe default.\n\
                 INSERT INTO {t} (customer_id, status, {n})\n  VALUES ($1, $2, COALESCE($3, 'unknown'));"
            ),
            Kind::EnumValue => format!(
                "-- Deploy behind flag orders.status_v2_write = on. Both PENDING and QUEUED are\n\
                 -- accepted on write; the old column keeps the old value, the new column the mapped one.\n\
                 UPDATE {t} SET {o} = $1,\n  {n} = CASE $1 WHEN 'PENDING' THEN 'QUEUED' ELSE $1 END\n  WHERE id = $2;",
                o = self.old
            ),
            Kind::Rename => format!(
                "-- Deploy behind flag orders.dual_write = on: every write sets both columns.\n\
                 UPDATE {t} SET {o} = $1, {n} = $1 WHERE id = $2;\n\
                 INSERT INTO {t} (customer_id, {o}, {n}) VALUES ($1, $2, $2);",
                o = self.old
            ),
        }
    }

    pub fn backfill_batch_sql(&self, a: u64, b: u64) -> String {
        let t = &self.table;
        let n = &self.new;
        match self.kind {
            Kind::RequiredField => format!(
                "UPDATE {t} SET {n} = {up}\n  WHERE id BETWEEN {a} AND {b} AND {n} IS NULL;",
                up = self.up_expr()
            ),
            _ => format!(
                "UPDATE {t} SET {n} = {up}\n  WHERE id BETWEEN {a} AND {b} AND {n} IS NULL;",
                up = self.up_expr()
            ),
        }
    }

    pub fn backfill_sql(&self, a: u64, b: u64, batch: u64, pause_ms: u64, max_lag_ms: u64) -> String {
        format!(
            "{}-- Batches of {batch} ids, {pause_ms} ms apart; paused while replica lag > {max_lag_ms} ms;\n\
             -- a failed batch is retried with exponential backoff.\n\
             -- Idempotent: re-running a batch skips rows already copied.\n{}",
            self.lock_line(false),
            self.backfill_batch_sql(a, b.min(a.saturating_add(batch.saturating_sub(1))))
        )
    }

    pub fn repair_batch_sql(&self, a: u64, b: u64) -> String {
        let t = &self.table;
        let n = &self.new;
        match self.kind {
            Kind::RequiredField => self.backfill_batch_sql(a, b),
            _ => format!(
                "-- Rows the old-only path wrote: the old column holds the truth.\n\
                 UPDATE {t} SET {n} = {up}\n  WHERE id BETWEEN {a} AND {b} AND {n} IS DISTINCT FROM {up};\n\
                 -- Rows a new-only build wrote (found by updated_at in the incident window):\n\
                 UPDATE {t} SET {o} = {down}\n  WHERE id BETWEEN {a} AND {b} AND updated_at >= $incident_start\n    AND {o} IS DISTINCT FROM {down};",
                up = self.up_expr(),
                o = self.old,
                down = self.down_expr()
            ),
        }
    }

    pub fn switch_reads_sql(&self) -> String {
        let t = &self.table;
        let n = &self.new;
        match self.kind {
            Kind::RequiredField => format!(
                "-- Deploy behind flag orders.customer_type_read = on: responses include customerType.\n\
                 SELECT id, COALESCE({n}, 'unknown') AS customer_type FROM {t} WHERE id = $1;"
            ),
            Kind::EnumValue => format!(
                "-- Deploy behind flag orders.status_v2_read = on: read the new column, fall back to\n\
                 -- the old one; old API versions still get PENDING (map both on read).\n\
                 SELECT id, COALESCE({n}, {up}) AS status FROM {t} WHERE id = $1;",
                up = self.up_expr()
            ),
            Kind::Rename => format!(
                "-- Deploy behind flag orders.read_order_status = on: read the new column,\n\
                 -- fall back to the old one while it may still be NULL.\n\
                 SELECT id, COALESCE({n}, {o}) AS status FROM {t} WHERE id = $1;",
                o = self.old
            ),
        }
    }

    /// The contract's first move (rename, enum value): the build whose statements
    /// name only the new column. PostgreSQL resolves every column a statement
    /// names, so a statement that still names the old column fails once it is
    /// dropped (SQLSTATE 42703 undefined_column,
    /// https://www.postgresql.org/docs/current/errcodes-appendix.html).
    pub fn new_only_build_sql(&self) -> String {
        let t = &self.table;
        let n = &self.new;
        let o = &self.old;
        match self.kind {
            Kind::EnumValue => format!(
                "-- Contract, move 1: deploy the build that no longer names {o}. It reads and writes\n\
                 -- only {n}, and stops accepting PENDING on write (POST/PATCH with PENDING → 400).\n\
                 SELECT id, {n} AS status FROM {t} WHERE id = $1;\n\
                 UPDATE {t} SET {n} = $1 WHERE id = $2;\n\
                 INSERT INTO {t} (customer_id, {n}) VALUES ($1, $2);"
            ),
            _ => format!(
                "-- Contract, move 1: deploy the build that no longer names {o}: every statement\n\
                 -- reads and writes only {n}. (Not a dual-write flag turned off: that sends\n\
                 -- writes back to the old path, which writes only {o}.)\n\
                 SELECT id, {n} AS status FROM {t} WHERE id = $1;\n\
                 UPDATE {t} SET {n} = $1 WHERE id = $2;\n\
                 INSERT INTO {t} (customer_id, {n}) VALUES ($1, $2);"
            ),
        }
    }

    pub fn contract_sql(&self, rewrite: bool) -> String {
        let t = &self.table;
        let n = &self.new;
        let o = &self.old;
        let lock = self.lock_line(false);
        match self.kind {
            Kind::Rename => {
                let body = format!(
                    "-- Move 2, once the build that names only {n} runs on every instance\n\
                     -- (pg_stat_statements: no statement names {o}):\n\
                     ALTER TABLE {t} DROP COLUMN {o};"
                );
                if rewrite {
                    format!(
                        "-- A table-rewriting form (type change in the same statement):\n\
                         ALTER TABLE {t} DROP COLUMN {o}, ALTER COLUMN {n} TYPE varchar(32);"
                    )
                } else {
                    format!("{lock}{body}")
                }
            }
            Kind::EnumValue => format!(
                "{lock}-- Move 2, once the build that names only {n} runs on every instance\n\
                 -- (pg_stat_statements: no statement names {o}):\n\
                 ALTER TABLE {t} DROP COLUMN {o};\n\
                 ALTER TABLE {t} ADD CONSTRAINT {t}_{n}_check CHECK ({n} <> 'PENDING') NOT VALID;\n\
                 -- Not RENAME COLUMN {n} TO {o} here: the running build names {n}, so a bare\n\
                 -- rename fails all of its statements at once (42703). Calling it {o} again is a\n\
                 -- rename of its own, with its own two moves (or a view, as pgroll does)."
            ),
            Kind::RequiredField => format!(
                "{lock}-- Enforced at once on every INSERT and every UPDATE (an UPDATE of a row still\n\
                 -- NULL fails with 23514 unless it sets {n}); VALIDATE checks the rows already there.\n\
                 ALTER TABLE {t} ADD CONSTRAINT {t}_{n}_not_null CHECK ({n} IS NOT NULL) NOT VALID;\n\
                 -- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes continue.\n\
                 ALTER TABLE {t} VALIDATE CONSTRAINT {t}_{n}_not_null;\n\
                 -- PostgreSQL 12+: uses the valid CHECK, no second scan.\n\
                 ALTER TABLE {t} ALTER COLUMN {n} SET NOT NULL;\n\
                 ALTER TABLE {t} DROP CONSTRAINT {t}_{n}_not_null;\n\
                 -- API: customerType becomes required (400 when missing)."
            ),
        }
    }

    /// Rollback before contract: flags off (each instance obeys at its next flag
    /// refresh, within `deploy_seconds`), then the batched copy-back, then the DDL
    /// under `lock_timeout`.
    pub fn rollback_switch_sql(&self, copy_back: bool, batch: u64, deploy_seconds: f64) -> String {
        let mut s = format!(
            "-- Flags off: no deploy, but each instance obeys at its next flag refresh:
             -- every instance is back on the old path within {}.
",
            crate::core::num::duration(deploy_seconds)
        );
        if copy_back && self.kind != Kind::RequiredField {
            s.push_str(&format!(
                "-- Then copy back, in batches of {batch} like the backfill, the writes that reached
                 -- only {n} (found through the updated_at index):
{}",
                self.copy_back_batch_sql(batch),
                n = self.new
            ));
        }
        s.push_str(&self.rollback_drop_sql());
        s
    }

    /// One batch of the rollback's copy-back (keyset pagination over the rows the
    /// incident touched).
    pub fn copy_back_batch_sql(&self, batch: u64) -> String {
        format!(
            "UPDATE {t} SET {o} = {down}
  WHERE id IN (SELECT id FROM {t}
    WHERE updated_at >= $incident_start AND id > $last_id
      AND {o} IS DISTINCT FROM {down}
    ORDER BY id LIMIT {batch});
",
            t = self.table,
            o = self.old,
            down = self.down_expr()
        )
    }

    /// The rollback's DDL, under `lock_timeout` like the forward DDL.
    pub fn rollback_drop_sql(&self) -> String {
        let t = &self.table;
        let n = &self.new;
        let lock = self.lock_line(true);
        match self.kind {
            Kind::RequiredField => format!(
                "{lock}-- Keep {n}: it is nullable and harmless, and holds what clients already sent.
                 ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{n}_not_null;"
            ),
            _ => format!("{lock}ALTER TABLE {t} DROP COLUMN IF EXISTS {n};"),
        }
    }

    /// A backup of the table with pg_dump.
    pub fn dump_sql(&self) -> String {
        format!(
            "-- pg_dump reads {t} in one snapshot and holds ACCESS SHARE on it until it ends:
             -- any ALTER TABLE (ACCESS EXCLUSIVE) waits for it, and without lock_timeout
             -- every query on {t} queues behind that ALTER.
             pg_dump --format=custom --table={t} --file=backup.dump shop",
            t = self.table
        )
    }

    pub fn restore_sql(&self, backup_second: f64) -> String {
        format!(
            "-- {o} was dropped: only the backup from t={backup_second:.0}s has it.\n\
             pg_restore --clean --dbname=shop backup_{:.0}.dump   -- or PITR to that moment\n\
             -- Every write since the backup is gone; the app is redeployed on the old version.",
            backup_second,
            o = self.old
        )
    }

    pub fn reverse_not_null_sql(&self) -> String {
        format!(
            "ALTER TABLE {t} ALTER COLUMN {n} DROP NOT NULL;\n-- API: customerType optional again (safe default restored).",
            t = self.table,
            n = self.new
        )
    }

    // ---- validation queries -------------------------------------------------

    pub fn null_count_sql(&self) -> String {
        format!("SELECT count(*) FROM {} WHERE {} IS NULL;", self.table, self.new)
    }

    pub fn mismatch_sql(&self) -> String {
        if self.kind == Kind::RequiredField {
            return "-- Not applicable: a new field has no old column to compare with.".into();
        }
        format!(
            "SELECT count(*) FROM {t}\n  WHERE {n} IS NOT NULL AND {n} IS DISTINCT FROM {up};",
            t = self.table,
            n = self.new,
            up = self.up_expr()
        )
    }

    pub fn per_value_sql(&self) -> String {
        let t = &self.table;
        let n = &self.new;
        match self.kind {
            Kind::RequiredField => format!("SELECT {n}, count(*) FROM {t} GROUP BY {n} ORDER BY {n};"),
            _ => format!(
                "SELECT value, o.cnt AS {o}, n.cnt AS {n}\n  FROM (SELECT {up} AS value, count(*) AS cnt FROM {t} GROUP BY 1) o\n  FULL JOIN (SELECT {n} AS value, count(*) AS cnt FROM {t} GROUP BY 1) n USING (value)\n  ORDER BY value;",
                o = self.old,
                up = self.up_expr()
            ),
        }
    }

    pub fn sample_sql(&self, ids: &[u64]) -> String {
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        match self.kind {
            Kind::RequiredField => format!(
                "SELECT o.id, c.kind, o.{n} FROM {t} o LEFT JOIN customers c ON c.id = o.customer_id\n  WHERE o.id IN ({});",
                list.join(", "),
                t = self.table,
                n = self.new
            ),
            _ => format!(
                "SELECT id, {o}, {n} FROM {t} WHERE id IN ({});",
                list.join(", "),
                t = self.table,
                o = self.old,
                n = self.new
            ),
        }
    }

    /// Statements that still name the old column, the fallback read
    /// `COALESCE(new, old)` included: each one fails once the column is dropped.
    pub fn old_readers_sql(&self) -> String {
        format!(
            "SELECT query, calls FROM pg_stat_statements\n  WHERE query ~ '\\m{o}\\M' ORDER BY calls DESC;",
            o = self.old
        )
    }

    pub fn legacy_clients_sql(&self) -> String {
        match self.kind {
            Kind::RequiredField => "-- API logs, last minute: POST /v1/orders without customerType\nSELECT count(*) FILTER (WHERE NOT body ? 'customerType') * 1.0 / count(*)\n  FROM api_requests WHERE path = '/v1/orders' AND at > now() - interval '1 minute';".into(),
            _ => "-- API logs, last minute: writes that still send PENDING\nSELECT count(*) FILTER (WHERE body->>'status' = 'PENDING') * 1.0 / count(*)\n  FROM api_requests WHERE path = '/v1/orders' AND at > now() - interval '1 minute';".into(),
        }
    }
}
