#![cfg(not(target_arch = "wasm32"))]
//! Content validation: every file parses, front matter is complete, slugs
//! are unique, every internal link and anchor resolves, directives name what
//! exists, the quick test is well-formed. Mistakes name the file and line.

use std::path::{Path, PathBuf};

use rollback_lab::core::content::{Build, Course, PARTS};

fn course_from_disk() -> Course {
    match Course::from_dir(Path::new("content")) {
        Ok(c) => c,
        Err(errors) => {
            panic!("content does not parse:\n{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
        }
    }
}

#[test]
fn the_course_content_is_valid() {
    let course = course_from_disk();
    let errors = course.validate();
    assert!(
        errors.is_empty(),
        "content problems:\n{}",
        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_course_covers_every_section_of_the_topic() {
    let course = course_from_disk();
    for slug in [
        "why-this-matters",
        "canary-releases",
        "feature-flags",
        "compatible-apis",
        "expand-and-contract",
        "observability-gates",
        "pre-deploy-checklist",
        "example-optional-field",
        "example-rename-column",
        "example-hotfix-or-rollback",
        "rollback-playbook",
        "rollforward-playbook",
        "what-to-watch",
        "common-mistakes",
        "exercise-1",
        "exercise-2",
        "mini-challenge",
        "practical-projects",
        "learning-path",
        "next-steps",
    ] {
        assert!(course.page(slug).is_some(), "missing page `{slug}`");
    }
    let parts: Vec<&str> = course.parts().iter().map(|(p, _)| *p).collect();
    assert_eq!(parts, PARTS.to_vec(), "every part has pages, in order");
    let checklist = course.checklists.get("pre-deploy").expect("content/checklist/pre-deploy.toml");
    assert_eq!(checklist.items.len(), 8, "the eight decision items");
}

#[test]
fn the_embedded_course_is_the_course_on_disk() {
    let disk = course_from_disk();
    let embedded = Course::embedded().expect("embedded content parses");
    assert_eq!(embedded.pages, disk.pages);
    assert_eq!(embedded.answers, disk.answers);
    assert_eq!(embedded.checklists, disk.checklists);
    assert_eq!(embedded.data.keys().collect::<Vec<_>>(), disk.data.keys().collect::<Vec<_>>());
    assert_eq!(embedded.quiz().unwrap(), disk.quiz().unwrap());
}

#[test]
fn the_outline_has_every_page_without_its_text() {
    let full = Course::embedded().unwrap();
    let outline = Course::embedded_outline().expect("the outline parses");
    let fronts = |c: &Course| c.pages.iter().map(|p| p.front.clone()).collect::<Vec<_>>();
    assert_eq!(fronts(&outline), fronts(&full), "same pages, same order, same front matter");
    assert!(outline.pages.iter().all(|p| p.body.is_empty()), "no page text");
    assert!(outline.data.is_empty() && outline.checklists.is_empty(), "no data files");
    assert!(outline.answers.values().all(String::is_empty), "no model answers");
    assert_eq!(outline.parts().len(), full.parts().len());
}

// ---- mistakes are reported with file and line -------------------------------

struct TempContent(PathBuf);

impl TempContent {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("rollback-lab-content-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("lessons")).unwrap();
        std::fs::create_dir_all(dir.join("quiz")).unwrap();
        // A minimal valid course to break.
        let t = TempContent(dir);
        t.write("lessons/a.md", &page("a", 10, "## Gates\n\nSee [b](/learn/b#rollback).\n"));
        t.write("lessons/b.md", &page("b", 20, "## Rollback\n\nBack to [a](/learn/a).\n"));
        t
    }
    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    fn errors(&self) -> Vec<String> {
        match Course::from_dir(&self.0) {
            Ok(c) => c.validate().iter().map(|e| e.to_string()).collect(),
            Err(e) => e.iter().map(|e| e.to_string()).collect(),
        }
    }
}

impl Drop for TempContent {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn page(slug: &str, order: i64, body: &str) -> String {
    format!("+++\ntitle = \"Page {slug}\"\nslug = \"{slug}\"\norder = {order}\npart = \"Concepts\"\nsummary = \"S.\"\n+++\n{body}")
}

fn has(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

#[test]
fn a_minimal_course_is_valid_apart_from_the_missing_quiz() {
    let t = TempContent::new("ok");
    let errors = t.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(has(&errors, "quick test file is missing"));
}

#[test]
fn a_broken_link_names_file_and_line() {
    let t = TempContent::new("link");
    t.write(
        "lessons/c.md",
        &page("c", 30, "Intro.\n\nSee [nowhere](/learn/nowhere).\n\nAnd [bad anchor](/learn/a#nope).\n"),
    );
    let errors = t.errors();
    // Front matter is 7 lines, so the body starts on line 8.
    assert!(has(&errors, "content/lessons/c.md:10: link `/learn/nowhere`"), "{errors:?}");
    assert!(has(&errors, "content/lessons/c.md:12: link `/learn/a#nope`: page `a` has no heading"), "{errors:?}");
}

#[test]
fn toml_syntax_and_missing_keys_name_file_and_line() {
    let t = TempContent::new("toml");
    t.write("lessons/d.md", "+++\ntitle = \"D\"\nslug = \"d\"\norder = = 4\n+++\nBody\n");
    t.write("lessons/e.md", "+++\ntitle = \"E\"\nslug = \"e\"\norder = 50\npart = \"Concepts\"\n+++\nBody\n");
    t.write("lessons/f.md", "no front matter\n");
    let errors = t.errors();
    assert!(has(&errors, "content/lessons/d.md:4:"), "{errors:?}");
    assert!(has(&errors, "content/lessons/e.md:") && has(&errors, "summary"), "{errors:?}");
    assert!(has(&errors, "content/lessons/f.md:1: the file must start with `+++`"), "{errors:?}");
}

#[test]
fn duplicate_slugs_unknown_parts_directives_and_raw_html_are_reported() {
    let t = TempContent::new("dups");
    t.write("lessons/g.md", &page("a", 40, "Text\n\n{{#simulate everything}}\n\n<div>raw</div>\n"));
    t.write("lessons/h.md", &page("h", 50, "Body\n").replace("Concepts", "Misc"));
    let errors = t.errors();
    assert!(has(&errors, "content/lessons/g.md:2: slug `a` is also used by content/lessons/a.md"), "{errors:?}");
    assert!(has(&errors, "content/lessons/g.md:10: unknown directive `simulate`"), "{errors:?}");
    assert!(has(&errors, "content/lessons/g.md:12: raw HTML"), "{errors:?}");
    assert!(has(&errors, "part `Misc` is not one of"), "{errors:?}");
}

#[test]
fn quiz_mistakes_are_reported_with_the_question_line() {
    let t = TempContent::new("quiz");
    t.write(
        "quiz/quick-test.toml",
        "[[questions]]\nid = \"q1\"\ntype = \"MultipleChoice\"\nprompt.prompt = \"P\"\nprompt.distractors = [\"A\", \"B\"]\nanswer.answer = \"A\"\ncontext = \"\"\nlesson = \"/learn/a#nope\"\n",
    );
    let errors = t.errors();
    assert!(
        has(&errors, "content/quiz/quick-test.toml:2: questions[0] (`q1`): option `A` appears twice"),
        "{errors:?}"
    );
    assert!(has(&errors, "`context` (the explanation) is empty"), "{errors:?}");
    assert!(has(&errors, "`lesson`: link `/learn/a#nope`"), "{errors:?}");
    assert!(has(&errors, "exactly 10 questions, found 1"), "{errors:?}");
}

#[test]
fn run_directives_and_simulator_links_name_existing_scenarios() {
    let t = TempContent::new("run");
    t.write("scenarios/canary/demo.toml", "title = \"Demo\"\n");
    t.write(
        "lessons/r.md",
        &page("r", 30, "{{#run canary demo}}\n\n{{#run canary missing}}\n\n[sim](/simulators/canary?scenario=nope)\n"),
    );
    let errors = t.errors();
    assert!(!has(&errors, "run canary demo"), "{errors:?}");
    assert!(has(&errors, "content/lessons/r.md:10: directive `run canary missing`"), "{errors:?}");
    assert!(has(&errors, "content/lessons/r.md:12: link `/simulators/canary?scenario=nope`"), "{errors:?}");
}

#[test]
fn the_tools_build_serves_exactly_the_pages_with_live_simulations_or_practice() {
    use rollback_lab::core::content::{walk_blocks, LIVE_DIRECTIVES};
    use rollback_lab::core::markdown::{self, Block, RenderOptions};
    use rollback_lab::core::routes::Route;
    let course = course_from_disk();
    let mut tools = 0;
    for p in &course.pages {
        // The parser's view: a live directive anywhere in the page.
        let doc = markdown::parse(&p.body, RenderOptions { directives: true });
        let mut live = false;
        walk_blocks(&doc.blocks, &mut |b| {
            if let Block::Directive { name, .. } = b {
                live |= LIVE_DIRECTIVES.contains(&name.as_str());
            }
        });
        let expected = live || p.front.exercise.is_some();
        assert_eq!(course.page_needs_tools(&p.front.slug), expected, "{}", p.front.slug);
        tools += usize::from(expected);
    }
    assert!(tools >= 4, "exercises and the canary lesson need the tools build");
    assert!(course.page_needs_tools("canary-releases"));
    assert!(!course.page_needs_tools("rollback-playbook"));
    // Every app tool is in the tools build; the map, glossary and search are not.
    assert!(course.route_needs_tools(&Route::Quiz) && course.route_needs_tools(&Route::CanarySim));
    assert!(!course.route_needs_tools(&Route::Home) && !course.route_needs_tools(&Route::Glossary));
    assert!(!course.route_needs_tools(&Route::Search));
    // The course map's own address boots the home build.
    assert_eq!(course.build_of(&Route::Home), Build::Home);
    assert_eq!(course.build_of(&Route::Quiz), Build::Tools);
    assert_eq!(course.build_of(&Route::Page("canary-releases".into())), Build::Tools);
    assert_eq!(course.build_of(&Route::Page("rollback-playbook".into())), Build::Reader);
    assert_eq!(course.build_of(&Route::Glossary), Build::Reader);
}

#[test]
fn every_page_has_written_prose_with_its_builds_links() {
    use rollback_lab::core::prerender::page_prose;

    let course = course_from_disk();
    for p in &course.pages {
        let prose = page_prose(&course, &p.front.slug, "/").expect("a page of the course");
        let (lead, rest) = (prose.lead, prose.rest);
        assert!(!(lead.clone() + &rest).trim().is_empty(), "{}: no prose", p.front.slug);
        assert!(!lead.contains("<h") && !lead.contains("<template"), "{}: lead {lead}", p.front.slug);
    }
    assert_eq!(page_prose(&course, "no-such-page", "/"), None);

    // A reader page: its link to a page the tools build serves is a full
    // page load; to another reader page, the router's.
    assert_eq!(course.build_of(&rollback_lab::core::routes::Route::Page("feature-flags".into())), Build::Reader);
    let prose = page_prose(&course, "feature-flags", "/course/").unwrap();
    let html = prose.lead + &prose.rest;
    assert!(html.contains("<a href=\"/course/learn/canary-releases\" rel=\"external\">"), "{html}");
    assert!(html.contains("<a href=\"/course/learn/rollback-playbook\">"), "{html}");
    assert!(html.contains("href=\"/course/glossary#feature-flag\""), "terms are linked: {html}");
    assert!(html.contains("data-directive=\"diagram\""), "{html}");
    // A tools page: every route is its own.
    let prose = page_prose(&course, "canary-releases", "/").unwrap();
    assert!(!(prose.lead + &prose.rest).contains("rel=\"external\""));
    // The step boxes it counts are the ones it wrote.
    let playbook = page_prose(&course, "rollback-playbook", "/").unwrap();
    assert_eq!(playbook.steps, 6);
    assert_eq!((playbook.lead + &playbook.rest).matches("class=\"step-check\"").count(), 6);
}
