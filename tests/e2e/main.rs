//! End-to-end tests in headless Chromium against the release `dist/`,
//! served on 127.0.0.1. Run by `scripts/test.sh` after the release build:
//! `cargo test --features e2e --test e2e`.

mod aids;
mod harness;
mod pages;
mod platform;
mod practice;
mod prose;
mod quiz;
mod shell;
mod sims;
