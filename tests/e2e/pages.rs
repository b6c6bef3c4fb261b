//! Page objects: what a person sees and does on each page, so tests read as
//! steps and selectors live in one place.

#![allow(dead_code)]

use crate::harness::{Browser, R};

/// The app shell (header, sidebar, main).
pub struct Shell<'a>(pub &'a Browser);

impl Shell<'_> {
    /// The page heading.
    pub async fn heading(&self) -> R<String> {
        self.0.text("main h1").await
    }

    /// The sidebar link marked as the current page.
    pub async fn current_nav(&self) -> R<String> {
        self.0.text(".sidebar a[aria-current=page]").await
    }

    /// Toggle the theme; returns the new `data-theme`.
    pub async fn toggle_theme(&self) -> R<String> {
        let before = self.0.js("return document.documentElement.dataset.theme;").await?;
        self.0.click(".theme-toggle").await?;
        let v = self
            .0
            .wait_js(&format!(
                "document.documentElement.dataset.theme !== {before} && document.documentElement.dataset.theme"
            ))
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }
}

/// A content page.
pub struct LessonPage<'a>(pub &'a Browser);

impl LessonPage<'_> {
    /// Open `/learn/<slug>` and wait for its title.
    pub async fn open(&self, slug: &str, title: &str) -> R {
        self.0.open(&format!("/learn/{slug}")).await?;
        self.0.wait_for_text("main h1", title).await
    }

    /// Tick step `index` of the page's task list.
    pub async fn check_step(&self, index: usize) -> R {
        self.0.click(&format!("li.task:nth-of-type({}) input.step-check", index + 1)).await
    }

    /// "n of m steps checked".
    pub async fn steps_progress(&self) -> R<String> {
        self.0.text(".steps-progress").await
    }
}
