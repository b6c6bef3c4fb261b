//! The glossary (`content/glossary.toml`) and the transform that links the
//! first use of each term in a page to its entry (a pure document-tree
//! transform, like an mdBook preprocessor).

use serde::{Deserialize, Serialize};

use super::markdown::{Block, Inline};

/// Where the glossary lives, below `content/`.
pub const GLOSSARY_PATH: &str = "glossary.toml";

/// The glossary file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    pub terms: Vec<Term>,
}

/// One term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The anchor on the glossary page.
    pub id: String,
    pub term: String,
    /// Other forms that appear in the text (plurals, variants).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Markdown, one to three sentences.
    pub definition: String,
    /// The lesson section that teaches it.
    pub see: String,
}

impl Glossary {
    /// Problems in the file; `check_link` validates `see` links.
    pub fn problems(&self, check_link: &dyn Fn(&str) -> Result<(), String>) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = std::collections::BTreeSet::new();
        for (i, t) in self.terms.iter().enumerate() {
            if !super::routes::is_valid_slug(&t.id) {
                out.push(format!("terms[{i}]: id `{}` must be lowercase letters, digits and hyphens", t.id));
            }
            if !ids.insert(t.id.as_str()) {
                out.push(format!("terms[{i}] (`{}`): id is used twice", t.id));
            }
            if t.term.trim().is_empty() || t.definition.trim().is_empty() {
                out.push(format!("terms[{i}] (`{}`): `term` and `definition` must not be empty", t.id));
            }
            if let Err(e) = check_link(&t.see) {
                out.push(format!("terms[{i}] (`{}`): `see`: {e}", t.id));
            }
        }
        out
    }

    /// A term by id.
    pub fn get(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// A term's definition as one line of plain text (its tooltip).
    pub fn plain_definition(&self, id: &str) -> Option<String> {
        self.get(id).map(|t| {
            let doc = super::markdown::parse(&t.definition, super::markdown::RenderOptions::default());
            super::markdown::plain_text(&doc.blocks).split_whitespace().collect::<Vec<_>>().join(" ")
        })
    }

    /// (lowercased form, term id), longest forms first, so "dual write"
    /// wins over "write".
    fn patterns(&self) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = self
            .terms
            .iter()
            .flat_map(|t| {
                std::iter::once(t.term.clone())
                    .chain(t.aliases.iter().cloned())
                    .filter(|f| !f.trim().is_empty())
                    .map(move |f| (f.to_lowercase(), t.id.clone()))
            })
            .collect();
        p.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then(a.0.cmp(&b.0)));
        p
    }

    /// Link the first use of each term in `blocks` (outside headings, tables,
    /// code, links and raw HTML) to its glossary entry. Terms listed in `skip`
    /// (e.g. on the glossary page itself) are not linked.
    pub fn link_first_uses(&self, blocks: &mut [Block], skip: &[&str]) {
        let patterns = self.patterns();
        let mut done: Vec<String> = skip.iter().map(|s| s.to_string()).collect();
        for b in blocks.iter_mut() {
            link_block(b, &patterns, &mut done);
        }
    }
}

fn link_block(b: &mut Block, patterns: &[(String, String)], done: &mut Vec<String>) {
    match b {
        Block::Paragraph(c) | Block::Plain(c) => link_inlines(c, patterns, done),
        Block::Quote(bs) | Block::Footnote { blocks: bs, .. } => {
            for b in bs {
                link_block(b, patterns, done);
            }
        }
        Block::List { items, .. } => {
            for item in items {
                for b in &mut item.blocks {
                    link_block(b, patterns, done);
                }
            }
        }
        // Not in tables: a table scrolls inside its own box, which would clip
        // the tooltip; the first use in running text gets the link instead.
        Block::Table { .. }
        | Block::Heading { .. }
        | Block::Code { .. }
        | Block::Rule
        | Block::Html(_)
        | Block::Directive { .. } => {}
    }
}

fn link_inlines(inlines: &mut Vec<Inline>, patterns: &[(String, String)], done: &mut Vec<String>) {
    let mut i = 0;
    while i < inlines.len() {
        match &mut inlines[i] {
            Inline::Text(text) => {
                if let Some((start, end, id)) = find_first(text, patterns, done) {
                    let before = text[..start].to_string();
                    let word = text[start..end].to_string();
                    let after = text[end..].to_string();
                    done.push(id.clone());
                    let mut replacement = Vec::new();
                    if !before.is_empty() {
                        replacement.push(Inline::Text(before));
                    }
                    replacement.push(Inline::Term { id, content: vec![Inline::Text(word)] });
                    let has_after = !after.is_empty();
                    if has_after {
                        replacement.push(Inline::Text(after));
                    }
                    let n = replacement.len();
                    inlines.splice(i..=i, replacement);
                    // Continue with the text after the term (another term may follow).
                    i += if has_after { n - 1 } else { n };
                    continue;
                }
            }
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => link_inlines(c, patterns, done),
            // Never inside links, code, terms or raw HTML.
            _ => {}
        }
        i += 1;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The earliest match in `text` of a pattern whose term is not done yet,
/// on word boundaries, case-insensitive: (byte start, byte end, term id).
fn find_first(text: &str, patterns: &[(String, String)], done: &[String]) -> Option<(usize, usize, String)> {
    let lower = text.to_lowercase();
    // Lowercasing can change byte lengths for a few scripts; only match when
    // it did not, so byte offsets stay valid in `text`.
    if lower.len() != text.len() {
        return None;
    }
    let mut best: Option<(usize, usize, String)> = None;
    for (pat, id) in patterns {
        if done.contains(id) {
            continue;
        }
        let mut from = 0;
        while let Some(pos) = lower[from..].find(pat.as_str()) {
            let start = from + pos;
            let end = start + pat.len();
            let before_ok = lower[..start].chars().next_back().is_none_or(|c| !is_word_char(c));
            let after_ok = lower[end..].chars().next().is_none_or(|c| !is_word_char(c));
            if before_ok && after_ok {
                if best.as_ref().is_none_or(|(s, _, _)| start < *s) {
                    best = Some((start, end, id.clone()));
                }
                break;
            }
            from = start + pat.len().max(1);
            if from >= lower.len() {
                break;
            }
        }
    }
    best
}
