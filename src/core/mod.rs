//! Pure engines and models. Nothing in here imports leptos, web-sys, gloo,
//! js-sys or wasm-bindgen (tests/core_is_pure.rs checks), and every random
//! draw comes from a seed ([`rng`]).

pub mod content;
pub mod frontmatter;
pub mod markdown;
pub mod progress;
pub mod quiz;
pub mod rng;
pub mod routes;
