//! The plugin's logic through the wasm build under Node: configuration, strings and task
//! attributes read from real JS objects by the Flex edge, the rules behind `showButton`,
//! `showTab` and `guard`, `afterWrapup`'s request, and the pure modules compiled to wasm.
//! Flex is a recording double; `fetch` is a controllable double (no server runs here). One
//! module per topic under `tests/node/`; here, the plugin they all create.
#![cfg(target_arch = "wasm32")]

mod common;

#[path = "node/actions.rs"]
mod actions;
#[path = "node/create.rs"]
mod create;
#[path = "node/read.rs"]
mod read;
#[path = "node/strings.rs"]
mod strings;
#[path = "node/tasks.rs"]
mod tasks;
#[path = "node/wasm_build.rs"]
mod wasm_build;

use chat_to_video::web::{Plugin, PluginError};
use common::*;

fn plugin(flex: &FlexDouble, custom_data: &str, strings: &str) -> Result<Plugin, PluginError> {
    Plugin::create(flex.object(), manager(custom_data, strings))
}
