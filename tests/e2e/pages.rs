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

/// The quick test.
pub struct QuizPage<'a>(pub &'a Browser);

/// Plain text of an option as the page shows it (markdown removed).
pub fn plain(md: &str) -> String {
    use rollback_lab::core::markdown::{parse, plain_text, RenderOptions};
    plain_text(&parse(md, RenderOptions::default()).blocks).split_whitespace().collect::<Vec<_>>().join(" ")
}

impl QuizPage<'_> {
    pub async fn open(&self) -> R {
        self.0.open("/quiz").await?;
        self.0.wait_for_text("main h1", "Quick test").await
    }

    /// Start (or retake) the test.
    pub async fn start(&self) -> R {
        self.0.click_text("main button", "the test").await?;
        self.0.wait_for_css(".question .prompt").await?;
        Ok(())
    }

    /// The id of the question on screen.
    pub async fn current_id(&self) -> R<String> {
        let v = self
            .0
            .wait_js("document.querySelector('.question .prompt') && document.querySelector('.question .prompt').id")
            .await?;
        Ok(v.as_str().unwrap_or_default().trim_start_matches("prompt-").to_string())
    }

    /// Tick the options whose text is in `choices` (markdown as in the file).
    pub async fn choose(&self, choices: &[String]) -> R {
        for c in choices {
            self.0.click_text(".options label", &plain(c)).await?;
        }
        Ok(())
    }

    /// Type a short answer.
    pub async fn type_answer(&self, text: &str) -> R {
        self.0.type_into(".short-answer input", text).await
    }

    /// Put the ordering items into `order` with the arrow buttons.
    pub async fn order(&self, order: &[String]) -> R {
        let want: Vec<String> = order.iter().map(|s| plain(s)).collect();
        for (target, item) in want.iter().enumerate() {
            loop {
                let current = self
                    .0
                    .js("return Array.from(document.querySelectorAll('.ordering .order-text')).map(e => e.textContent.replace(/\\s+/g, ' ').trim());")
                    .await?;
                let current: Vec<String> = serde_json::from_value(current)?;
                let pos =
                    current.iter().position(|c| c == item).ok_or_else(|| format!("no item {item:?} in {current:?}"))?;
                if pos == target {
                    break;
                }
                self.0.click(&format!(".ordering li[data-order-item='{pos}'] button[aria-label^='Move up']")).await?;
                let expected = pos - 1;
                self.0
                    .wait_js(&format!(
                        "(document.querySelector(\".ordering li[data-order-item='{expected}'] .order-text\") || {{}}).textContent && document.querySelector(\".ordering li[data-order-item='{expected}'] .order-text\").textContent.replace(/\\s+/g, ' ').trim() === {}",
                        serde_json::json!(item)
                    ))
                    .await?;
            }
        }
        // Already in the wanted order: say so, or it counts as unanswered.
        if self.0.js("return !!document.querySelector('.keep-order');").await?.as_bool() == Some(true) {
            self.0.click(".keep-order").await?;
        }
        Ok(())
    }

    pub async fn next(&self) -> R {
        let before = self.current_id().await?;
        self.0.click_text(".quiz-nav button", "Next").await?;
        self.0.wait_js(&format!("document.querySelector('.question .prompt').id !== 'prompt-{before}'")).await?;
        Ok(())
    }

    /// Go on with "Next" until `condition` (a JS expression) holds for the
    /// question on screen.
    pub async fn next_until(&self, condition: &str) -> R {
        let questions = crate::harness::course().quiz()?.questions.len();
        for _ in 0..questions {
            if self.0.js(&format!("return !!({condition});")).await?.as_bool() == Some(true) {
                return Ok(());
            }
            self.next().await?;
        }
        Err(format!("no question where `{condition}`").into())
    }

    /// Submit; if warned about unanswered questions, submit anyway.
    pub async fn submit(&self) -> R {
        self.0.click_text("main button", "Submit").await?;
        let warned = self
            .0
            .wait_js(
                "document.querySelector('.confirm') ? 'warned' : (document.querySelector('.result') ? 'done' : '')",
            )
            .await?;
        if warned.as_str() == Some("warned") {
            self.0.click_text(".confirm button", "Submit anyway").await?;
        }
        self.0.wait_for_css(".result .score").await?;
        Ok(())
    }

    /// "7 / 10", "70 %", and the badge text.
    pub async fn result(&self) -> R<(String, String, String)> {
        Ok((
            self.0.text(".result .score").await?,
            self.0.text(".result .percent").await?,
            self.0.text(".result .badge").await?,
        ))
    }
}
