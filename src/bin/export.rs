//! Native exports over core, for the build and the performance script:
//!
//! - `export routes` prints one line per route of the app, tab-separated:
//!   path, build (`home`, `reader` or `tools`), page title, description,
//!   eyebrow (the line above the title) and layout (`wide`, `home` or
//!   empty).
//!   The build script writes one HTML entry per route from it (see
//!   ARCHITECTURE.md, "Three builds").
//! - `export search-index` prints the search index as JSON; the build
//!   writes it as `search-<hash>.json`, which the app fetches.
//! - `export prose BASE` prints, as JSON, each content page's prose as the
//!   app renders it (`{ base, pages: { path → summary, steps, and the HTML
//!   of its opening paragraphs and of the rest } }`), for a site under BASE
//!   ("/" or "/course/"); the build writes it into each page's first paint
//!   and the app adopts it (ARCHITECTURE.md, "Written prose").
//! - `export static-pages OUT_DIR [CSS_HREF ...]` writes one plain HTML page
//!   per content page (`OUT_DIR/<slug>.html`) with that same prose, linking
//!   the given stylesheets: the baseline the app's load time is compared
//!   with.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::path::Path;

    use rollback_lab::core::content::Course;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: export routes | export search-index | export prose BASE | export static-pages OUT_DIR [CSS_HREF ...]";
    let course = match Course::from_dir(Path::new("content")) {
        Ok(c) => c,
        Err(e) => {
            for err in e {
                eprintln!("{err}");
            }
            std::process::exit(2);
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("routes") if args.len() == 1 => {
            print!("{}", routes(&course));
            Ok(())
        }
        Some("search-index") if args.len() == 1 => {
            let index = rollback_lab::core::content::embedded_search_index();
            serde_json::to_string(&index).map(|json| println!("{json}")).map_err(|e| e.to_string())
        }
        Some("prose") if args.len() == 2 => prose(&course, &args[1]).map(|json| println!("{json}")),
        Some("static-pages") if args.len() >= 2 => static_pages(&course, Path::new(&args[1]), &args[2..]),
        _ => Err(usage.to_string()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(2);
    }
}

/// The route table as TSV: path, build, title, description, and for the
/// static first paint the page's eyebrow (the line above its title) and
/// layout (the class its `.page` has besides `page`: `wide`, `home` or
/// nothing).
#[cfg(not(target_arch = "wasm32"))]
fn routes(course: &rollback_lab::core::content::Course) -> String {
    use rollback_lab::core::routes::{self, Route};

    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let build = |r: &Route| course.build_of(r).name();
    let home = "A hands-on course for API engineers: canary releases, kill switches, compatible APIs, \
                expand-and-contract migrations, metric gates, and rollback and rollforward playbooks.";
    let layout = |wide: bool| if wide { "wide" } else { "" };
    let mut out = format!(
        "/\t{}\tRollback Lab · ship risky changes safely, and undo them\t{home}\t\thome\n",
        build(&Route::Home)
    );
    for p in &course.pages {
        let route = Route::Page(p.front.slug.clone());
        out += &format!(
            "{}\t{}\t{} · Rollback Lab\t{}\t{}\t{}\n",
            routes::href(&route),
            build(&route),
            clean(&p.front.title),
            clean(&p.front.summary),
            clean(&p.front.part),
            layout(p.front.exercise.is_some())
        );
    }
    for r in routes::app_routes() {
        out += &format!(
            "{}\t{}\t{} · Rollback Lab\t{}\t{}\t{}\n",
            r.path,
            build(&r.route),
            r.title,
            clean(r.summary),
            r.eyebrow,
            layout(r.wide)
        );
    }
    out
}

/// Each content page's prose (see the module's comment), as JSON.
#[cfg(not(target_arch = "wasm32"))]
fn prose(course: &rollback_lab::core::content::Course, base: &str) -> Result<String, String> {
    use rollback_lab::core::routes::{self, Route};

    if !base.starts_with('/') || base.starts_with("//") {
        return Err(format!("BASE must be a path starting with one /: {base}"));
    }
    course.glossary().map_err(|e| e.to_string())?;
    let mut out = serde_json::Map::new();
    for p in &course.pages {
        let slug = &p.front.slug;
        let prose = rollback_lab::core::prerender::page_prose(course, slug, base).unwrap_or_default();
        let entry = serde_json::json!({
            "summary": p.front.summary,
            "steps": prose.steps,
            "lead": prose.lead,
            "rest": prose.rest,
        });
        out.insert(routes::href(&Route::Page(slug.clone())), entry);
    }
    serde_json::to_string(&serde_json::json!({ "base": base, "pages": out })).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
fn static_pages(
    course: &rollback_lab::core::content::Course,
    out: &std::path::Path,
    css: &[String],
) -> Result<(), String> {
    use rollback_lab::core::markdown::escape_html;

    let css: String = css.iter().map(|h| format!("<link rel=\"stylesheet\" href=\"{}\">\n", escape_html(h))).collect();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for p in &course.pages {
        let prose = rollback_lab::core::prerender::page_prose(course, &p.front.slug, "/").unwrap_or_default();
        let body = prose.lead + &prose.rest;
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} · Rollback Lab</title>\n{css}</head>\n<body>\n<main id=\"main\"><article class=\"page\">\n<p class=\"eyebrow\">{part}</p>\n<h1 elementtiming=\"page-title\">{title}</h1>\n<p class=\"summary\">{summary}</p>\n<div class=\"prose\">\n{body}</div>\n</article></main>\n</body>\n</html>\n",
            title = escape_html(&p.front.title),
            part = escape_html(&p.front.part),
            summary = escape_html(&p.front.summary),
            body = body,
        );
        let file = out.join(format!("{}.html", p.front.slug));
        std::fs::write(&file, html).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    println!("{} pages written to {}", course.pages.len(), out.display());
    Ok(())
}

#[cfg(target_arch = "wasm32")]
fn main() {}
