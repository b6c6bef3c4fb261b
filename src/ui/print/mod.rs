//! The whole course as one document, to print or save as PDF (as mdBook's
//! print page): every content page in reading order, its headings one level
//! down under the page's title, anchors made unique per page.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::markdown::{self, Block, RenderOptions};
use crate::ui::markdown::{render_doc, MdHooks};
use crate::ui::state::course;

#[component]
pub fn PrintPage() -> impl IntoView {
    let Ok(course) = course() else {
        return view! { <p>"The course content could not be loaded."</p> }.into_any();
    };
    let chapters = course
        .pages
        .iter()
        .map(|p| {
            let slug = p.front.slug.clone();
            let mut doc = markdown::parse(&p.body, RenderOptions { directives: true });
            // One document: each page's headings sit under its title, and
            // their anchors carry the page's slug so none repeats.
            for b in &mut doc.blocks {
                if let Block::Heading { level, id, .. } = b {
                    *level = (*level + 1).min(6);
                    *id = format!("{slug}--{id}");
                }
            }
            let hooks = MdHooks {
                // The live parts (and the diagrams, whose SVG ids are the same
                // on every page that draws one) are named, not drawn: one
                // document must not repeat an id or a landmark.
                directive: Some(Arc::new(|name: &str, args: &[String]| {
                    let what = match (name, args.first().map(String::as_str)) {
                        ("diagram", Some(kind)) => {
                            format!("A diagram ({}) is drawn here in the app.", kind.replace('-', " "))
                        }
                        ("quiz", _) => "A question to check your understanding is asked here in the app.".to_string(),
                        ("checklist", Some(id)) => {
                            format!("The {} checklist is here in the app.", id.replace('-', " "))
                        }
                        _ => "An interactive example runs here in the app.".to_string(),
                    };
                    view! { <p class="print-note">{format!("({what})")}</p> }.into_any()
                })),
                id_prefix: format!("print-{slug}-"),
                ..Default::default()
            };
            view! {
                <section class="print-chapter" aria-labelledby=format!("chapter-{slug}")>
                    <p class="eyebrow">{p.front.part.clone()}</p>
                    <h2 id=format!("chapter-{slug}")>{p.front.title.clone()}</h2>
                    <div class="prose">{render_doc(&doc, &hooks)}</div>
                </section>
            }
        })
        .collect::<Vec<_>>();
    let contents = course
        .pages
        .iter()
        .map(|p| {
            let href = crate::ui::util::resolve_href(&format!("#chapter-{}", p.front.slug));
            view! { <li><a href=href>{p.front.title.clone()}</a></li> }
        })
        .collect::<Vec<_>>();
    view! {
        <Title text="The whole course, to print · Rollback Lab" />
        <article class="page print-page">
            <p class="eyebrow">"Reference"</p>
            <h1>"The whole course, to print"</h1>
            <p class="summary">
                "Every page of Rollback Lab in reading order. Diagrams, questions and live examples need the app; \
                 here they are named where they stand."
            </p>
            <p class="no-print">
                <button type="button" class="button primary" on:click=|_| { let _ = window().print(); }>"Print or save as PDF"</button>
            </p>
            <nav class="print-contents" aria-label="Contents">
                <h2>"Contents"</h2>
                <ol>{contents}</ol>
            </nav>
            {chapters}
        </article>
    }
    .into_any()
}
