#![cfg(not(target_arch = "wasm32"))]
//! The one markdown renderer: features, anchors, and escaping of anything a
//! learner could type.

use rollback_lab::core::markdown::{
    self, is_safe_href, parse, slugify, to_html, Block, HtmlOptions, Inline, RenderOptions,
};

fn html(src: &str) -> String {
    to_html(&parse(src, RenderOptions::default()), &HtmlOptions::default())
}

#[test]
fn raw_script_tags_are_escaped_not_passed_through() {
    let out = html("<script>alert(1)</script>\n\nText <script>alert(2)</script> inline.");
    assert!(!out.contains("<script"), "{out}");
    assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{out}");
    assert!(out.contains("&lt;script&gt;alert(2)"), "{out}");
}

#[test]
fn event_handler_attributes_are_escaped() {
    for src in [
        "<img src=x onerror=alert(1)>",
        "a <img src=x onerror=alert(1)> b",
        "<svg onload=alert(1)>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
    ] {
        let out = html(src);
        assert!(
            !out.contains("<img") && !out.contains("<svg") && !out.contains("<div") && !out.contains("<iframe"),
            "{src} -> {out}"
        );
        assert!(out.contains("&lt;"), "{src} -> {out}");
    }
}

#[test]
fn javascript_and_data_links_lose_their_href() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
    ] {
        let doc = parse(src, RenderOptions::default());
        let out = to_html(&doc, &HtmlOptions::default());
        assert!(!out.to_lowercase().contains("href=\"javascript"), "{src} -> {out}");
        assert!(!out.contains("href=\"data:"), "{src} -> {out}");
        assert!(!out.contains("href=\"vbscript:"), "{src} -> {out}");
    }
}

#[test]
fn safe_links_keep_their_href() {
    assert!(is_safe_href("https://example.com/a?b#c"));
    assert!(is_safe_href("http://example.com"));
    assert!(is_safe_href("mailto:oncall@example.com"));
    assert!(is_safe_href("/learn/canary-releases#gates"));
    assert!(is_safe_href("#section"));
    assert!(is_safe_href("relative/path:with-colon"));
    assert!(!is_safe_href("javascript:alert(1)"));
    assert!(!is_safe_href("JAVASCRIPT:alert(1)"));
    assert!(!is_safe_href("\u{0}javascript:alert(1)"));
    let out = html("[Argo](https://argoproj.github.io/rollouts/)");
    assert!(
        out.contains("<a href=\"https://argoproj.github.io/rollouts/\" rel=\"noopener noreferrer external\">Argo</a>"),
        "{out}"
    );
}

#[test]
fn attribute_values_are_escaped() {
    let out = html("[x](https://example.com/\"onmouseover=\"alert(1))");
    assert!(!out.contains("\"onmouseover=\""), "{out}");
}

#[test]
fn tables_task_lists_footnotes_and_code_blocks() {
    let src = "| Metric | Limit |\n|---|--:|\n| p99 | 1.4x |\n\n- [ ] Freeze\n- [x] Kill switch\n\nSee note.[^1]\n\n[^1]: The note.\n\n```sql\nSELECT 1;\n```\n";
    let doc = parse(src, RenderOptions::default());
    let out = to_html(&doc, &HtmlOptions::default());
    assert!(out.contains("aria-label=\"Table 1: Metric, Limit\"><table>"), "{out}");
    assert!(out.contains("<th scope=\"col\">Metric</th><th scope=\"col\" class=\"right\">Limit</th>"), "{out}");
    assert!(out.contains("<td class=\"right\">1.4x</td>"), "{out}");
    assert_eq!(doc.tasks, 2);
    assert!(out.contains("<ul class=\"task-list\">"), "{out}");
    assert!(
        out.contains("<input type=\"checkbox\" disabled=\"\" aria-labelledby=\"task-0\"><div class=\"task-body\" id=\"task-0\">Freeze"),
        "{out}"
    );
    assert!(out.contains("<input type=\"checkbox\" disabled=\"\" checked=\"\" aria-labelledby=\"task-1\">"), "{out}");
    assert!(out.contains("<div class=\"footnote\" id=\"fn-1\"><span class=\"footnote-number\">1</span>"), "{out}");
    assert!(out.contains("<code class=\"language-sql\">SELECT 1;\n</code></pre><button type=\"button\" class=\"copy-button copy-code\""), "{out}");
    // Footnote definitions are moved to the end.
    assert!(matches!(doc.blocks.last(), Some(Block::Footnote { number: 1, .. })));
}

#[test]
fn ordered_task_lists_number_their_tasks_in_order() {
    let doc = parse(
        "1. [ ] **Freeze.** Stop promotions.\n2. [ ] **Kill switches.** Turn flags off.\n",
        RenderOptions::default(),
    );
    let Block::List { start: Some(1), items } = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
    assert_eq!(items.iter().map(|i| i.task_index).collect::<Vec<_>>(), vec![Some(0), Some(1)]);
}

#[test]
fn heading_anchors_follow_mdbook_and_are_unique() {
    assert_eq!(slugify("Why p99, not the mean"), "why-p99-not-the-mean");
    assert_eq!(slugify("The last safe rollback point"), "the-last-safe-rollback-point");
    assert_eq!(slugify("Step 3: Backfill (batched)"), "step-3-backfill-batched");
    let doc = parse("## Rollback\n\n## Rollback\n\n### Custom {#my-id}\n", RenderOptions::default());
    let ids: Vec<&str> = doc.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["rollback", "rollback-1", "my-id"]);
    assert_eq!(doc.headings[0].line, 1);
    assert_eq!(doc.headings[2].line, 5);
}

#[test]
fn directives_only_in_course_content() {
    let src = "Before\n\n{{#checklist pre-deploy}}\n\nAfter";
    let content = parse(src, RenderOptions { directives: true });
    assert!(content.blocks.iter().any(|b| matches!(b,
        Block::Directive { name, args, line: 3 } if name == "checklist" && args == &vec!["pre-deploy".to_string()])));
    let draft = parse(src, RenderOptions::default());
    assert!(!draft.blocks.iter().any(|b| matches!(b, Block::Directive { .. })));
    assert!(to_html(&draft, &HtmlOptions::default()).contains("{{#checklist pre-deploy}}"));
}

#[test]
fn links_are_reported_with_lines() {
    let doc = parse("one\n\n[a](/learn/x)\n\ntext [b](javascript:x)\n", RenderOptions::default());
    assert_eq!(doc.links.len(), 2);
    assert_eq!((doc.links[0].href.as_str(), doc.links[0].line, doc.links[0].safe), ("/learn/x", 3, true));
    assert_eq!((doc.links[1].line, doc.links[1].safe), (5, false));
}

#[test]
fn images_are_never_loaded_only_their_alt_text() {
    let doc = parse("![diagram of a canary](https://evil.example/track.png)", RenderOptions::default());
    let out = to_html(&doc, &HtmlOptions::default());
    assert!(!out.contains("<img"), "{out}");
    assert!(out.contains("diagram of a canary"), "{out}");
    let Block::Paragraph(inl) = &doc.blocks[0] else { panic!() };
    assert!(matches!(&inl[0], Inline::Image { alt } if alt == "diagram of a canary"));
}

#[test]
fn word_count_counts_words_not_markup() {
    assert_eq!(markdown::word_count("# Title\n\n- **one** two\n- `three`\n\n| a | b |\n|---|---|\n| c | d |"), 8);
    assert_eq!(markdown::word_count(""), 0);
}

#[test]
fn steps_links_and_terms_follow_the_options() {
    let mut doc = parse(
        "Read the [playbook](/learn/rollback-playbook#freeze \"The \\\"playbook\\\"\") and [quiz](/quiz), then [top](#top).\n\n\
         - [ ] Freeze\n- [x] Page\n\n## Why it matters\n",
        RenderOptions::default(),
    );
    if let Block::Paragraph(c) = &mut doc.blocks[0] {
        c.insert(0, Inline::Term { id: "canary".into(), content: vec![Inline::Text("Canary".into())] });
    }
    let resolve = |h: &str| if h.starts_with('#') { format!("/base/learn/x{h}") } else { format!("/base{h}") };
    let rel = |h: &str| (h == "/quiz").then_some("external");
    let tip = |id: &str| format!("Tip <{id}>");
    let out = to_html(
        &doc,
        &HtmlOptions {
            id_prefix: "x-",
            heading_links: true,
            steps: true,
            resolve: &resolve,
            rel: &rel,
            term_tip: &tip,
        },
    );
    assert!(
        out.contains("<a href=\"/base/learn/rollback-playbook#freeze\" title=\"The &quot;playbook&quot;\">"),
        "{out}"
    );
    assert!(out.contains("<a href=\"/base/quiz\" rel=\"external\">quiz</a>"), "{out}");
    assert!(out.contains("<a href=\"/base/learn/x#top\">top</a>"), "{out}");
    assert!(
        out.contains("<a class=\"term\" href=\"/base/glossary#canary\" aria-describedby=\"tip-canary\">Canary</a>"),
        "{out}"
    );
    assert!(out.contains("id=\"tip-canary\">Tip &lt;canary&gt;</span>"), "{out}");
    assert!(
        out.contains("<input type=\"checkbox\" class=\"step-check\" data-step=\"1\" aria-labelledby=\"x-task-1\">"),
        "{out}"
    );
    assert!(!out.contains("disabled"), "steps are live boxes: {out}");
    assert!(out.contains("<div class=\"heading-row\"><h2 id=\"why-it-matters\">Why it matters</h2>"), "{out}");
    assert!(
        out.contains(
            "class=\"copy-link\" data-anchor=\"why-it-matters\" aria-label=\"Copy link to section: Why it matters\""
        ),
        "{out}"
    );
}

#[test]
fn a_directive_is_an_empty_slot_whose_arguments_survive_as_json() {
    let doc = parse("{{#diagram flag-flow flag=a.b default=off}}\n", RenderOptions { directives: true });
    let out = to_html(&doc, &HtmlOptions::default());
    assert_eq!(
        out,
        "<div class=\"directive-slot\" data-directive=\"diagram\" \
         data-args=\"[&quot;flag-flow&quot;,&quot;flag=a.b&quot;,&quot;default=off&quot;]\"></div>"
    );
    let hard = vec!["a\"b".to_string(), "c\\d".to_string(), "line\nbreak".to_string(), "é ✓".to_string()];
    let json = markdown::directive_args_json(&hard);
    assert_eq!(serde_json::from_str::<Vec<String>>(&json).unwrap(), hard, "{json}");
    assert_eq!(markdown::directive_args_json(&[]), "[]");
}

#[test]
fn the_lead_is_the_opening_paragraphs_and_both_parts_make_the_whole() {
    let doc = parse("One.\n\nTwo.\n\nThree.\n\n## Head\n\nFour.\n", RenderOptions::default());
    let whole = to_html(&doc, &HtmlOptions::default());
    let (lead, rest) = markdown::to_html_parts(&doc, &HtmlOptions::default(), 2);
    assert_eq!(lead, "<p>One.</p><p>Two.</p>");
    assert_eq!(lead.clone() + &rest, whole);
    // A heading (or anything but a paragraph) ends the lead early.
    let doc = parse("## Head\n\nOne.\n", RenderOptions::default());
    assert_eq!(markdown::to_html_parts(&doc, &HtmlOptions::default(), 2).0, "");
    let doc = parse("One.\n\n| a |\n|---|\n| b |\n", RenderOptions::default());
    let (lead, rest) = markdown::to_html_parts(&doc, &HtmlOptions::default(), 2);
    assert_eq!(lead, "<p>One.</p>");
    assert!(rest.contains("Table 1: a"), "tables are numbered across the cut: {rest}");
}
