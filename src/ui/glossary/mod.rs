//! The glossary page: every term, its definition and the section that
//! teaches it, with a letter index.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::glossary::Glossary;
use crate::core::markdown::{self, RenderOptions};
use crate::ui::markdown::{inline_md, render_doc, MdHooks};
use crate::ui::state::course;
use crate::ui::util;

/// The glossary, parsed once.
pub fn glossary() -> &'static Glossary {
    static G: std::sync::OnceLock<Glossary> = std::sync::OnceLock::new();
    G.get_or_init(|| course().as_ref().ok().and_then(|c| c.glossary().ok()).unwrap_or_default())
}

/// A term's definition as plain text (for tooltips).
pub fn plain_definition(id: &str) -> Option<String> {
    glossary().plain_definition(id)
}

#[component]
pub fn GlossaryPage() -> impl IntoView {
    let mut terms = glossary().terms.clone();
    terms.sort_by_key(|t| t.term.to_lowercase());
    let mut letters: Vec<char> =
        terms.iter().filter_map(|t| t.term.chars().next()).map(|c| c.to_ascii_uppercase()).collect();
    letters.dedup();
    let index = letters
        .iter()
        .map(|l| {
            let href = util::resolve_href(&format!("#letter-{}", l.to_ascii_lowercase()));
            view! { <li><a href=href>{l.to_string()}</a></li> }
        })
        .collect::<Vec<_>>();
    let mut last: Option<char> = None;
    let entries = terms
        .into_iter()
        .map(|t| {
            let first = t.term.chars().next().map(|c| c.to_ascii_uppercase()).unwrap_or('#');
            let letter_anchor = (last != Some(first)).then_some(first);
            last = Some(first);
            let doc = markdown::parse(&t.definition, RenderOptions::default());
            let see_title = see_title(&t.see);
            view! {
                <div class="glossary-entry" id=letter_anchor.map(|l| format!("letter-{}", l.to_ascii_lowercase()))>
                    <dt id=t.id.clone()>{inline_md(&t.term)}</dt>
                    <dd>
                        <div class="prose">{render_doc(&doc, &MdHooks { id_prefix: format!("g-{}-", t.id), ..Default::default() })}</div>
                        <p class="see">"Learn more: " <a href=util::resolve_href(&t.see) rel=crate::ui::edition::rel_for_href(&t.see)>{see_title}</a></p>
                    </dd>
                </div>
            }
        })
        .collect::<Vec<_>>();
    request_animation_frame(move || {
        if let Ok(hash) = window().location().hash() {
            if let Some(el) = hash.strip_prefix('#').and_then(|id| document().get_element_by_id(id)) {
                el.scroll_into_view();
            }
        }
    });
    view! {
        <Title text="Glossary · Rollback Lab" />
        <article class="page glossary-page">
            <p class="eyebrow">"Reference"</p>
            <h1>"Glossary"</h1>
            <p class="summary">"The terms of the course, in plain words, each with the section that teaches it. In lessons, the first use of a term links here."</p>
            <nav aria-label="Letters"><ul class="letters">{index}</ul></nav>
            <dl class="glossary">{entries}</dl>
        </article>
    }
}

/// "Page title — Section" for a `/learn/slug#anchor` link.
fn see_title(href: &str) -> String {
    let Ok(c) = course() else { return href.to_string() };
    let (path, _, frag) = crate::core::routes::split_href(href);
    let slug = path.trim_start_matches(crate::core::routes::PAGE_PREFIX);
    let Some(p) = c.page(slug) else { return href.to_string() };
    let heading = frag.and_then(|f| {
        markdown::parse(&p.body, RenderOptions { directives: true })
            .headings
            .into_iter()
            .find(|h| h.id == f)
            .map(|h| h.text)
    });
    match heading {
        Some(h) => format!("{} — {}", p.front.title, h),
        None => p.front.title.clone(),
    }
}
