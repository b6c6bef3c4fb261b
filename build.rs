//! Embeds `content/` into the app: markdown bodies as they are, every TOML
//! part (front matter and data files) converted to JSON, so the browser needs
//! no TOML parser. A file that does not parse stops the build with its path
//! and line. Typed validation (links, anchors, quiz answers …) is done by
//! `cargo test` (tests/content.rs) with the same line-exact messages.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "src/core/frontmatter.rs"]
mod frontmatter;

#[allow(dead_code)]
#[path = "src/core/markdown.rs"]
mod markdown;

#[allow(dead_code)]
#[path = "src/core/search.rs"]
mod search;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "toml")) {
            out.push(p);
        }
    }
}

fn toml_to_json(rel: &str, text: &str, first_line: usize) -> String {
    match toml::from_str::<toml::Value>(text) {
        Ok(v) => serde_json::to_string(&v).expect("TOML values are JSON-serialisable"),
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + first_line)
                .unwrap_or(first_line);
            panic!("content/{rel}:{line}: {}", e.message());
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let content = root.join("content");
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=src/core/frontmatter.rs");
    println!("cargo:rerun-if-changed=src/core/markdown.rs");
    println!("cargo:rerun-if-changed=src/core/search.rs");
    let mut files = Vec::new();
    collect(&content, &mut files);
    files.sort();

    // Front matter and bodies in two parallel arrays, so a build that needs
    // only the outline (the home build) links none of the bodies.
    let mut md = String::from("pub static MD_FILES: &[MdFile] = &[\n");
    let mut bodies = String::from("pub static MD_BODIES: &[&str] = &[\n");
    // (order, slug, title, summary, body) of every page, for the search index.
    let mut pages: Vec<(i64, String, String, String, String)> = Vec::new();
    let mut data = String::from("pub static DATA_FILES: &[DataFile] = &[\n");
    for path in &files {
        let rel = path.strip_prefix(&content).unwrap().to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("content/{rel}: cannot read: {e}"));
        if rel.ends_with(".md") {
            let (front, body, body_line) =
                frontmatter::split(&text).unwrap_or_else(|(line, msg)| panic!("content/{rel}:{line}: {msg}"));
            let json = toml_to_json(&rel, &front, 2);
            if !rel.starts_with("exercises/answers/") {
                let v: serde_json::Value = serde_json::from_str(&json).unwrap();
                let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
                let order = v.get("order").and_then(|x| x.as_i64()).unwrap_or(0);
                pages.push((order, field("slug"), field("title"), field("summary"), body.clone()));
            }
            writeln!(md, "    MdFile {{ path: {rel:?}, front: {json:?}, body_line: {body_line} }},").unwrap();
            writeln!(bodies, "    {body:?},").unwrap();
        } else {
            let json = toml_to_json(&rel, &text, 1);
            writeln!(data, "    DataFile {{ path: {rel:?}, json: {json:?} }},").unwrap();
        }
    }
    md.push_str("];\n");
    bodies.push_str("];\n");
    data.push_str("];\n");
    // In reading order, as the app lists them.
    pages.sort_by_key(|p| p.0);
    let texts: Vec<search::PageText<'_>> =
        pages.iter().map(|(_, slug, title, summary, body)| search::PageText { slug, title, summary, body }).collect();
    let index = serde_json::to_string(&search::build_index(&texts)).expect("index serialises");
    writeln!(data, "pub static SEARCH_INDEX: &str = {index:?};").unwrap();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("content_gen.rs");
    fs::write(out, md + &bodies + &data).expect("write content_gen.rs");
}
