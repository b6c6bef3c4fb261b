//! Form fields with a label, the value as typed, and the problem beside the
//! field (`aria-invalid`, `aria-describedby`), shared by the builders.

use leptos::prelude::*;

/// A labelled text input or textarea.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    #[prop(into)] value: Signal<String>,
    on_set: Callback<String>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] visually_hidden_label: bool,
    #[prop(optional, into)] class: Option<String>,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let err_id = err_id.clone();
        let hint_id = hint_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                rows=rows.unwrap_or(3).to_string()
                placeholder=placeholder.clone()
                aria-describedby=described.clone()
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |ev| on_set.run(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                type=input_type.unwrap_or("text")
                id=id.clone()
                placeholder=placeholder.clone()
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |ev| on_set.run(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class=format!("field {}", class.unwrap_or_default())>
            <label for=id class:visually-hidden=visually_hidden_label>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            {input}
            {move || error.get().map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
        </div>
    }
}

/// A labelled select.
#[component]
pub fn Select(
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    options: &'static [(&'static str, &'static str)],
    #[prop(into)] value: Signal<String>,
    on_set: Callback<String>,
    #[prop(optional)] visually_hidden_label: bool,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let err_id = format!("{id}-error");
    let err_id2 = err_id.clone();
    let opts = options
        .iter()
        .map(|(k, l)| {
            let k2 = *k;
            view! { <option value=*k prop:selected=move || value.get() == k2>{*l}</option> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="field">
            <label for=id.clone() class:visually-hidden=visually_hidden_label>{label}</label>
            <select
                id=id
                aria-describedby=move || error.with(Option::is_some).then(|| err_id2.clone())
                on:change=move |ev| on_set.run(event_target_value(&ev))
                prop:value=move || value.get()
            >
                {opts}
            </select>
            {move || error.get().map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
        </div>
    }
}

/// A problem that belongs to a whole section (not one field).
#[component]
pub fn SectionError(#[prop(into)] error: Signal<Option<String>>, #[prop(into)] id: String) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="field-error section-error" id=id.clone() role="status">{e}</p> })
}
