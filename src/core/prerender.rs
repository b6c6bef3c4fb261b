//! A page's prose as the app renders it, written at build time into the
//! page's first paint: the learner reads it before the .wasm has loaded,
//! and the app adopts those very elements instead of parsing and rendering
//! the markdown again (see ARCHITECTURE.md, "Written prose").

use super::content::Course;
use super::markdown::{self, HtmlOptions, RenderOptions};
use super::routes::{self, Route};

/// How many opening paragraphs the first paint shows; the rest of the prose
/// waits in a `<template>`, so the first layout stays small.
pub const LEAD_BLOCKS: usize = 2;

/// A page's prose as HTML, cut after its opening paragraphs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageProse {
    /// The opening paragraphs (see [`LEAD_BLOCKS`]).
    pub lead: String,
    /// Everything after them.
    pub rest: String,
    /// How many step boxes it has.
    pub steps: usize,
}

/// The prose of page `slug`, for a site served under `base` ("/" or
/// "/course/"): see [`markdown::to_html_parts`] and [`LEAD_BLOCKS`].
/// Glossary terms linked, steps as `step-check` boxes, directives as empty
/// slots, links resolved and marked `external` when another build serves
/// their page. `None` for an unknown slug.
pub fn page_prose(course: &Course, slug: &str, base: &str) -> Option<PageProse> {
    let page = course.page(slug)?;
    let mut doc = markdown::parse(&page.body, RenderOptions { directives: true });
    let glossary = course.glossary().unwrap_or_default();
    glossary.link_first_uses(&mut doc.blocks, &[]);
    let base = base.trim_end_matches('/');
    let route = Route::Page(slug.to_string());
    let build = course.build_of(&route);
    let resolve = |href: &str| routes::resolve_href(href, base, &route);
    let rel = |href: &str| routes::href_route(href).filter(|r| !course.serves(build, r)).map(|_| "external");
    let term_tip = |id: &str| glossary.plain_definition(id).unwrap_or_default();
    let prefix = format!("{slug}-");
    let opts = HtmlOptions {
        id_prefix: &prefix,
        heading_links: true,
        steps: true,
        resolve: &resolve,
        rel: &rel,
        term_tip: &term_tip,
    };
    let (lead, rest) = markdown::to_html_parts(&doc, &opts, LEAD_BLOCKS);
    Some(PageProse { lead, rest, steps: doc.tasks })
}
