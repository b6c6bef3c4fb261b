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
    let mut files = Vec::new();
    collect(&content, &mut files);
    files.sort();

    let mut md = String::from("pub static MD_FILES: &[MdFile] = &[\n");
    let mut data = String::from("pub static DATA_FILES: &[DataFile] = &[\n");
    for path in &files {
        let rel = path.strip_prefix(&content).unwrap().to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("content/{rel}: cannot read: {e}"));
        if rel.ends_with(".md") {
            let (front, body, body_line) =
                frontmatter::split(&text).unwrap_or_else(|(line, msg)| panic!("content/{rel}:{line}: {msg}"));
            let json = toml_to_json(&rel, &front, 2);
            writeln!(md, "    MdFile {{ path: {rel:?}, front: {json:?}, body: {body:?}, body_line: {body_line} }},")
                .unwrap();
        } else {
            let json = toml_to_json(&rel, &text, 1);
            writeln!(data, "    DataFile {{ path: {rel:?}, json: {json:?} }},").unwrap();
        }
    }
    md.push_str("];\n");
    data.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("content_gen.rs");
    fs::write(out, md + &data).expect("write content_gen.rs");
}
