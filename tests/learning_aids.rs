#![cfg(not(target_arch = "wasm32"))]
//! Glossary links and search: pure transforms over the course content.

use std::path::Path;

use rollback_lab::core::content::{embedded_search_index, Course};
use rollback_lab::core::glossary::{Glossary, Term};
use rollback_lab::core::markdown::{parse, Block, Inline, RenderOptions};
use rollback_lab::core::search::{query_terms, search, suggest};

fn course() -> Course {
    Course::from_dir(Path::new("content")).unwrap()
}

fn term(id: &str, t: &str, aliases: &[&str]) -> Term {
    Term {
        id: id.into(),
        term: t.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        definition: "d".into(),
        see: "/learn/x".into(),
    }
}

fn terms_in(blocks: &[Block]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(inl: &[Inline], out: &mut Vec<(String, String)>) {
        for i in inl {
            match i {
                Inline::Term { id, content } => {
                    out.push((id.clone(), rollback_lab::core::markdown::inline_text(content)))
                }
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Link { content: c, .. } => {
                    walk(c, out)
                }
                _ => {}
            }
        }
    }
    for b in blocks {
        match b {
            Block::Paragraph(c) | Block::Plain(c) | Block::Heading { content: c, .. } => walk(c, &mut out),
            Block::List { items, .. } => {
                for it in items {
                    out.extend(terms_in(&it.blocks));
                }
            }
            Block::Table { rows, .. } => {
                for cell in rows.iter().flatten() {
                    walk(cell, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_first_use_of_a_term_links_to_the_glossary_once_per_page() {
    let g = Glossary {
        terms: vec![
            term("dual-write", "Dual write", &["dual writes"]),
            term("write", "Write", &[]),
            term("canary", "Canary", &["canaries"]),
        ],
    };
    let src = "## Canary basics\n\nA *canary* gets traffic. Later, canaries again.\n\n- We use dual writes and a write path.\n\n`canary` in code, and [canary link](/learn/x).\n";
    let mut doc = parse(src, RenderOptions::default());
    g.link_first_uses(&mut doc.blocks, &[]);
    let found = terms_in(&doc.blocks);
    assert_eq!(
        found,
        vec![
            ("canary".into(), "canary".into()),
            ("dual-write".into(), "dual writes".into()),
            ("write".into(), "write".into())
        ],
        "headings, code and links are skipped; each term once; the longest form wins"
    );
    let mut skipped = parse(src, RenderOptions::default());
    g.link_first_uses(&mut skipped.blocks, &["canary"]);
    assert!(!terms_in(&skipped.blocks).iter().any(|(id, _)| id == "canary"));
    // Tables are skipped (their scroll box would clip the tooltip): the
    // first use in running text after the table gets the link.
    let mut table =
        parse("| Stage | Who |\n|---|---|\n| 5 % | the canary |\n\nThe canary then grows.\n", RenderOptions::default());
    g.link_first_uses(&mut table.blocks, &[]);
    let Block::Table { rows, .. } = &table.blocks[0] else { panic!("a table first") };
    assert!(terms_in(&[Block::Paragraph(rows[0][1].clone())]).is_empty(), "no link inside the table");
    assert_eq!(terms_in(&table.blocks[1..]), vec![("canary".to_string(), "canary".to_string())]);
}

#[test]
fn terms_match_whole_words_only() {
    let g = Glossary { terms: vec![term("slo", "SLO", &[])] };
    let mut doc = parse("SLOs and SLOW things; the SLO itself.", RenderOptions::default());
    g.link_first_uses(&mut doc.blocks, &[]);
    assert_eq!(terms_in(&doc.blocks), vec![("slo".into(), "SLO".into())]);
    let Block::Paragraph(inl) = &doc.blocks[0] else { panic!() };
    assert!(matches!(&inl[0], Inline::Text(t) if t == "SLOs and SLOW things; the "));
}

#[test]
fn the_course_glossary_is_valid_and_linked_from_lessons() {
    let c = course();
    let g = c.glossary().unwrap();
    assert!(g.terms.len() >= 30, "{}", g.terms.len());
    for required in [
        "canary",
        "kill-switch",
        "backfill",
        "dual-write",
        "p99",
        "error-budget",
        "burn-rate",
        "last-safe-rollback-point",
        "rollforward",
    ] {
        assert!(g.get(required).is_some(), "glossary lacks {required}");
    }
    let page = c.page("expand-and-contract").unwrap();
    let mut doc = parse(&page.body, RenderOptions { directives: true });
    g.link_first_uses(&mut doc.blocks, &[]);
    let ids: Vec<String> = terms_in(&doc.blocks).into_iter().map(|(id, _)| id).collect();
    assert!(ids.contains(&"backfill".to_string()), "{ids:?}");
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "each term at most once");
}

#[test]
fn search_finds_order_status_and_points_at_the_right_heading() {
    let index = course().search_index();
    let hits = search(&index, "order_status", 10);
    assert!(!hits.is_empty());
    let best = &index.sections[hits[0].section];
    assert!(best.text.to_lowercase().contains("order_status") || best.heading.contains("order_status"));
    assert!(best.anchor.is_some() || best.heading == best.page_title);
    assert!(hits[0].snippet.iter().any(|(t, m)| *m && t.to_lowercase() == "order_status"), "{:?}", hits[0].snippet);
    // Every term must match; nonsense finds nothing.
    assert!(search(&index, "order_status zebrafish", 10).is_empty());
    assert!(search(&index, "   ", 10).is_empty());
    // Headings outrank body text.
    let kill = search(&index, "kill switch", 5);
    let top = &index.sections[kill[0].section];
    assert!(
        top.heading.to_lowercase().contains("kill switch") || top.page_title.to_lowercase().contains("kill switch"),
        "{}",
        top.heading
    );
}

#[test]
fn snippets_start_and_end_on_whole_words() {
    let index = course().search_index();
    for q in ["transaction", "last safe", "burn rate", "order_status"] {
        for hit in search(&index, q, 20) {
            let text: String = hit.snippet.iter().map(|(t, _)| t.as_str()).collect();
            let section = &index.sections[hit.section].text;
            let body = text.trim_start_matches("… ").trim_end_matches(" …");
            // A snippet cut from the middle of the text begins after a space.
            if text.starts_with("… ") {
                let at = section.find(body).expect("the snippet is a slice of the section");
                assert!(section[..at].ends_with(' '), "{q}: starts mid-word: {text:?}");
            }
            if text.ends_with(" …") {
                let at = section.find(body).unwrap() + body.len();
                assert!(section[at..].starts_with(' '), "{q}: ends mid-word: {text:?}");
            }
        }
    }
}

#[test]
fn a_misspelt_query_gets_a_suggestion_that_finds_something() {
    let index = course().search_index();
    assert!(search(&index, "rollbak", 10).is_empty());
    assert_eq!(suggest(&index, "rollbak").as_deref(), Some("rollback"));
    assert_eq!(suggest(&index, "kill swtich").as_deref(), Some("kill switch"));
    // Words the index knows are left alone; nonsense gets no suggestion.
    assert_eq!(suggest(&index, "rollback"), None);
    assert_eq!(suggest(&index, "zqxwv"), None);
}

#[test]
fn the_build_script_embeds_the_same_index() {
    assert_eq!(embedded_search_index(), course().search_index());
    assert_eq!(query_terms("P99, not the mean!"), vec!["p99", "not", "the", "mean"]);
}

#[test]
fn search_ignores_ascii_case_and_highlights_the_right_bytes_beside_other_letters() {
    use rollback_lab::core::search::{SearchIndex, Section};
    let section = |heading: &str, text: &str| Section {
        slug: "s".into(),
        page_title: "Page".into(),
        anchor: Some("a".into()),
        heading: heading.into(),
        text: text.into(),
    };
    let index = SearchIndex {
        sections: vec![section("Straße → Canary", "İstanbul team: the CANARY gets 5 % — then 25 %.")],
    };
    let hits = search(&index, "canary", 5);
    assert_eq!(hits.len(), 1, "upper-case text is found by a lower-case query");
    // Letters whose lower case is longer (İ) no longer stop the highlight:
    // the marked slice is exactly the word.
    let marked: Vec<&str> = hits[0].snippet.iter().filter(|(_, m)| *m).map(|(t, _)| t.as_str()).collect();
    assert_eq!(marked, vec!["CANARY"]);
    let heading: Vec<&str> = hits[0].heading.iter().filter(|(_, m)| *m).map(|(t, _)| t.as_str()).collect();
    assert_eq!(heading, vec!["Canary"]);
    // A non-ASCII word matches itself.
    assert_eq!(search(&index, "straße", 5).len(), 1);
}
