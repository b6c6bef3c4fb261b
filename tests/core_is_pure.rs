#![cfg(not(target_arch = "wasm32"))]
//! The engines stay pure: nothing in src/core imports a web crate or reads a
//! clock, so they run natively, deterministically, from a seed.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Source without comments and string literals' contents would be ideal;
/// stripping `//` comments is enough for these identifiers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("")))
        .filter(|(_, l)| !l.trim().is_empty())
}

#[test]
fn core_imports_no_web_crate_and_reads_no_clock() {
    let mut files = Vec::new();
    rust_files(Path::new("src/core"), &mut files);
    assert!(files.len() >= 5, "src/core not found");
    let forbidden = [
        "leptos",
        "web_sys",
        "js_sys",
        "wasm_bindgen",
        "gloo",
        "SystemTime",
        "Instant::now",
        "thread_rng",
        "getrandom",
    ];
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in code_lines(&text) {
            for word in forbidden {
                if line.contains(word) {
                    problems.push(format!("{}:{n}: uses `{word}`: {}", f.display(), line.trim()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "src/core must stay pure:\n{}", problems.join("\n"));
}

#[test]
fn the_check_itself_catches_an_import() {
    let sample = "use leptos::prelude::*; // the view\nfn f() {}\n";
    assert!(code_lines(sample).any(|(_, l)| l.contains("leptos")));
    let comment_only = "// leptos is not used here\n";
    assert!(!code_lines(comment_only).any(|(_, l)| l.contains("leptos")));
}
