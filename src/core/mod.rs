//! Pure engines and models. Nothing in here imports leptos, web-sys, gloo,
//! js-sys or wasm-bindgen (tests/core_is_pure.rs checks), and every random
//! draw comes from a seed ([`rng`]).

pub mod assignment;
pub mod canary;
pub mod checklist;
pub mod content;
pub mod diagram;
pub mod draft;
pub mod frontmatter;
pub mod gameday;
pub mod glossary;
pub mod markdown;
pub mod migration;
pub mod num;
pub mod prerender;
pub mod progress;
pub mod quiz;
pub mod rng;
pub mod routes;
pub mod runbook;
pub mod search;
pub mod share;
