//! One question's input: radio buttons or checkboxes with labels, a text
//! field, or an ordering list moved with buttons. Also used by the "check
//! for understanding" questions inside lessons.

use leptos::prelude::*;

use crate::core::markdown::{self, RenderOptions};
use crate::core::quiz::{Kind, Question, Reading, Response};
use crate::ui::markdown::{inline_md, render_doc, MdHooks};
use crate::ui::util;

#[component]
pub fn QuestionInput(
    question: Question,
    /// Options in display order (from `Question::options(seed)`).
    options: Vec<String>,
    #[prop(into)] response: Signal<Option<Response>>,
    on_change: Callback<Option<Response>>,
) -> impl IntoView {
    let qid = question.id.clone();
    let prompt_id = format!("prompt-{qid}");
    let prompt = render_doc(&markdown::parse(&question.prompt.prompt, RenderOptions::default()), &MdHooks::default());
    let input = match question.kind {
        Kind::MultipleChoice => {
            let multi = question.is_multi();
            let hint = multi.then(|| view! { <p class="muted">"Choose every answer that is right."</p> });
            let opts = options
                .into_iter()
                .enumerate()
                .map(|(i, opt)| {
                    let id = format!("{qid}-opt-{i}");
                    let o1 = opt.clone();
                    let o2 = opt.clone();
                    let checked = move || match response.get() {
                        Some(Response::Choice(c)) => c.contains(&o1),
                        _ => false,
                    };
                    let on_input = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        let mut chosen = match response.get_untracked() {
                            Some(Response::Choice(c)) if multi => c,
                            _ => Vec::new(),
                        };
                        chosen.retain(|c| c != &o2);
                        if on {
                            chosen.push(o2.clone());
                        }
                        on_change.run((!chosen.is_empty()).then_some(Response::Choice(chosen)));
                    };
                    let kind = if multi { "checkbox" } else { "radio" };
                    view! {
                        <li>
                            <input type=kind id=id.clone() name=qid.clone() prop:checked=checked on:change=on_input />
                            <label for=id>{inline_md(&opt)}</label>
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <fieldset class="options" aria-labelledby=prompt_id.clone()>
                    {hint}
                    <ul>{opts}</ul>
                </fieldset>
            }
            .into_any()
        }
        Kind::ShortAnswer => {
            let id = format!("{qid}-text");
            let reading_id = format!("{qid}-reading");
            let value = move || match response.get() {
                Some(Response::Text(t)) => t,
                _ => String::new(),
            };
            // A numeric answer says how it is read, before it is submitted.
            let q = StoredValue::new(question.clone());
            let reading = move || {
                let typed = match response.get() {
                    Some(Response::Text(t)) => t,
                    _ => String::new(),
                };
                q.with_value(|q| q.reading(&typed)).map(|r| match r {
                    Reading::Number(n) => view! {
                        <span class="reading ok">{format!("Read as {n}")}</span>
                    }
                    .into_any(),
                    Reading::NotANumber => view! {
                        <span class="reading problem">
                            "This is not read as a number. Write digits, with a point or a comma for decimals, e.g. 2.5 or 2,5 %."
                        </span>
                    }
                    .into_any(),
                })
            };
            let describedby = format!("{prompt_id} {reading_id}");
            view! {
                <div class="short-answer">
                    <label for=id.clone()>"Your answer"</label>
                    <input
                        type="text"
                        id=id
                        autocomplete="off"
                        aria-describedby=describedby
                        prop:value=value
                        on:input=move |ev| {
                            let t = event_target_value(&ev);
                            on_change.run((!t.trim().is_empty()).then_some(Response::Text(t)));
                        }
                    />
                    <p class="muted number-reading" id=reading_id aria-live="polite">{reading}</p>
                </div>
            }
            .into_any()
        }
        Kind::Ordering => {
            let initial = options.clone();
            let order = move || match response.get() {
                Some(Response::Order(o)) if !o.is_empty() => o,
                _ => initial.clone(),
            };
            let order = Memo::new(move |_| order());
            let move_item = move |from: usize, to: usize| {
                let mut items = order.get_untracked();
                if to < items.len() && from < items.len() {
                    let item = items.remove(from);
                    items.insert(to, item.clone());
                    util::announce(&format!("Moved to position {} of {}.", to + 1, items.len()));
                    on_change.run(Some(Response::Order(items)));
                    // Focus follows the moved item's same button, so a second
                    // press moves it on; at the end of the list, its other one.
                    let (same, other) = if to < from { ("up", "down") } else { ("down", "up") };
                    let at = format!("[data-order-item=\"{to}\"]");
                    util::focus_enabled_after_render(vec![
                        format!("{at} button[data-dir={same}]"),
                        format!("{at} button[data-dir={other}]"),
                    ]);
                }
            };
            let rows = move || {
                let items = order.get();
                let n = items.len();
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let up_label = format!("Move up: {}", strip_md(&item));
                        let down_label = format!("Move down: {}", strip_md(&item));
                        view! {
                            <li data-order-item=i.to_string()>
                                <span class="order-pos" aria-hidden="true">{(i + 1).to_string()}</span>
                                <span class="order-text">{inline_md(&item)}</span>
                                <span class="order-buttons">
                                    <button type="button" class="button" data-dir="up" aria-label=up_label disabled=i == 0 on:click=move |_| move_item(i, i.saturating_sub(1))>"↑"</button>
                                    <button type="button" class="button" data-dir="down" aria-label=down_label disabled=i + 1 == n on:click=move |_| move_item(i, i + 1)>"↓"</button>
                                </span>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()
            };
            view! {
                <div class="ordering-wrap">
                    <p class="muted">"Use the arrows to put the steps in order, first at the top."</p>
                    <ol class="ordering" aria-labelledby=prompt_id.clone()>{rows}</ol>
                    {move || match response.get() {
                        Some(Response::Order(_)) => view! { <p class="muted">"Your order is saved."</p> }.into_any(),
                        _ => view! {
                            <p class="muted">
                                "Not answered yet: move a step, or "
                                <button type="button" class="button link-button keep-order"
                                    on:click=move |_| on_change.run(Some(Response::Order(order.get_untracked())))>
                                    "keep this order as your answer"
                                </button>
                                "."
                            </p>
                        }.into_any(),
                    }}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="prompt" id=prompt_id>{prompt}</div>
        {input}
    }
}

/// Markdown inline text as plain text (for labels).
fn strip_md(s: &str) -> String {
    let doc = markdown::parse(s, RenderOptions::default());
    markdown::plain_text(&doc.blocks).trim().to_string()
}

/// A response, shown for review.
#[component]
pub fn ResponseView(response: Response) -> impl IntoView {
    match response {
        Response::Choice(c) => {
            let items = c.iter().map(|o| view! { <li>{inline_md(o)}</li> }).collect::<Vec<_>>();
            view! { <ul class="response">{items}</ul> }.into_any()
        }
        Response::Text(t) => view! { <p class="response">{t}</p> }.into_any(),
        Response::Order(o) => {
            let items = o.iter().map(|x| view! { <li>{inline_md(x)}</li> }).collect::<Vec<_>>();
            view! { <ol class="response">{items}</ol> }.into_any()
        }
    }
}
