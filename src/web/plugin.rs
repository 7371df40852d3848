//! The object the Flex shell talks to (`docs/architecture.md`, "The WASM boundary"). Every
//! method takes Flex's objects as they come and never throws into Flex, except
//! `Plugin.create`, which throws a [`PluginError`] when the configuration or the objects it is
//! given are unusable. The shell's wiring comes from here too: which notifications to register
//! and which action listeners to add.

use super::button::VideoButton;
use super::connector::{default_connector, Connector};
use super::context::Context;
use super::error::PluginError;
use super::flex::{self, payload_sids, task_facts, FlexApi, ManagerApi};
use super::mounted::Mounted;
use super::room_claim;
use super::tab::VideoTab;
use crate::config::Config;
use crate::notifications::{self, WRAPUP_BLOCKED};
use crate::rules::{blocks_action, complete_room_target, ends_session, HookTime, ACTION_HOOKS};
use crate::strings::{Strings, Text};
use js_sys::{Array, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen]
pub struct Plugin {
    ctx: Rc<Context>,
}

fn set(obj: &Object, key: &str, value: &str) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &JsValue::from_str(value));
}

#[wasm_bindgen]
impl Plugin {
    /// Reads the configuration from `manager` and checks the Flex objects.
    pub fn create(flex: JsValue, manager: JsValue) -> Result<Plugin, PluginError> {
        let flex = FlexApi::new(flex)?;
        let manager = ManagerApi::new(manager)?;
        let config = Config::from_raw(&manager.raw_config())?;
        // The media module's connector; vendor SDKs load from the functions origin.
        let connector: Rc<dyn Connector> = match config.origin() {
            Some(origin) => Rc::new(super::connector::RoomConnector::new(
                origin,
                manager.clone(),
            )),
            None => default_connector(),
        };
        Ok(Plugin {
            ctx: Rc::new(Context {
                flex,
                manager,
                config,
                connector,
            }),
        })
    }

    /// `features.chat_to_video_escalation.enabled`.
    #[wasm_bindgen(getter)]
    pub fn enabled(&self) -> bool {
        self.ctx.config.enabled()
    }

    /// `{key: English default}` for every string; the shell merges `manager.strings` over it.
    #[wasm_bindgen(js_name = stringDefaults, unchecked_return_type = "Record<string, string>")]
    pub fn string_defaults(&self) -> Object {
        let table = Object::new();
        for t in Text::ALL {
            set(&table, t.key(), t.default_text());
        }
        table
    }

    /// `[{id, type, content}]` for the shell to register with Flex.
    #[wasm_bindgen(unchecked_return_type = "{ id: string; type: string; content: string }[]")]
    pub fn notifications(&self) -> Array {
        notifications::ALL
            .iter()
            .map(|n| {
                let o = Object::new();
                set(&o, "id", n.id);
                set(&o, "type", n.kind);
                set(&o, "content", n.content.key());
                JsValue::from(o)
            })
            .collect()
    }

    /// The header button's `if`.
    #[wasm_bindgen(js_name = showButton)]
    pub fn show_button(&self, task: JsValue) -> bool {
        self.enabled() && task_facts(&task).show_button()
    }

    /// The tab's `if`.
    #[wasm_bindgen(js_name = showTab)]
    pub fn show_tab(&self, task: JsValue) -> bool {
        self.enabled() && task_facts(&task).show_tab()
    }

    /// The tab's label (`PSChatToVideoRoom`).
    #[wasm_bindgen(js_name = tabLabel)]
    pub fn tab_label(&self) -> String {
        self.strings().get(Text::VideoRoom).to_owned()
    }

    /// The listeners the shell adds to `flex.Actions`: `[{action, event, veto}]`. `veto`: a
    /// `before` listener that asks [`Plugin::guard`] and aborts when it answers a notification
    /// id; otherwise an `after` listener that awaits [`Plugin::after_action`].
    #[wasm_bindgen(
        js_name = actionHooks,
        unchecked_return_type = "{ action: string; event: string; veto: boolean }[]"
    )]
    pub fn action_hooks(&self) -> Array {
        ACTION_HOOKS
            .iter()
            .map(|hook| {
                let o = Object::new();
                set(&o, "action", hook.action);
                set(&o, "event", &hook.event());
                let veto = JsValue::from_bool(hook.when == HookTime::Before);
                let _ = Reflect::set(&o, &JsValue::from_str("veto"), &veto);
                JsValue::from(o)
            })
            .collect()
    }

    /// For the `before` hooks: the id of the notification to show when the action must be
    /// aborted, else `undefined`. `CompleteTask`/`WrapupTask` are aborted while the agent is
    /// joining or in that task's room.
    pub fn guard(&self, action: JsValue, payload: JsValue) -> Option<String> {
        let action = action.as_string()?;
        let sids = payload_sids(&payload);
        let sids: Vec<&str> = sids.iter().map(String::as_str).collect();
        blocks_action(&action, &sids, room_claim::current().as_ref())
            .then(|| WRAPUP_BLOCKED.id.to_owned())
    }

    /// For the `after` hooks: after wrap-up, completion or a transfer the task's video session
    /// ends at once (`complete-room`: the room, the code, every open page), so the link cannot be
    /// reused. Tasks without video send nothing. Always resolves; failures are logged (the host
    /// also ends such sessions by itself).
    #[wasm_bindgen(js_name = afterAction, unchecked_return_type = "Promise<void>")]
    pub fn after_action(&self, action: JsValue, payload: JsValue) -> Promise {
        let ctx = self.ctx.clone();
        let reason = action.as_string().as_deref().and_then(ends_session);
        let task = task_facts(&flex::get(&payload, "task"));
        wasm_bindgen_futures::future_to_promise(async move {
            if let (Some(reason), Some(_)) = (reason, complete_room_target(&task.video)) {
                ctx.complete_room(&task, reason).await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Mounts the video button into `el`. Disabled feature: an empty handle.
    #[wasm_bindgen(js_name = mountButton)]
    pub fn mount_button(&self, el: HtmlElement, task: JsValue, conversation: JsValue) -> Mounted {
        if !self.enabled() {
            return Mounted::empty();
        }
        Mounted::new(Box::new(VideoButton::mount(
            self.ctx.clone(),
            &el,
            &task,
            &conversation,
        )))
    }

    /// Mounts the Video Room tab's content into `el` (`conversation`: where "Send a new link"
    /// sends the invite). Disabled feature: an empty handle.
    #[wasm_bindgen(js_name = mountTab)]
    pub fn mount_tab(&self, el: HtmlElement, task: JsValue, conversation: JsValue) -> Mounted {
        if !self.enabled() {
            return Mounted::empty();
        }
        Mounted::new(Box::new(VideoTab::mount(
            self.ctx.clone(),
            &el,
            &task,
            &conversation,
        )))
    }
}

impl Plugin {
    /// The same plugin with another media connector (the media module wires its own in;
    /// tests use a scripted one).
    pub fn with_connector(self, connector: Rc<dyn Connector>) -> Plugin {
        let ctx = &self.ctx;
        Plugin {
            ctx: Rc::new(Context {
                flex: ctx.flex.clone(),
                manager: ctx.manager.clone(),
                config: ctx.config.clone(),
                connector,
            }),
        }
    }

    /// The strings table as `manager.strings` has it now.
    pub fn strings(&self) -> Strings {
        self.ctx.manager.strings()
    }
}
