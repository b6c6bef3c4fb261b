//! Rollback Lab: a browser course on rollback and rollforward strategy.
//!
//! Layers (see ARCHITECTURE.md): `core` is pure and runs natively; `store` is
//! the only code that touches local storage; `ui` is the Leptos view layer,
//! compiled for the browser only.

pub mod core;
pub mod store;

#[cfg(target_arch = "wasm32")]
pub mod ui;
