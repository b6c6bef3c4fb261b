//! Pre-deploy checklists for teams: many named checklists (one per change),
//! team templates with their own items, a readiness meter, blockers, export
//! as Markdown, copy, and a share link that imports a copy (never overwrites).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::core::checklist::{Checklist, Template, TemplateItem, SHARE_KIND, SHARE_VERSION};
use crate::core::share;
use crate::ui::form::Field;
use crate::ui::markdown::Markdown;
use crate::ui::runbook::today;
use crate::ui::state::{app_state, course};
use crate::ui::util;

#[component]
pub fn ChecklistsPage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.with(|q| q.get("id")));
    let import = Memo::new(move |_| query.with(|q| q.get("import")));
    view! {
        <Title text="Pre-deploy checklists · Rollback Lab" />
        {move || match (import.get(), selected.get()) {
            (Some(link), _) => view! { <ImportView link=link /> }.into_any(),
            (None, Some(id)) => view! { <ChecklistView id=id /> }.into_any(),
            (None, None) => view! { <ChecklistList /> }.into_any(),
        }}
    }
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}-{}", util::now_ms() as u64, (js_sys::Math::random() * 1e6) as u64)
}

#[component]
fn ChecklistList() -> impl IntoView {
    let state = app_state();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let templates = move || {
        state.progress.with(|p| p.templates.values().filter(|t| t.deleted_at.is_none()).cloned().collect::<Vec<_>>())
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        if n.trim().is_empty() {
            name_error.set(Some("Name the change this checklist is for.".into()));
            return;
        }
        let Some(def) = course().as_ref().ok().and_then(|c| c.checklists.get("pre-deploy")).cloned() else { return };
        let tpl = state.progress.with_untracked(|p| p.templates.get(&template.get_untracked()).cloned());
        let id = new_id("cl");
        let list = Checklist::new(&id, &n, &def, tpl.as_ref(), util::now_ms());
        state.update(|p| {
            p.checklists.insert(id.clone(), list);
        });
        navigate(&format!("/checklists?id={id}"), Default::default());
    };
    let lists = move || {
        let mut v: Vec<Checklist> =
            state.progress.with(|p| p.checklists.values().filter(|c| c.deleted_at.is_none()).cloned().collect());
        v.sort_by(|a, b| b.updated_at.total_cmp(&a.updated_at));
        v
    };
    let add_template = move |_| {
        let t = Template::starter(&new_id("tpl"), util::now_ms());
        state.update(|p| {
            p.templates.insert(t.id.clone(), t);
        });
    };
    view! {
        <article class="page">
            <p class="eyebrow">"Tools"</p>
            <h1>"Pre-deploy checklists"</h1>
            <p class="summary">
                "One checklist per change: the course's eight decision questions, plus your team's own items. \
                 Link the evidence, see what still blocks the deploy, and paste the result into the pull request."
            </p>
            <section aria-labelledby="new-checklist-title">
                <h2 id="new-checklist-title">"New checklist"</h2>
                <form class="inline-form" on:submit=create>
                    <Field
                        label="Change name"
                        id="cl-new-name"
                        value=Signal::derive(move || name.get())
                        on_set=Callback::new(move |v: String| {
                            name.set(v);
                            name_error.set(None);
                        })
                        error=Signal::derive(move || name_error.get())
                        placeholder="e.g. orders-api 1.43: discountApplied"
                    />
                    <div class="field">
                        <label for="cl-new-template">"Team template"</label>
                        <select id="cl-new-template" on:change=move |ev| template.set(event_target_value(&ev))>
                            <option value="">"Course items only"</option>
                            <For each=templates key=|t| (t.id.clone(), t.updated_at.to_bits()) let:t>
                                <option value=t.id.clone()>{format!("{} (+{} items)", t.name, t.items.len())}</option>
                            </For>
                        </select>
                    </div>
                    <button type="submit" class="button primary">"Create checklist"</button>
                </form>
            </section>
            <Show when=move || !lists().is_empty()>
                <section aria-labelledby="your-checklists">
                    <h2 id="your-checklists">"Your checklists"</h2>
                    <ul class="item-list">
                        <For each=lists key=|c| (c.id.clone(), c.updated_at.to_bits()) let:c>
                            {
                                let r = c.readiness();
                                view! {
                                    <li class="item-row">
                                        <a href=util::app_href(&format!("/checklists?id={}", c.id))>{c.name.clone()}</a>
                                        <span class="meter-inline">
                                            <meter min="0" max=r.total.to_string() value=r.answered().to_string() aria-label=format!("Readiness of {}", c.name)></meter>
                                            {format!(" {r} ({} %)", r.percent())}
                                        </span>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </section>
            </Show>
            <section aria-labelledby="templates-title">
                <h2 id="templates-title">"Team templates"</h2>
                <p>
                    "A template adds your team's own items to every checklist made from it: thresholds, escalation contacts, communication steps."
                </p>
                <For each=templates key=|t| t.id.clone() let:t>
                    <TemplateEditor id=t.id.clone() />
                </For>
                <button type="button" class="button" on:click=add_template>"Add a team template"</button>
            </section>
        </article>
    }
}

#[component]
fn TemplateEditor(id: String) -> impl IntoView {
    let state = app_state();
    let id_s = StoredValue::new(id.clone());
    let get = move |f: &dyn Fn(&Template) -> String| {
        state.progress.with(|p| id_s.with_value(|id| p.templates.get(id).map(f).unwrap_or_default()))
    };
    let edit = move |f: &dyn Fn(&mut Template)| {
        let now = util::now_ms();
        state.update(|p| {
            id_s.with_value(|id| {
                if let Some(t) = p.templates.get_mut(id) {
                    f(t);
                    t.updated_at = now;
                }
            })
        });
    };
    let count =
        move || 0..state.progress.with(|p| id_s.with_value(|id| p.templates.get(id).map_or(0, |t| t.items.len())));
    view! {
        <fieldset class="template">
            <legend>{move || get(&|t| t.name.clone())}</legend>
            <Field label="Template name" id=format!("{id}-name")
                value=Signal::derive(move || get(&|t| t.name.clone()))
                on_set=Callback::new(move |v: String| edit(&|t: &mut Template| t.name = v.clone())) />
            <For each=count key=|i| *i let:i>
                <div class="row-group">
                    <Field label=format!("Item {}", i + 1) id=format!("{}-item-{i}", id_s.get_value()) class="grow"
                        value=Signal::derive(move || get(&|t| t.items.get(i).map(|x| x.text.clone()).unwrap_or_default()))
                        on_set=Callback::new(move |v: String| edit(&|t: &mut Template| if let Some(x) = t.items.get_mut(i) { x.text = v.clone() })) />
                    // The hint travels with its item: shown and edited here, so a
                    // rewritten item never keeps another item's hint unseen.
                    <Field label=format!("Item {} hint (what evidence to link)", i + 1) id=format!("{}-hint-{i}", id_s.get_value()) class="grow"
                        value=Signal::derive(move || get(&|t| t.items.get(i).map(|x| x.hint.clone()).unwrap_or_default()))
                        on_set=Callback::new(move |v: String| edit(&|t: &mut Template| if let Some(x) = t.items.get_mut(i) { x.hint = v.clone() })) />
                    <button type="button" class="button remove" aria-label=format!("Remove item {}", i + 1)
                        on:click=move |_| edit(&|t: &mut Template| { if i < t.items.len() { t.items.remove(i); } })>"✕"</button>
                </div>
            </For>
            <p class="button-row">
                <button type="button" class="button" on:click=move |_| edit(&|t: &mut Template| t.items.push(TemplateItem::default()))>"Add an item"</button>
                <button type="button" class="button danger" on:click=move |_| {
                    let now = util::now_ms();
                    edit(&|t: &mut Template| t.deleted_at = Some(now));
                }>"Delete template"</button>
            </p>
        </fieldset>
    }
}

#[component]
fn ChecklistView(id: String) -> impl IntoView {
    let state = app_state();
    let exists = state.progress.with_untracked(|p| p.checklists.get(&id).is_some_and(|c| c.deleted_at.is_none()));
    if !exists {
        return view! {
            <article class="page">
                <h1>"Checklist not found"</h1>
                <p>"There is no checklist " <code>{id}</code> " in this browser."</p>
                <p><a href=util::app_href("/checklists")>"← All checklists"</a></p>
            </article>
        }
        .into_any();
    }
    let id_s = StoredValue::new(id.clone());
    let list = Memo::new(move |_| {
        state.progress.with(|p| id_s.with_value(|id| p.checklists.get(id).cloned().unwrap_or_default()))
    });
    let edit = move |f: &dyn Fn(&mut Checklist)| {
        let now = util::now_ms();
        state.update(|p| {
            id_s.with_value(|id| {
                if let Some(c) = p.checklists.get_mut(id) {
                    f(c);
                    c.updated_at = now;
                }
            })
        });
    };
    let markdown = Memo::new(move |_| list.with(|c| c.to_markdown(&today())));
    let share_link = move || {
        let packed = list.with_untracked(|c| share::pack(SHARE_KIND, SHARE_VERSION, c));
        let loc = window().location();
        format!("{}{}?import={}", loc.origin().unwrap_or_default(), util::app_href("/checklists"), packed)
    };
    let shown_link = RwSignal::new(None::<String>);
    let copy_md = move |_| {
        util::copy_to_clipboard(&markdown.get_untracked(), |ok| {
            util::announce(if ok { "Checklist Markdown copied." } else { "Could not copy: use Download instead." })
        })
    };
    let download = move |_| {
        let _ = util::download("pre-deploy-checklist.md", "text/markdown", &markdown.get_untracked());
        util::announce("Checklist downloaded.");
    };
    let share = move |_| {
        let link = share_link();
        shown_link.set(Some(link.clone()));
        util::copy_to_clipboard(&link, |ok| {
            util::announce(if ok { "Share link copied." } else { "Share link shown below: copy it by hand." })
        });
    };
    let confirm_delete = RwSignal::new(false);
    let navigate = use_navigate();
    let delete = move |_| {
        let now = util::now_ms();
        edit(&|c: &mut Checklist| c.deleted_at = Some(now));
        navigate("/checklists", Default::default());
    };
    let count = move || 0..list.with(|c| c.items.len());
    view! {
        <article class="page wide checklist-page">
            <p class="eyebrow"><a href=util::app_href("/checklists")>"← All checklists"</a></p>
            <h1>{move || list.with(|c| c.name.clone())}</h1>
            <div class="builder-grid">
                <div>
                    <Field label="Change name" id="cl-name"
                        value=Signal::derive(move || list.with(|c| c.name.clone()))
                        on_set=Callback::new(move |v: String| edit(&|c: &mut Checklist| c.name = v.clone())) />
                    <div class="readiness" role="group" aria-labelledby="readiness-label">
                        <p id="readiness-label" class="dash-label">"Readiness"</p>
                        {move || {
                            let r = list.with(|c| c.readiness());
                            view! {
                                <meter min="0" max=r.total.to_string() low=(r.total as f64 * 0.99).to_string() value=r.answered().to_string() aria-labelledby="readiness-label"></meter>
                                <p class="dash-value">{format!("{r} ({} %)", r.percent())}</p>
                            }
                        }}
                    </div>
                    <ol class="check-items">
                        <For each=count key=|i| *i let:i>
                            {
                                let cid = format!("cl-item-{i}");
                                let note_id = format!("cl-note-{i}");
                                let na_id = format!("cl-na-{i}");
                                view! {
                                    <li class="check-item" class:checked=move || list.with(|c| c.items.get(i).is_some_and(|x| x.answered()))>
                                        <div class="check-line">
                                            <input type="checkbox" id=cid.clone()
                                                prop:checked=move || list.with(|c| c.items.get(i).is_some_and(|x| x.checked))
                                                on:change=move |ev| { let on = event_target_checked(&ev); edit(&|c: &mut Checklist| if let Some(x) = c.items.get_mut(i) { x.checked = on; if on { x.na = false } }) } />
                                            <label for=cid>
                                                {move || list.with(|c| c.items.get(i).map(|x| x.text.clone()).unwrap_or_default())}
                                                {move || list.with(|c| c.items.get(i).is_some_and(|x| x.custom)).then(|| view! { <span class="tag">"team"</span> })}
                                            </label>
                                        </div>
                                        <p class="field-hint">{move || list.with(|c| c.items.get(i).map(|x| x.hint.clone()).unwrap_or_default())}</p>
                                        <div class="na-line">
                                            <input type="checkbox" id=na_id.clone()
                                                prop:checked=move || list.with(|c| c.items.get(i).is_some_and(|x| x.na))
                                                on:change=move |ev| { let on = event_target_checked(&ev); edit(&|c: &mut Checklist| if let Some(x) = c.items.get_mut(i) { x.na = on; if on { x.checked = false } }) } />
                                            <label for=na_id>"Does not apply to this change"</label>
                                        </div>
                                        <Field label="Note or link (evidence)" id=note_id
                                            value=Signal::derive(move || list.with(|c| c.items.get(i).map(|x| x.note.clone()).unwrap_or_default()))
                                            on_set=Callback::new(move |v: String| edit(&|c: &mut Checklist| if let Some(x) = c.items.get_mut(i) { x.note = v.clone() }))
                                            placeholder="Link or note, e.g. dashboard URL, runbook, image tag" />
                                        {move || list.with(|c| c.items.get(i).is_some_and(|x| x.checked && x.note.trim().is_empty())).then(|| view! {
                                            <p class="field-hint warn-text">"Checked without evidence: add a link or a note so a reviewer can see why."</p>
                                        })}
                                        {move || list.with(|c| c.items.get(i).is_some_and(|x| x.na && x.note.trim().is_empty())).then(|| view! {
                                            <p class="field-hint warn-text">"Say in the note why it does not apply (e.g. no schema change in this release): until then it counts as not answered."</p>
                                        })}
                                    </li>
                                }
                            }
                        </For>
                    </ol>
                </div>
                <aside class="builder-output" aria-labelledby="cl-output-title">
                    <h2 id="cl-output-title">"Blockers"</h2>
                    {move || {
                        let blockers: Vec<String> = list.with(|c| c.blockers().iter().map(|b| b.text.clone()).collect());
                        if blockers.is_empty() {
                            view! { <p class="ok-text">"✓ No blockers: every item is answered yes or does not apply."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="blockers">{blockers.into_iter().map(|b| view! { <li>{b}</li> }).collect::<Vec<_>>()}</ul>
                            }.into_any()
                        }
                    }}
                    <h2>"Export"</h2>
                    <p class="button-row">
                        <button type="button" class="button" on:click=copy_md>"Copy Markdown"</button>
                        <button type="button" class="button" on:click=download>"Download .md"</button>
                        <button type="button" class="button" on:click=share>"Copy share link"</button>
                    </p>
                    {move || shown_link.get().map(|l| view! {
                        <div class="field">
                            <label for="cl-share-link">"Share link (opening it shows the checklist, and offers to import a copy)"</label>
                            <input type="text" id="cl-share-link" readonly prop:value=l />
                        </div>
                    })}
                    <div class="prose preview-box" role="region" aria-label="Markdown preview" tabindex="0">
                        <Markdown source=Signal::derive(move || markdown.get()) id_prefix="clp-" />
                    </div>
                </aside>
            </div>
                    <p class="danger-zone">
                        <Show when=move || confirm_delete.get() fallback=move || view! {
                            <button type="button" class="button danger" on:click=move |_| confirm_delete.set(true)>"Delete this checklist…"</button>
                        }>
                            <span class="inline-confirm" role="group" aria-label="Confirm delete">
                                "Delete it? "
                                <button type="button" class="button danger" on:click={
                                    let d = delete.clone();
                                    move |ev| d(ev)
                                }>"Yes, delete"</button>
                                <button type="button" class="button secondary" on:click=move |_| confirm_delete.set(false)>"Keep"</button>
                            </span>
                        </Show>
                    </p>
        </article>
    }
    .into_any()
}

/// Opening a share link: show what it holds, import a copy on request.
#[component]
fn ImportView(link: String) -> impl IntoView {
    let state = app_state();
    let navigate = use_navigate();
    let parsed = share::unpack::<Checklist>(&link, SHARE_KIND, SHARE_VERSION)
        .map_err(|e| e.to_string())
        .and_then(|(c, _)| c.check_imported().map(|_| c).map_err(|e| format!("the checklist is not usable: {e}")));
    match parsed {
        Err(message) => view! {
            <article class="page">
                <h1>"Import a checklist"</h1>
                <p class="field-error" role="alert">{format!("This share link can't be opened: {message}. Nothing was imported.")}</p>
                <p>"Ask for the link again, or start a new checklist."</p>
                <p><a class="button" href=util::app_href("/checklists")>"Go to your checklists"</a></p>
            </article>
        }
        .into_any(),
        Ok(incoming) => {
            let r = incoming.readiness();
            let name = incoming.name.clone();
            let md = incoming.to_markdown(&today());
            let incoming = StoredValue::new(incoming);
            let import = move |_| {
                let now = util::now_ms();
                let id = new_id("cl");
                let mut copy = incoming.get_value();
                let taken = state.progress.with_untracked(|p| p.checklists.values().any(|c| c.name == copy.name && c.deleted_at.is_none()));
                copy.id = id.clone();
                if taken {
                    copy.name = format!("{} (copy)", copy.name);
                }
                copy.created_at = now;
                copy.updated_at = now;
                copy.deleted_at = None;
                state.update(|p| {
                    p.checklists.insert(id.clone(), copy);
                });
                util::announce("Checklist imported as a copy.");
                navigate(&format!("/checklists?id={id}"), Default::default());
            };
            view! {
                <article class="page">
                    <h1>"Import a checklist"</h1>
                    <p>
                        "This link holds the checklist " <strong>{name}</strong>
                        {format!(" ({r}). Read it below; importing adds a copy to your checklists, and nothing you have is changed.")}
                    </p>
                    <p class="button-row">
                        <button type="button" class="button primary" on:click=import>"Import a copy"</button>
                        <a class="button" href=util::app_href("/checklists")>"Close without importing"</a>
                    </p>
                    <section class="prose preview-box shared-preview" aria-label="The shared checklist">
                        <Markdown source=Signal::derive(move || md.clone()) id_prefix="shared-" />
                    </section>
                </article>
            }
            .into_any()
        }
    }
}
