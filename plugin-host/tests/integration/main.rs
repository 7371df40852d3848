//! The host's integration tests, in one test binary: linking one binary instead of one per
//! file is most of what a change to the host costs to test (and what each of
//! `cargo xtask mutants`' host mutants costs). Run one file's tests with
//! `cargo test -p plugin-host --test integration <file>::`.

#[path = "../common/mod.rs"]
mod common;

mod assets;
mod assignment_checks;
mod authorization;
mod config;
mod deploy_apis;
mod durability;
mod edge;
mod expiry;
mod fidelity;
mod functions;
mod functions_endings;
mod functions_refusals;
mod iam_refusals;
mod lifecycle;
mod lifecycle_people;
mod openapi;
mod operations;
mod ratings;
mod reservations;
mod room_types;
mod round_trips;
mod sandbox_documents;
mod sandbox_refusals;
mod sandbox_rooms;
mod sandbox_tasks;
mod session_document;
mod signaling;
mod sweep_failures;
mod token_cache;
mod tokens;
mod twilio_mode;
mod video_failures;
