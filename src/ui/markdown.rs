//! Renders a parsed markdown [`Doc`] as Leptos views. Every string becomes a
//! text node; nothing is ever set as inner HTML. Directives and task items are
//! rendered through hooks so each feature can plug in its own component.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::markdown::{self, Block, Doc, Inline, Item, RenderOptions};
use crate::ui::util;

/// Renders a directive block (`{{#name args}}`).
pub type DirectiveFn = Arc<dyn Fn(&str, &[String]) -> AnyView + Send + Sync>;
/// Renders the checkbox of task item `index`, given its label id.
pub type TaskFn = Arc<dyn Fn(usize, bool, String) -> AnyView + Send + Sync>;

/// How a document is turned into views.
#[derive(Clone, Default)]
pub struct MdHooks {
    pub directive: Option<DirectiveFn>,
    pub task: Option<TaskFn>,
    /// Prefix for element ids (task labels), unique per rendered document.
    pub id_prefix: String,
    /// Show a "copy link" button beside headings.
    pub heading_links: bool,
    /// Numbers the tables of one document (their regions need unique names).
    pub tables: Arc<std::sync::atomic::AtomicUsize>,
}

/// Markdown from a learner or an import: no directives, no heading buttons.
#[component]
pub fn Markdown(#[prop(into)] source: Signal<String>, #[prop(optional, into)] id_prefix: String) -> impl IntoView {
    move || {
        let doc = markdown::parse(&source.get(), RenderOptions::default());
        let hooks = MdHooks { id_prefix: id_prefix.clone(), ..Default::default() };
        render_doc(&doc, &hooks)
    }
}

/// Render a whole document.
pub fn render_doc(doc: &Doc, hooks: &MdHooks) -> AnyView {
    blocks(&doc.blocks, hooks)
}

fn blocks(bs: &[Block], hooks: &MdHooks) -> AnyView {
    bs.iter().map(|b| block(b, hooks)).collect::<Vec<_>>().into_any()
}

fn block(b: &Block, hooks: &MdHooks) -> AnyView {
    match b {
        Block::Heading { level, id, content } => heading(*level, id, content, hooks),
        Block::Paragraph(c) => view! { <p>{inlines(c)}</p> }.into_any(),
        Block::Plain(c) => inlines(c),
        Block::Code { lang, code } => {
            let class = lang.as_ref().map(|l| format!("language-{l}"));
            let label = match lang {
                Some(l) => format!("Code ({l})"),
                None => "Code".to_string(),
            };
            view! {
                <div class="code-block">
                    <pre tabindex="0" aria-label=label><code class=class>{code.clone()}</code></pre>
                    // Handled by the page-wide listener (`util::install_copy_buttons`).
                    <button type="button" class="copy-button copy-code" aria-label="Copy code" title="Copy code">
                        "Copy"
                    </button>
                </div>
            }
            .into_any()
        }
        Block::Quote(bs) => view! { <blockquote>{blocks(bs, hooks)}</blockquote> }.into_any(),
        Block::List { start, items } => {
            let lis = items.iter().map(|i| item(i, hooks)).collect::<Vec<_>>();
            let class = items.iter().any(|i| i.task.is_some()).then_some("task-list");
            match start {
                Some(n) => view! { <ol class=class start=n.to_string()>{lis}</ol> }.into_any(),
                None => view! { <ul class=class>{lis}</ul> }.into_any(),
            }
        }
        Block::Table { aligns, head, rows } => {
            let align = |i: usize| markdown::table_align(aligns.get(i));
            let n = hooks.tables.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let columns: Vec<String> =
                head.iter().map(|c| markdown::inline_text(c)).filter(|t| !t.trim().is_empty()).collect();
            let label = format!("Table {n}: {}", columns.join(", "));
            let head = head
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    // An empty header cell is not a header (screen readers announce nothing).
                    if markdown::inline_text(c).trim().is_empty() {
                        view! { <td class=align(i)></td> }.into_any()
                    } else {
                        view! { <th scope="col" class=align(i)>{inlines(c)}</th> }.into_any()
                    }
                })
                .collect::<Vec<_>>();
            let rows = rows
                .iter()
                .map(|r| {
                    let cells = r
                        .iter()
                        .enumerate()
                        .map(|(i, c)| view! { <td class=align(i)>{inlines(c)}</td> })
                        .collect::<Vec<_>>();
                    view! { <tr>{cells}</tr> }
                })
                .collect::<Vec<_>>();
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=label>
                    <table>
                        <thead>
                            <tr>{head}</tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
        Block::Rule => view! { <hr /> }.into_any(),
        Block::Html(s) => view! { <p class="raw-html">{s.clone()}</p> }.into_any(),
        Block::Directive { name, args, .. } => match &hooks.directive {
            // The same slot the build step writes (`markdown::to_html`).
            Some(f) => view! {
                <div class="directive-slot" data-directive=name.clone() data-args=markdown::directive_args_json(args)>
                    {f(name, args)}
                </div>
            }
            .into_any(),
            None => view! { <p>{format!("{{{{#{} {}}}}}", name, args.join(" "))}</p> }.into_any(),
        },
        Block::Footnote { label, number, blocks: bs } => {
            let id = format!("fn-{}", markdown::slugify(label));
            view! {
                <div class="footnote" id=id>
                    <span class="footnote-number">{number.to_string()}</span>
                    {blocks(bs, hooks)}
                </div>
            }
            .into_any()
        }
    }
}

fn heading(level: u8, id: &str, content: &[Inline], hooks: &MdHooks) -> AnyView {
    let id = id.to_string();
    let inner = inlines(content);
    let h = match level {
        1 => view! { <h1 id=id.clone()>{inner}</h1> }.into_any(),
        2 => view! { <h2 id=id.clone()>{inner}</h2> }.into_any(),
        3 => view! { <h3 id=id.clone()>{inner}</h3> }.into_any(),
        4 => view! { <h4 id=id.clone()>{inner}</h4> }.into_any(),
        5 => view! { <h5 id=id.clone()>{inner}</h5> }.into_any(),
        _ => view! { <h6 id=id.clone()>{inner}</h6> }.into_any(),
    };
    if !hooks.heading_links {
        return h;
    }
    let label = format!("Copy link to section: {}", markdown::inline_text(content));
    view! {
        <div class="heading-row">
            {h}
            // Handled by the page-wide listener (`util::install_copy_buttons`).
            <button type="button" class="copy-link" data-anchor=id aria-label=label.clone() title=label>
                "#"
            </button>
        </div>
    }
    .into_any()
}

fn item(i: &Item, hooks: &MdHooks) -> AnyView {
    match (i.task, i.task_index) {
        (Some(checked), Some(index)) => {
            let label_id = format!("{}task-{index}", hooks.id_prefix);
            let checkbox = match &hooks.task {
                Some(f) => f(index, checked, label_id.clone()),
                None => view! {
                    <input type="checkbox" disabled=true checked=checked aria-labelledby=label_id.clone() />
                }
                .into_any(),
            };
            view! {
                <li class="task">
                    {checkbox}
                    <div class="task-body" id=label_id>{blocks(&i.blocks, hooks)}</div>
                </li>
            }
            .into_any()
        }
        _ => view! { <li>{blocks(&i.blocks, hooks)}</li> }.into_any(),
    }
}

/// Render inline content.
pub fn inlines(c: &[Inline]) -> AnyView {
    c.iter().map(inline).collect::<Vec<_>>().into_any()
}

fn inline(i: &Inline) -> AnyView {
    match i {
        Inline::Text(t) | Inline::Html(t) => t.clone().into_any(),
        Inline::Code(t) => view! { <code>{t.clone()}</code> }.into_any(),
        Inline::Emph(c) => view! { <em>{inlines(c)}</em> }.into_any(),
        Inline::Strong(c) => view! { <strong>{inlines(c)}</strong> }.into_any(),
        Inline::Strike(c) => view! { <del>{inlines(c)}</del> }.into_any(),
        Inline::Link { href: Some(href), title, content } => {
            let resolved = util::resolve_href(href);
            let external = href.starts_with("http://") || href.starts_with("https://");
            let title = (!title.is_empty()).then(|| title.clone());
            if external {
                view! { <a href=resolved title=title rel=markdown::EXTERNAL_REL>{inlines(content)}</a> }.into_any()
            } else {
                let rel = crate::ui::edition::rel_for_href(href);
                view! { <a href=resolved title=title rel=rel>{inlines(content)}</a> }.into_any()
            }
        }
        Inline::Link { href: None, content, .. } => {
            view! { <span class="unsafe-link">{inlines(content)}</span> }.into_any()
        }
        Inline::Term { id, content } => {
            let href = util::resolve_href(&format!("/glossary#{id}"));
            let tip_id = format!("tip-{id}");
            let tip = crate::ui::glossary::plain_definition(id).unwrap_or_default();
            view! {
                <span class="term-wrap">
                    <a class="term" href=href aria-describedby=tip_id.clone()>{inlines(content)}</a>
                    <span class="tooltip" role="tooltip" id=tip_id>{tip}</span>
                </span>
            }
            .into_any()
        }
        Inline::Image { alt } => view! { <span class="image-alt">{alt.clone()}</span> }.into_any(),
        Inline::Break => view! { <br /> }.into_any(),
        Inline::SoftBreak => " ".into_any(),
        Inline::FootnoteRef { label, number } => {
            let href = format!("#fn-{}", markdown::slugify(label));
            view! {
                <sup class="footnote-ref">
                    <a href=href aria-label=format!("Footnote {number}")>{number.to_string()}</a>
                </sup>
            }
            .into_any()
        }
    }
}

/// Markdown for one line (an option, a label): the inline content of a
/// single paragraph, without the paragraph.
pub fn inline_md(src: &str) -> AnyView {
    let doc = markdown::parse(src, RenderOptions::default());
    match doc.blocks.as_slice() {
        [Block::Paragraph(c)] => inlines(c),
        _ => render_doc(&doc, &MdHooks::default()),
    }
}
