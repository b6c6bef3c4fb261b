//! The route table: every path the app answers, parsed and printed in one
//! place. The view layer dispatches on [`Route`]; content validation checks
//! internal links against it; tests check that every route round-trips.

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The course map and dashboard.
    Home,
    /// A content page (lesson, example, playbook, exercise …) by slug.
    Page(String),
    Quiz,
    CanarySim,
    MigrationSim,
    Runbooks,
    Checklists,
    Assignments,
    Review,
    Progress,
    Glossary,
    Search,
    GameDay,
    /// Every page of the course as one document, to print (as mdBook's
    /// print page).
    Print,
    /// Anything else; carries the path for the message.
    NotFound(String),
}

/// A fixed (non-content) route: its path, its title, and a one-line
/// description used on the course map.
pub struct AppRoute {
    pub route: Route,
    pub path: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The small line above the page's title ("Tools").
    pub eyebrow: &'static str,
    /// The page uses the wide layout (`.page.wide`).
    pub wide: bool,
}

/// The app's tool pages, in the order the sidebar lists them.
pub fn app_routes() -> Vec<AppRoute> {
    vec![
        AppRoute {
            route: Route::Quiz,
            path: "/quiz",
            title: "Quick test",
            summary: "Ten questions on the whole topic. Pass with 70 % or more.",
            eyebrow: "Tools",
            wide: false,
        },
        AppRoute {
            route: Route::CanarySim,
            path: "/simulators/canary",
            title: "Canary simulator",
            summary: "Run a canary release minute by minute: gates, judge, kill switch, rollback.",
            eyebrow: "Tools",
            wide: true,
        },
        AppRoute {
            route: Route::MigrationSim,
            path: "/simulators/migration",
            title: "Migration simulator",
            summary: "Expand, dual write, backfill, switch reads, contract, and see what a rollback costs.",
            eyebrow: "Tools",
            wide: true,
        },
        AppRoute {
            route: Route::GameDay,
            path: "/game-day",
            title: "Game day",
            summary: "An unknown incident, a running clock, and the playbook.",
            eyebrow: "Tools",
            wide: true,
        },
        AppRoute {
            route: Route::Runbooks,
            path: "/runbooks",
            title: "Runbook builder",
            summary: "Write the rollback and rollforward runbook for a real change.",
            eyebrow: "Tools",
            wide: false,
        },
        AppRoute {
            route: Route::Checklists,
            path: "/checklists",
            title: "Pre-deploy checklists",
            summary: "One checklist per change, with evidence, blockers and a Markdown export.",
            eyebrow: "Tools",
            wide: false,
        },
        AppRoute {
            route: Route::Assignments,
            path: "/assignments",
            title: "Assignments",
            summary: "Instructors build an assignment link; learners prepare a submission.",
            eyebrow: "Tools",
            wide: false,
        },
        AppRoute {
            route: Route::Review,
            path: "/review",
            title: "Review a submission",
            summary: "Open a learner's submission beside the model answers and write feedback.",
            eyebrow: "Tools",
            wide: true,
        },
        AppRoute {
            route: Route::Glossary,
            path: "/glossary",
            title: "Glossary",
            summary: "Canary, kill switch, backfill, burn rate and the other terms of the course.",
            eyebrow: "Reference",
            wide: false,
        },
        AppRoute {
            route: Route::Print,
            path: "/print",
            title: "The whole course, to print",
            summary: "Every page in reading order, as one document to print or save as PDF.",
            eyebrow: "Reference",
            wide: false,
        },
        AppRoute {
            route: Route::Search,
            path: "/search",
            title: "Search",
            summary: "Search every page of the course.",
            eyebrow: "Tools",
            wide: false,
        },
        AppRoute {
            route: Route::Progress,
            path: "/progress",
            title: "Your progress",
            summary: "Export, import or reset what this browser keeps.",
            eyebrow: "Tools",
            wide: false,
        },
    ]
}

/// The path prefix of content pages.
pub const PAGE_PREFIX: &str = "/learn/";

/// Parse a path (without base, query or fragment) into a route.
pub fn parse(path: &str) -> Route {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "/index.html" {
        return Route::Home;
    }
    if let Some(slug) = trimmed.strip_prefix(PAGE_PREFIX) {
        if is_valid_slug(slug) {
            return Route::Page(slug.to_string());
        }
        return Route::NotFound(path.to_string());
    }
    app_routes()
        .into_iter()
        .find(|r| r.path == trimmed)
        .map(|r| r.route)
        .unwrap_or_else(|| Route::NotFound(path.to_string()))
}

/// The path of a route (without base).
pub fn href(route: &Route) -> String {
    match route {
        Route::Home => "/".to_string(),
        Route::Page(slug) => format!("{PAGE_PREFIX}{slug}"),
        Route::NotFound(p) => p.clone(),
        other => app_routes()
            .into_iter()
            .find(|r| &r.route == other)
            .map(|r| r.path.to_string())
            .unwrap_or_else(|| "/".to_string()),
    }
}

/// The route an app-internal href ("/quiz", "/learn/x#y") leads to;
/// `None` for anything else (external, relative or a bare fragment).
pub fn href_route(href: &str) -> Option<Route> {
    if !href.starts_with('/') || href.starts_with("//") {
        return None;
    }
    let (path, _, _) = split_href(href);
    Some(parse(path))
}

/// An href as it goes into a page at `here`, for a site under `base`
/// ("" or "/course", no trailing slash): app paths get the base, and a
/// fragment belongs to the page's own address (whatever trailing slash a
/// host added to the address in the browser). Anything else is unchanged.
pub fn resolve_href(href: &str, base: &str, here: &Route) -> String {
    if let Some(frag) = href.strip_prefix('#') {
        format!("{base}{}#{frag}", self::href(here))
    } else if href_route(href).is_some() {
        format!("{base}{href}")
    } else {
        href.to_string()
    }
}

/// Slugs: lowercase ASCII letters, digits and single hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// Split an internal href into (path, query, fragment).
pub fn split_href(href: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, fragment) = match href.split_once('#') {
        Some((a, b)) => (a, Some(b)),
        None => (href, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    (path, query, fragment)
}
