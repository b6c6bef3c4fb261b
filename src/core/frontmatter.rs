//! Split `+++` TOML front matter from a markdown file. Dependency-free, so the
//! build script includes this same file.

/// Returns (front matter text, body, 1-based line where the body starts), or
/// (line, reason) when the file has no well-formed front matter.
pub fn split(text: &str) -> Result<(String, String, usize), (usize, &'static str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "+++" => {}
        _ => return Err((1, "the file must start with `+++` front matter")),
    }
    let mut front = String::new();
    let mut line_no = 1;
    for line in lines.by_ref() {
        line_no += 1;
        if line.trim_end() == "+++" {
            let body: String = lines.collect();
            return Ok((front, body, line_no + 1));
        }
        front.push_str(line);
    }
    Err((1, "front matter is not closed by a `+++` line"))
}
