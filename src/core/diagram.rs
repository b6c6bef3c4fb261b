//! Diagrams named by `{{#diagram name key=value …}}` in the content. The
//! numbers come from the content, so changing a number there changes the
//! picture; this module parses and checks them (content validation uses it,
//! the view layer draws the result).

/// A diagram and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Diagram {
    /// Traffic split between stable and canary across the stages (percent).
    CanarySplit { stages: Vec<f64> },
    /// A flag evaluated per request, with the kill switch and the default.
    FlagFlow { flag: String, default: String },
    /// Old and new clients against old and new API shapes.
    ApiCompat,
    /// The five expand-and-contract phases, the rollback window and the last
    /// safe rollback point (1-based phase number).
    ExpandContract { last_safe: usize },
    /// A gate as a threshold over a metric chart: ratio to baseline, window.
    Gate { metric: String, threshold: f64, window: u32 },
    /// A playbook as a flow of steps.
    Playbook { title: String, steps: Vec<String> },
    /// The hotfix-or-rollback decision tree with the gate's numbers.
    Decision { threshold: f64, window: u32 },
}

/// Names a diagram directive may use.
pub const NAMES: &[&str] =
    &["canary-split", "flag-flow", "api-compat", "expand-contract", "gate", "playbook", "decision"];

fn kv(args: &[String]) -> Result<Vec<(&str, &str)>, String> {
    args.iter().map(|a| a.split_once('=').ok_or_else(|| format!("argument `{a}` must be key=value"))).collect()
}

fn get<'a>(pairs: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn num(pairs: &[(&str, &str)], key: &str, lo: f64, hi: f64) -> Result<f64, String> {
    let v = get(pairs, key).ok_or_else(|| format!("needs `{key}=`"))?;
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
        _ => Err(format!("`{key}={v}` must be a number from {lo} to {hi}")),
    }
}

fn only(pairs: &[(&str, &str)], allowed: &[&str]) -> Result<(), String> {
    match pairs.iter().find(|(k, _)| !allowed.contains(k)) {
        Some((k, _)) => Err(format!("unknown argument `{k}` (allowed: {})", allowed.join(", "))),
        None => Ok(()),
    }
}

/// Parse `{{#diagram name args…}}`.
pub fn parse(args: &[String]) -> Result<Diagram, String> {
    let Some((name, rest)) = args.split_first() else {
        return Err(format!("directive `diagram` needs a name: {}", NAMES.join(", ")));
    };
    let pairs = kv(rest)?;
    let d = match name.as_str() {
        "canary-split" => {
            only(&pairs, &["stages"])?;
            let stages: Result<Vec<f64>, String> = get(&pairs, "stages")
                .ok_or("needs `stages=` (e.g. stages=5,25,100)")?
                .split(',')
                .map(|s| {
                    s.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|v| *v > 0.0 && *v <= 100.0)
                        .ok_or_else(|| format!("stage `{s}` is not a percentage"))
                })
                .collect();
            let stages = stages?;
            if stages.is_empty() || stages.windows(2).any(|w| w[1] <= w[0]) {
                return Err("`stages` must increase".into());
            }
            Diagram::CanarySplit { stages }
        }
        "flag-flow" => {
            only(&pairs, &["flag", "default"])?;
            Diagram::FlagFlow {
                flag: get(&pairs, "flag").ok_or("needs `flag=`")?.to_string(),
                default: get(&pairs, "default").unwrap_or("off").to_string(),
            }
        }
        "api-compat" => {
            only(&pairs, &[])?;
            Diagram::ApiCompat
        }
        "expand-contract" => {
            only(&pairs, &["last_safe"])?;
            let n = num(&pairs, "last_safe", 1.0, 5.0)?;
            Diagram::ExpandContract { last_safe: n as usize }
        }
        "gate" => {
            only(&pairs, &["metric", "threshold", "window"])?;
            Diagram::Gate {
                metric: get(&pairs, "metric").unwrap_or("p99").replace('_', " "),
                threshold: num(&pairs, "threshold", 1.01, 10.0)?,
                window: num(&pairs, "window", 1.0, 120.0)? as u32,
            }
        }
        "playbook" => {
            only(&pairs, &["title", "steps"])?;
            let steps: Vec<String> = get(&pairs, "steps")
                .ok_or("needs `steps=` (comma-separated, _ for spaces)")?
                .split(',')
                .map(|s| s.replace('_', " "))
                .filter(|s| !s.trim().is_empty())
                .collect();
            if steps.len() < 2 {
                return Err("a playbook needs at least two steps".into());
            }
            Diagram::Playbook { title: get(&pairs, "title").unwrap_or("Playbook").replace('_', " "), steps }
        }
        "decision" => {
            only(&pairs, &["threshold", "window"])?;
            Diagram::Decision {
                threshold: num(&pairs, "threshold", 1.01, 10.0)?,
                window: num(&pairs, "window", 1.0, 120.0)? as u32,
            }
        }
        other => return Err(format!("unknown diagram `{other}` (known: {})", NAMES.join(", "))),
    };
    Ok(d)
}
