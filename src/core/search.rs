//! Full-text search over the course: an index of sections (a page's text
//! split at its `##`/`###` headings), built by the build script from the
//! same markdown parser the app renders with, and a ranked, highlighted
//! search over it. Depends only on `super::markdown` and serde, so the build
//! script includes this file as it is.
//!
//! Matching ignores ASCII case only ("Canary" finds "canary"; a non-ASCII
//! letter matches itself): the course is written in English, ASCII folding
//! keeps byte offsets for highlighting, and it leaves Unicode's case tables
//! out of the smallest build.

use serde::{Deserialize, Serialize};

use super::markdown::{self, Block, RenderOptions};

/// One searchable section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub slug: String,
    pub page_title: String,
    /// The heading's anchor (`None` for the text before the first heading).
    pub anchor: Option<String>,
    /// The heading text (the page title for the first section).
    pub heading: String,
    /// The section's plain text.
    pub text: String,
}

/// The whole index.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchIndex {
    pub sections: Vec<Section>,
}

/// A page to index: (slug, title, summary, markdown body).
pub struct PageText<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
}

/// Build the index from pages.
pub fn build_index(pages: &[PageText<'_>]) -> SearchIndex {
    let mut sections = Vec::new();
    for p in pages {
        let doc = markdown::parse(p.body, RenderOptions { directives: true });
        let mut current = Section {
            slug: p.slug.to_string(),
            page_title: p.title.to_string(),
            anchor: None,
            heading: p.title.to_string(),
            text: p.summary.to_string(),
        };
        for b in &doc.blocks {
            match b {
                Block::Heading { level, id, content } if *level <= 3 => {
                    sections.push(std::mem::replace(
                        &mut current,
                        Section {
                            slug: p.slug.to_string(),
                            page_title: p.title.to_string(),
                            anchor: Some(id.clone()),
                            heading: markdown::inline_text(content).trim().to_string(),
                            text: String::new(),
                        },
                    ));
                }
                other => {
                    let t = markdown::plain_text(std::slice::from_ref(other));
                    if !current.text.is_empty() {
                        current.text.push(' ');
                    }
                    current.text.push_str(&t.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
        }
        sections.push(current);
    }
    SearchIndex { sections }
}

/// A piece of highlighted text: (text, is a match).
pub type Highlighted = Vec<(String, bool)>;

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub section: usize,
    pub score: u32,
    pub heading: Highlighted,
    pub snippet: Highlighted,
}

/// Lowercased words of a query (letters, digits, `_`, `-`, `.` kept inside words).
pub fn query_terms(query: &str) -> Vec<String> {
    query
        .to_ascii_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map(|w| w.trim_matches(|c| c == '-' || c == '.').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Byte ranges in `text` where any term occurs (case-insensitive), merged.
fn match_ranges(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    // ASCII case folding keeps every byte offset, so ranges found in the
    // lowercased text are ranges of the text.
    let lower = text.to_ascii_lowercase();
    let mut ranges = Vec::new();
    for t in terms {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(t.as_str()) {
            let s = from + pos;
            ranges.push((s, s + t.len()));
            from = s + t.len().max(1);
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn highlight(text: &str, ranges: &[(usize, usize)]) -> Highlighted {
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in ranges {
        if s > at {
            out.push((text[at..s].to_string(), false));
        }
        out.push((text[s..e].to_string(), true));
        at = e;
    }
    if at < text.len() {
        out.push((text[at..].to_string(), false));
    }
    out
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// When a query finds nothing: the same query with each unknown word
/// replaced by the closest word of the index (at most two letters off), if
/// that finds something ("rollbak" → "rollback").
pub fn suggest(index: &SearchIndex, query: &str) -> Option<String> {
    let terms = query_terms(query);
    if terms.is_empty() {
        return None;
    }
    let mut vocab: Vec<String> = index
        .sections
        .iter()
        .flat_map(|s| {
            s.heading
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .chain(s.text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')))
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.chars().count() >= 3)
        .collect();
    vocab.sort();
    vocab.dedup();
    let mut changed = false;
    let mut fixed = Vec::with_capacity(terms.len());
    for t in &terms {
        if vocab.iter().any(|w| w.contains(t.as_str())) {
            fixed.push(t.clone());
            continue;
        }
        let max = if t.chars().count() >= 6 { 2 } else { 1 };
        let best = vocab
            .iter()
            .filter(|w| w.chars().count().abs_diff(t.chars().count()) <= max)
            .map(|w| (edit_distance(t, w), w))
            .filter(|(d, _)| *d <= max)
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.len().cmp(&b.1.len())).then(a.1.cmp(b.1)));
        match best {
            Some((_, w)) => {
                fixed.push(w.clone());
                changed = true;
            }
            None => return None,
        }
    }
    let q = fixed.join(" ");
    (changed && !search(index, &q, 1).is_empty()).then_some(q)
}

/// Edit distance over characters, a swap of two neighbours counting as one
/// edit (optimal string alignment): "swtich" is one edit from "switch".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// Search: every term must occur in the section (heading, page title or
/// text). Ranked by where the terms occur and how often. Returns at most
/// `limit` hits with highlighted heading and a snippet around the first match.
pub fn search(index: &SearchIndex, query: &str, limit: usize) -> Vec<Hit> {
    let terms = query_terms(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<Hit> = Vec::new();
    for (i, s) in index.sections.iter().enumerate() {
        let heading_l = s.heading.to_ascii_lowercase();
        let title_l = s.page_title.to_ascii_lowercase();
        let text_l = s.text.to_ascii_lowercase();
        let mut score = 0u32;
        let mut all = true;
        for t in &terms {
            let in_heading = heading_l.contains(t.as_str());
            let in_title = title_l.contains(t.as_str());
            let n = text_l.matches(t.as_str()).count() as u32;
            if !(in_heading || in_title || n > 0) {
                all = false;
                break;
            }
            score += u32::from(in_heading) * 20 + u32::from(in_title) * 8 + n.min(10) * 2;
        }
        if !all {
            continue;
        }
        let ranges = match_ranges(&s.text, &terms);
        let snippet = match ranges.first() {
            Some(&(start, end)) => {
                let mut from = floor_char(&s.text, start.saturating_sub(60));
                let mut to = ceil_char(&s.text, (start + 160).min(s.text.len()));
                // Cut at spaces, never inside a word.
                if from > 0 {
                    if let Some(sp) = s.text[from..start].find(' ') {
                        from += sp + 1;
                    }
                }
                if to < s.text.len() && to > end {
                    if let Some(sp) = s.text[end..to].rfind(' ') {
                        to = end + sp;
                    }
                }
                let window = &s.text[from..to];
                let shifted: Vec<(usize, usize)> =
                    ranges.iter().filter(|(a, b)| *a >= from && *b <= to).map(|(a, b)| (a - from, b - from)).collect();
                let mut h = highlight(window, &shifted);
                if from > 0 {
                    h.insert(0, ("… ".to_string(), false));
                }
                if to < s.text.len() {
                    h.push((" …".to_string(), false));
                }
                h
            }
            None => vec![(s.text.chars().take(160).collect(), false)],
        };
        let heading = highlight(&s.heading, &match_ranges(&s.heading, &terms));
        hits.push(Hit { section: i, score, heading, snippet });
    }
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.section.cmp(&b.section)));
    hits.truncate(limit);
    hits
}
