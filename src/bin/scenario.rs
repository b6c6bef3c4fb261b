//! Command-line scenario runner over the pure engines.
//!
//! `scenario canary FILE [--seed N]` / `scenario migration FILE [--seed N]`
//! prints one JSON object per tick and a last `{"summary": …}` line.
//! A bad file or bad arguments: a message naming the file, key and reason on
//! stderr, and exit status 2.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(lines) => {
            use std::io::Write;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for line in lines {
                if writeln!(out, "{line}").is_err() {
                    std::process::exit(1);
                }
            }
        }
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
const USAGE: &str = "usage: scenario (canary|migration) FILE [--seed N]";

#[cfg(not(target_arch = "wasm32"))]
fn run(args: &[String]) -> Result<Vec<String>, String> {
    let (engine, file) = match args {
        [engine, file, ..] => (engine.as_str(), file.as_str()),
        _ => return Err(USAGE.to_string()),
    };
    let seed = match &args[2..] {
        [] => None,
        [flag, n] if flag == "--seed" => {
            Some(n.parse::<u64>().map_err(|_| format!("--seed: `{n}` is not a whole number from 0 to 2^64-1"))?)
        }
        _ => return Err(USAGE.to_string()),
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: cannot read: {e}"))?;
    match engine {
        "canary" => rollback_lab::core::canary::cli_lines(&text, seed).map_err(|e| format!("{file}: {e}")),
        "migration" => {
            let mut sc = rollback_lab::core::migration::parse_toml(&text).map_err(|e| format!("{file}: {e}"))?;
            if let Some(s) = seed {
                sc.seed = s;
            }
            Ok(rollback_lab::core::migration::run_lines(&sc))
        }
        other => Err(format!("unknown engine `{other}`; {USAGE}")),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
