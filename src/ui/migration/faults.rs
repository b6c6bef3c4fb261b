//! Fault injection: choose a fault and its parameters; problems are shown
//! beside the fields (from the engine's own validation) before it is sent.

use leptos::prelude::*;

use crate::core::migration::{validate_fault, Action, BatchError, BuggyMode, Fault, FaultKind, LockCause, Sim};
use crate::ui::form::{Field, Select};
use crate::ui::util;

const KINDS: &[(&str, &str)] = &[
    ("batch_failures", "backfill batches fail (lock timeout / deadlock)"),
    ("lag_spike", "replica lag spike"),
    ("buggy_dual_write", "buggy dual write"),
    ("long_lock", "long lock (a blocker, or a rewriting ALTER)"),
    ("old_readers", "another service still reads the old column"),
];

#[component]
pub fn FaultForm(sim: RwSignal<Sim>) -> impl IntoView {
    let kind = RwSignal::new("batch_failures".to_string());
    let at = RwSignal::new("0".to_string());
    let duration = RwSignal::new("60".to_string());
    let param = RwSignal::new("0.5".to_string());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let param_label = move || match kind.get().as_str() {
        "batch_failures" => "Failure rate (0–1)",
        "lag_spike" => "Replica speed (0 = stalled, below 1)",
        "buggy_dual_write" => "Share of writes from the buggy build (0–1)",
        "old_readers" => "Share of reads from that service (0–1)",
        _ => "Cause: 0 = blocking transaction, 1 = rewriting ALTER",
    };
    // The fault as typed, or the problems beside its fields: checked on
    // every keystroke (as the canary page does) and again on Inject.
    let build = move || -> Result<Fault, Vec<(String, String)>> {
        let mut errs = Vec::new();
        let num = |id: &str, text: &str, errs: &mut Vec<(String, String)>| -> Option<f64> {
            match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    errs.push((id.to_string(), "Type a number.".to_string()));
                    None
                }
            }
        };
        let at_s = num("mf-at", &at.get_untracked(), &mut errs).unwrap_or(0.0);
        let dur = num("mf-duration", &duration.get_untracked(), &mut errs);
        let p = num("mf-param", &param.get_untracked(), &mut errs).unwrap_or(0.0);
        let k = match kind.get_untracked().as_str() {
            "lag_spike" => FaultKind::LagSpike,
            "buggy_dual_write" => FaultKind::BuggyDualWrite,
            "long_lock" => FaultKind::LongLock,
            "old_readers" => FaultKind::OldReaders,
            _ => FaultKind::BatchFailures,
        };
        let mut f = Fault {
            kind: k,
            at_second: at_s,
            duration_seconds: dur,
            rate: None,
            error: None,
            replica_speed: None,
            mode: None,
            share: None,
            cause: None,
        };
        match k {
            FaultKind::BatchFailures => {
                f.rate = Some(p);
                f.error = Some(BatchError::LockTimeout);
            }
            FaultKind::LagSpike => f.replica_speed = Some(p),
            FaultKind::BuggyDualWrite => {
                f.share = Some(p);
                f.mode = Some(BuggyMode::OldOnly);
            }
            FaultKind::OldReaders => f.share = Some(p),
            FaultKind::LongLock => f.cause = Some(if p >= 0.5 { LockCause::Rewrite } else { LockCause::Blocker }),
        }
        if errs.is_empty() {
            let kind_of_run = sim.with_untracked(|s| s.scenario().kind);
            if let Err(e) = validate_fault(&f, kind_of_run) {
                for fe in e {
                    let (id, what) = if fe.key.contains("at_second") {
                        ("mf-at", "The start")
                    } else if fe.key.contains("duration") {
                        ("mf-duration", "The length")
                    } else {
                        ("mf-param", "This value")
                    };
                    errs.push((id.to_string(), format!("{what} {}.", fe.reason)));
                }
            }
        }
        if errs.is_empty() {
            Ok(f)
        } else {
            Err(errs)
        }
    };
    let recheck = move || errors.set(build().err().unwrap_or_default());
    let inject = move |_| match build() {
        Ok(f) => {
            errors.set(Vec::new());
            let mut msg = String::new();
            sim.update(|s| msg = s.act(Action::Inject(f)).message);
            util::announce(&msg);
        }
        Err(errs) => errors.set(errs),
    };
    let err = move |id: &'static str| {
        Signal::derive(move || errors.with(|e| e.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone())))
    };
    view! {
        <section class="panel" aria-labelledby="faults-title">
            <h2 id="faults-title">"Inject a fault"</h2>
            <Select label="Fault" id="mf-kind" options=KINDS value=Signal::derive(move || kind.get())
                on_set=Callback::new(move |v: String| {
                    param.set(match v.as_str() { "lag_spike" => "0", "long_lock" => "0", "buggy_dual_write" => "0.25", "old_readers" => "0.05", _ => "0.5" }.to_string());
                    kind.set(v);
                    errors.set(Vec::new());
                }) />
            <Field label="Starts in (seconds from now)" id="mf-at" value=Signal::derive(move || at.get()) on_set=Callback::new(move |v: String| { at.set(v); recheck(); }) error=err("mf-at") />
            <Field label="Lasts (seconds)" id="mf-duration" value=Signal::derive(move || duration.get()) on_set=Callback::new(move |v: String| { duration.set(v); recheck(); }) error=err("mf-duration") />
            // The label follows the kind of fault (it used to keep the first one's).
            {move || view! {
                <Field label=param_label() id="mf-param" value=Signal::derive(move || param.get()) on_set=Callback::new(move |v: String| { param.set(v); recheck(); }) error=err("mf-param") />
            }}
            <button type="button" class="button" on:click=inject>"Inject"</button>
        </section>
    }
}
