//! Pages whose interactive part is still being built say what will come.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::routes::{app_routes, Route};

#[component]
pub fn ToolPage(route: Route) -> impl IntoView {
    let info = app_routes().into_iter().find(|r| r.route == route);
    let (title, summary) = info.map(|r| (r.title, r.summary)).unwrap_or(("Tool", ""));
    view! {
        <Title text=format!("{title} · Rollback Lab") />
        <article class="page">
            <p class="eyebrow">"Tools"</p>
            <h1>{title}</h1>
            <p class="summary">{summary}</p>
            <p class="notice">"This tool is being built and will appear here soon."</p>
        </article>
    }
}
