//! The simulated table, without a loop over rows.
//!
//! The id space `1..next_id` is cut into a few contiguous segments. Inside a
//! segment rows are interchangeable, so a segment only keeps how many of its
//! rows are in each state:
//!
//! * `NULL`   – the new column is NULL (the row still needs the backfill);
//! * `EQ`     – the new column equals up(old) (or, after contract, is present);
//! * `NSTALE` – both set but the new column is stale: the last write reached only
//!   the old column (an update before dual write, or a buggy `old_only` build);
//! * `OSTALE` – both set but the old column is stale: the last write reached only
//!   the new column (a buggy `new_only` build).
//!
//! Operations move counts between states: a batch takes the rows of an id range
//! (a proportional, randomly rounded share of the segments it covers), app
//! updates hit rows uniformly (distinct rows `N·(1 − e^(−u/N))`, allocated over
//! segments and states in proportion). About twenty concrete rows are kept apart
//! from the counts, with their values, and evolve by the same rules, so what the
//! learner inspects is always one of the rows the counts describe.

use crate::core::rng::Rng;

/// New column is NULL.
pub(crate) const NULL: usize = 0;
/// New column equals up(old).
pub(crate) const EQ: usize = 1;
/// New column stale (old holds the latest write).
pub(crate) const NSTALE: usize = 2;
/// Old column stale (new holds the latest write).
pub(crate) const OSTALE: usize = 3;

/// Most segments kept before neighbours are merged.
const MAX_SEGS: usize = 48;

/// Round `x ≥ 0` up or down at random so that the expectation is `x`.
pub(crate) fn rround(x: f64, rng: &mut Rng) -> u64 {
    if !x.is_finite() || x <= 0.0 {
        return 0;
    }
    // Truncation is floor for x ≥ 0 (and avoids a libm call on baseline x86-64).
    let base = x as u64;
    let frac = x - base as f64;
    if frac > 0.0 && rng.next_f64() < frac {
        base.saturating_add(1)
    } else {
        base
    }
}

/// Of `rn` remaining rows, `rh` are picked; how many of the next `c` rows are picked?
/// Unbiased (randomised rounding of `rh·c/rn`) and always leaves a feasible rest,
/// so a sequence of calls picks exactly `rh` rows in total.
pub(crate) fn take_prop(rh: u64, c: u64, rn: u64, rng: &mut Rng) -> u64 {
    if rh == 0 || c == 0 || rn == 0 {
        return 0;
    }
    if rh >= rn {
        return c;
    }
    let x = rh as f64 * (c as f64 / rn as f64);
    let k = rround(x, rng);
    let lo = c.saturating_sub(rn - rh);
    let hi = c.min(rh);
    k.clamp(lo, hi)
}

/// A run of ids with interchangeable rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seg {
    pub start: u64,
    /// Exclusive.
    pub end: u64,
    /// Rows (outside the sample) per state.
    pub c: [u64; 4],
    /// Already passed by a job's cursor (processed pieces merge into it).
    pub processed: bool,
}

impl Seg {
    pub fn n(&self) -> u64 {
        self.c.iter().sum()
    }
}

/// Where a sample row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Initial,
    Inserted,
    Found,
}

/// One concrete row the learner can inspect.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SampleRow {
    pub id: u64,
    /// Value index in the old column (None: NULL / not written).
    pub old: Option<u8>,
    /// Value index in the new column (None: NULL).
    pub new: Option<u8>,
    pub cat: usize,
    pub written_since_backup: bool,
    pub origin: Origin,
    pub last_write_us: Option<u64>,
    pub note: Option<String>,
}

/// Which path a write took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteKind {
    /// Only the old column (before dual write, or a buggy build).
    OldOnly,
    /// Both columns.
    Both,
    /// Only the new column (a buggy build).
    NewOnly,
    /// After contract: the only column left.
    NewAfter,
}

impl WriteKind {
    /// State after an update of a row in state `cat`.
    pub fn update_to(self, cat: usize, touches: bool) -> usize {
        if !touches {
            return cat;
        }
        match self {
            WriteKind::OldOnly => {
                if cat == NULL {
                    NULL
                } else {
                    NSTALE
                }
            }
            WriteKind::Both | WriteKind::NewAfter => EQ,
            WriteKind::NewOnly => OSTALE,
        }
    }
    /// State of an inserted row.
    pub fn insert_state(self) -> usize {
        match self {
            WriteKind::OldOnly => NULL,
            WriteKind::Both | WriteKind::NewAfter => EQ,
            WriteKind::NewOnly => OSTALE,
        }
    }
}

/// The table: segments + sample + counters. Cheap to clone (a backup).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub segs: Vec<Seg>,
    pub next_id: u64,
    pub sample: Vec<SampleRow>,
    /// May the next insert extend the last segment?
    pub open_tail: bool,
    /// Rows that needed the copy since expand (NULL at expand + NULL inserts).
    pub needs: u64,
    /// Rows the backfill or a repair pass filled.
    pub backfilled: u64,
    /// NULL rows an application write filled.
    pub filled_by_app: u64,
    /// Drifted rows a repair pass reconciled.
    pub repaired: u64,
    /// required_field: rows holding the safe default 'unknown' (outside the sample).
    pub unknown_default: u64,
    /// A backup exists.
    pub has_backup: bool,
    /// Largest id at the latest usable backup.
    pub bk_max_id: u64,
    /// Rows outside the sample with id ≤ bk_max_id not written since that backup.
    pub bk_untouched: u64,
}

/// Values an update may set: the next status in an order's life.
fn next_value(v: u8, count: usize) -> u8 {
    if count <= 1 {
        return v;
    }
    ((v as usize + 1) % count) as u8
}

fn pick_value(mix: &[f64], rng: &mut Rng) -> u8 {
    let total: f64 = mix.iter().sum();
    let mut x = rng.next_f64() * total;
    for (i, w) in mix.iter().enumerate() {
        if x < *w {
            return i as u8;
        }
        x -= w;
    }
    0
}

impl Table {
    /// A table of `rows` rows (ids 1..=rows), all with only the old column, and a
    /// sample of up to `sample` rows spread over the id space.
    pub fn new(rows: u64, sample: usize, mix: &[f64], rng: &mut Rng) -> Self {
        let rows = rows.max(1);
        let k = (sample as u64).min(rows);
        let mut rows_s = Vec::new();
        for i in 0..k {
            let lo = 1 + (i as u128 * rows as u128 / k as u128) as u64;
            let hi = 1 + ((i as u128 + 1) * rows as u128 / k as u128) as u64;
            let id = rng.range(lo, hi.max(lo + 1));
            rows_s.push(SampleRow {
                id,
                old: Some(pick_value(mix, rng)),
                new: None,
                cat: NULL,
                written_since_backup: false,
                origin: Origin::Initial,
                last_write_us: None,
                note: None,
            });
        }
        let seg = Seg { start: 1, end: rows + 1, c: [rows - k, 0, 0, 0], processed: false };
        Table {
            segs: vec![seg],
            next_id: rows + 1,
            sample: rows_s,
            open_tail: false,
            needs: 0,
            backfilled: 0,
            filled_by_app: 0,
            repaired: 0,
            unknown_default: 0,
            has_backup: false,
            bk_max_id: 0,
            bk_untouched: 0,
        }
    }

    /// Every row in the table.
    pub fn total(&self) -> u64 {
        self.next_id - 1
    }

    /// Rows kept as counts (all but the sample).
    pub fn agg_total(&self) -> u64 {
        self.segs.iter().map(Seg::n).sum()
    }

    /// Rows in state `cat` (counts + sample).
    pub fn count(&self, cat: usize) -> u64 {
        let agg: u64 = self.segs.iter().map(|s| s.c[cat]).sum();
        agg + self.sample.iter().filter(|r| r.cat == cat).count() as u64
    }

    /// Sample rows with lo ≤ id < hi.
    pub fn sample_in(&self, lo: u64, hi: u64) -> u64 {
        // The sample is kept sorted by id.
        let a = self.sample.partition_point(|r| r.id < lo);
        let b = self.sample.partition_point(|r| r.id < hi);
        b.saturating_sub(a) as u64
    }

    /// Rows per state (counts + sample), in one pass.
    pub fn counts(&self) -> [u64; 4] {
        let mut out = [0u64; 4];
        for s in &self.segs {
            for (o, c) in out.iter_mut().zip(s.c) {
                *o += c;
            }
        }
        for r in &self.sample {
            out[r.cat] += 1;
        }
        out
    }

    /// Rows written since the latest usable backup (inserted, or updated).
    pub fn written_since_backup(&self) -> u64 {
        if !self.has_backup {
            return 0;
        }
        let agg = self.agg_total().saturating_sub(self.bk_untouched);
        agg + self.sample.iter().filter(|r| r.written_since_backup).count() as u64
    }

    /// Start a new backup baseline now.
    pub fn mark_backup(&mut self) {
        self.has_backup = true;
        self.bk_max_id = self.total();
        self.bk_untouched = self.agg_total();
        for r in &mut self.sample {
            r.written_since_backup = false;
        }
    }

    /// Close the last segment: the next insert starts a new one.
    pub fn close_tail(&mut self) {
        self.open_tail = false;
    }

    /// Append `by_cat[s]` rows in each state; if `adopt` is Some(state), one of
    /// them (the first id) becomes a sample row with value drawn from `mix`.
    pub fn insert(&mut self, by_cat: [u64; 4], adopt: Option<(usize, Option<u8>, Option<u8>, u64)>) {
        let k: u64 = by_cat.iter().sum();
        if k == 0 {
            return;
        }
        let first = self.next_id;
        let mut c = by_cat;
        if let Some((cat, old, new, at)) = adopt {
            if c[cat] > 0 {
                c[cat] -= 1;
                self.sample.push(SampleRow {
                    id: first,
                    old,
                    new,
                    cat,
                    written_since_backup: self.has_backup,
                    origin: Origin::Inserted,
                    last_write_us: Some(at),
                    note: None,
                });
                self.sample.sort_by_key(|r| r.id);
            }
        }
        let extend = self.open_tail && self.segs.last().is_some_and(|s| !s.processed && s.end == first);
        if extend {
            if let Some(last) = self.segs.last_mut() {
                last.end += k;
                for (dst, src) in last.c.iter_mut().zip(c) {
                    *dst += src;
                }
            }
        } else {
            self.segs.push(Seg { start: first, end: first + k, c, processed: false });
            self.open_tail = true;
        }
        self.next_id += k;
        self.compact();
    }

    /// `h` distinct rows outside the sample are written by path `wk`. Returns how
    /// many NULL rows became non-NULL.
    pub fn apply_updates(&mut self, h: u64, wk: WriteKind, touches: bool, rng: &mut Rng) -> u64 {
        let mut rn = self.agg_total();
        let mut rh = h.min(rn);
        if rh == 0 || !touches {
            return 0;
        }
        let mut filled = 0;
        for s in &mut self.segs {
            let mut moved = [0u64; 4];
            for (cat, m) in moved.iter_mut().enumerate() {
                let c = s.c[cat];
                if c == 0 {
                    continue;
                }
                let k = take_prop(rh, c, rn, rng);
                rh -= k;
                rn -= c;
                *m = k;
            }
            for (cat, &k) in moved.iter().enumerate() {
                if k == 0 {
                    continue;
                }
                let to = wk.update_to(cat, true);
                if to != cat {
                    s.c[cat] -= k;
                    s.c[to] += k;
                    if cat == NULL {
                        filled += k;
                    }
                }
            }
            if rh == 0 {
                break;
            }
        }
        filled
    }

    /// Process ids `a..=b` with a job: rows in the `fix` states become `EQ`.
    /// Returns (rows changed outside the sample per original state, sample rows
    /// changed per original state).
    pub fn process_range(&mut self, a: u64, b: u64, fix: [bool; 4], rng: &mut Rng) -> ([u64; 4], [u64; 4]) {
        let mut agg = [0u64; 4];
        let mut smp = [0u64; 4];
        if b < a {
            return (agg, smp);
        }
        let hi = b.saturating_add(1);
        // The concrete rows first.
        let from = self.sample.partition_point(|r| r.id < a);
        let to = self.sample.partition_point(|r| r.id < hi);
        for r in self.sample.get_mut(from..to).unwrap_or(&mut []) {
            if fix[r.cat] && r.cat != EQ {
                smp[r.cat] += 1;
                if r.origin == Origin::Found {
                    r.note = Some("found by the validation query, then repaired".into());
                }
                match r.cat {
                    OSTALE => {
                        // New holds the truth: copy back.
                        r.old = r.new;
                    }
                    _ => {
                        r.new = r.old;
                    }
                }
                r.cat = EQ;
            }
        }
        let mut i = 0;
        while i < self.segs.len() {
            let (s_start, s_end) = (self.segs[i].start, self.segs[i].end);
            if s_end <= a {
                i += 1;
                continue;
            }
            if s_start >= hi {
                break;
            }
            // Split off a left remainder that lies before `a`.
            if s_start < a {
                let left_ids = a - s_start;
                let left = self.take_front(i, left_ids, rng);
                self.segs.insert(i, Seg { start: s_start, end: a, c: left, processed: self.segs[i].processed });
                i += 1;
                continue;
            }
            let ov_hi = s_end.min(hi);
            let piece = self.take_front(i, ov_hi - s_start, rng);
            let mut out = piece;
            for cat in 0..4 {
                if fix[cat] && cat != EQ && piece[cat] > 0 {
                    agg[cat] += piece[cat];
                    out[EQ] += piece[cat];
                    out[cat] -= piece[cat];
                }
            }
            // Place the processed piece right before segment i.
            let merge = i > 0 && self.segs[i - 1].processed && self.segs[i - 1].end == s_start;
            if merge {
                let p = &mut self.segs[i - 1];
                p.end = ov_hi;
                for (dst, src) in p.c.iter_mut().zip(out) {
                    *dst += src;
                }
            } else {
                self.segs.insert(i, Seg { start: s_start, end: ov_hi, c: out, processed: true });
                i += 1;
            }
            if self.segs[i].start >= self.segs[i].end {
                self.segs.remove(i);
            }
        }
        self.compact();
        (agg, smp)
    }

    /// Remove the first `ids` ids from segment `i` and return their row counts
    /// (a proportional share of the segment's rows, sample rows excluded).
    fn take_front(&mut self, i: usize, ids: u64, rng: &mut Rng) -> [u64; 4] {
        let (start, end) = (self.segs[i].start, self.segs[i].end);
        let ids = ids.min(end - start);
        let cut = start + ids;
        let in_piece_sample = self.sample_in(start, cut);
        let want = ids.saturating_sub(in_piece_sample);
        let s = &mut self.segs[i];
        let mut rn = s.n();
        let mut rh = want.min(rn);
        let mut got = [0u64; 4];
        for (cat, g) in got.iter_mut().enumerate() {
            let c = s.c[cat];
            if c == 0 {
                continue;
            }
            let k = take_prop(rh, c, rn, rng);
            rh -= k;
            rn -= c;
            *g = k;
        }
        for (dst, src) in s.c.iter_mut().zip(got) {
            *dst -= src;
        }
        s.start = cut;
        got
    }

    /// Merge neighbours while there are too many segments (keeps counts exact).
    fn compact(&mut self) {
        while self.segs.len() > MAX_SEGS {
            let mut best = 0;
            let mut best_size = u64::MAX;
            for j in 0..self.segs.len() - 1 {
                let size = (self.segs[j].end - self.segs[j].start) + (self.segs[j + 1].end - self.segs[j + 1].start);
                if size < best_size {
                    best_size = size;
                    best = j;
                }
            }
            let b = self.segs.remove(best + 1);
            let a = &mut self.segs[best];
            a.end = b.end;
            for cat in 0..4 {
                a.c[cat] += b.c[cat];
            }
            a.processed = a.processed && b.processed;
        }
        // Drop empty segments (no ids).
        self.segs.retain(|s| s.end > s.start);
    }

    /// Contract of a destructive kind: the old column is dropped. Returns the rows
    /// whose latest value existed only in the old column (NULL or stale new).
    pub fn drop_old_column(&mut self) -> u64 {
        let mut lost = 0;
        for s in &mut self.segs {
            lost += s.c[NULL] + s.c[NSTALE];
            s.c[EQ] += s.c[NSTALE] + s.c[OSTALE];
            s.c[NSTALE] = 0;
            s.c[OSTALE] = 0;
        }
        for r in &mut self.sample {
            match r.cat {
                NULL => {
                    lost += 1;
                    r.note = Some("value lost: the old column was dropped before this row was copied".into());
                }
                NSTALE => {
                    lost += 1;
                    r.cat = EQ;
                    r.note = Some("latest value lost: only the dropped column had it".into());
                }
                OSTALE => r.cat = EQ,
                _ => {}
            }
            r.old = None;
        }
        lost
    }

    /// Rollback before contract: copy back rows only the new column had, then
    /// (if `drop`) drop the new column. Returns the rows copied back.
    pub fn roll_back_columns(&mut self, drop: bool) -> u64 {
        let copied = self.count(OSTALE);
        for s in &mut self.segs {
            if drop {
                let n = s.n();
                s.c = [n, 0, 0, 0];
            } else {
                s.c[EQ] += s.c[OSTALE];
                s.c[OSTALE] = 0;
            }
        }
        for r in &mut self.sample {
            if r.cat == OSTALE {
                r.old = r.new;
                r.cat = EQ;
            }
            if drop {
                r.new = None;
                r.cat = NULL;
                r.note = None;
            }
        }
        if drop {
            self.needs = 0;
            self.backfilled = 0;
            self.filled_by_app = 0;
            self.repaired = 0;
            self.unknown_default = 0;
        }
        copied
    }

    /// Update the concrete rows hit by writes of path `wk`; `touches`: does the write
    /// set the migrated column. Values follow an order's life cycle.
    pub fn update_sample_row(&mut self, idx: usize, wk: WriteKind, touches: bool, values: usize, at: u64) -> bool {
        let Some(r) = self.sample.get_mut(idx) else {
            return false;
        };
        r.last_write_us = Some(at);
        if self.has_backup {
            r.written_since_backup = true;
        }
        if !touches {
            return false;
        }
        let truth = if r.cat == OSTALE { r.new } else { r.old };
        let mut w = next_value(truth.unwrap_or(0), values);
        let before = r.cat;
        match wk {
            WriteKind::OldOnly => {
                // Keep the stale new value different from the fresh old one.
                if r.new.is_some() && r.new == Some(w) {
                    w = next_value(w, values);
                }
                r.old = Some(w);
                r.cat = if r.new.is_none() { NULL } else { NSTALE };
            }
            WriteKind::Both => {
                r.old = Some(w);
                r.new = Some(w);
                r.cat = EQ;
            }
            WriteKind::NewOnly => {
                if r.old == Some(w) {
                    w = next_value(w, values);
                }
                r.new = Some(w);
                r.cat = OSTALE;
            }
            WriteKind::NewAfter => {
                r.new = Some(w);
                r.cat = EQ;
                r.note = None;
            }
        }
        before == NULL && r.cat != NULL
    }

    /// Return the oldest inserted sample row to the counts (to make room).
    pub fn evict_oldest_inserted(&mut self) {
        let Some(pos) = self.sample.iter().position(|r| r.origin == Origin::Inserted) else {
            return;
        };
        let r = self.sample.remove(pos);
        self.return_row(&r);
    }

    fn return_row(&mut self, r: &SampleRow) {
        if let Some(s) = self.segs.iter_mut().find(|s| s.start <= r.id && r.id < s.end) {
            s.c[r.cat] += 1;
        }
        if self.has_backup && r.id <= self.bk_max_id && !r.written_since_backup {
            self.bk_untouched += 1;
        }
    }

    /// Turn one row in state `cat` from the counts into a sample row ("found" by a
    /// validation query). Returns false when there is none.
    pub fn adopt(&mut self, cat: usize, mix: &[f64], values: usize, rng: &mut Rng) -> bool {
        let total: u64 = self.segs.iter().map(|s| s.c[cat]).sum();
        if total == 0 {
            return false;
        }
        if self.sample.iter().filter(|r| r.origin == Origin::Found).count() >= 2 {
            if let Some(pos) = self.sample.iter().position(|r| r.origin == Origin::Found) {
                let r = self.sample.remove(pos);
                self.return_row(&r);
            }
        }
        let mut pick = rng.range(0, total);
        let mut seg_idx = 0;
        for (i, s) in self.segs.iter().enumerate() {
            if pick < s.c[cat] {
                seg_idx = i;
                break;
            }
            pick -= s.c[cat];
        }
        let (start, end) = (self.segs[seg_idx].start, self.segs[seg_idx].end);
        // A random id of the segment that is not already a sample row.
        let mut id = rng.range(start, end);
        for _ in 0..64 {
            if !self.sample.iter().any(|r| r.id == id) {
                break;
            }
            id = if id + 1 < end { id + 1 } else { start };
        }
        if self.sample.iter().any(|r| r.id == id) {
            return false;
        }
        self.segs[seg_idx].c[cat] -= 1;
        let mut written = false;
        if self.has_backup {
            if id > self.bk_max_id {
                written = true;
            } else {
                let pre = self.bk_max_id.saturating_sub(self.sample_in(1, self.bk_max_id + 1)).max(1);
                let untouched_p = self.bk_untouched as f64 / pre as f64;
                if rng.next_f64() < untouched_p && self.bk_untouched > 0 {
                    self.bk_untouched -= 1;
                } else {
                    written = true;
                }
            }
        }
        let v = pick_value(mix, rng);
        let (old, new) = match cat {
            NULL => (Some(v), None),
            EQ => (Some(v), Some(v)),
            NSTALE => {
                // The new column still has the status before the last update.
                let prev = ((v as usize + values - 1) % values.max(1)) as u8;
                (Some(v), Some(prev))
            }
            _ => {
                let prev = ((v as usize + values - 1) % values.max(1)) as u8;
                (Some(prev), Some(v))
            }
        };
        self.sample.push(SampleRow {
            id,
            old,
            new,
            cat,
            written_since_backup: written,
            origin: Origin::Found,
            last_write_us: None,
            note: Some("found by the validation query".into()),
        });
        self.sample.sort_by_key(|r| r.id);
        true
    }

    /// Fresh values for a row inserted via path `wk`.
    pub fn fresh_values(
        wk: WriteKind,
        mix: &[f64],
        rng: &mut Rng,
        default_new: Option<u8>,
    ) -> (Option<u8>, Option<u8>) {
        let v = pick_value(mix, rng);
        match wk {
            WriteKind::OldOnly => (Some(v), None),
            WriteKind::Both => (Some(v), Some(default_new.unwrap_or(v))),
            WriteKind::NewOnly => (None, Some(v)),
            WriteKind::NewAfter => (None, Some(default_new.unwrap_or(v))),
        }
    }

    /// Consistency check used by tests: ids covered exactly once, counts match ids.
    pub fn check(&self) -> Result<(), String> {
        let mut expect = 1;
        for s in &self.segs {
            if s.start != expect {
                return Err(format!("gap/overlap at {} (expected {expect})", s.start));
            }
            if s.end <= s.start {
                return Err(format!("empty segment at {}", s.start));
            }
            let ids = s.end - s.start;
            let smp = self.sample_in(s.start, s.end);
            if s.n() + smp != ids {
                return Err(format!(
                    "segment {}..{} holds {} rows + {smp} sample for {ids} ids",
                    s.start,
                    s.end,
                    s.n()
                ));
            }
            expect = s.end;
        }
        if expect != self.next_id {
            return Err(format!("segments end at {expect}, next id {}", self.next_id));
        }
        Ok(())
    }
}
