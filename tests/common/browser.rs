//! DOM helpers and a scripted media connector for the browser suite.

use super::{json, manager, FlexDouble, ENABLED};
use chat_to_video::api::AgentTokenResponse;
use chat_to_video::web::connector::{Connection, ConnectionEvent, Connector, EventSink};
use chat_to_video::web::video::LocalMedia;
use chat_to_video::web::{dom, Plugin};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement};

pub fn container() -> HtmlElement {
    let doc = dom::document();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

pub fn find(root: &HtmlElement, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

pub fn button_in(root: &HtmlElement, selector: &str) -> HtmlButtonElement {
    find(root, selector).unchecked_into()
}

pub fn is_shown(el: &Element) -> bool {
    !el.has_attribute("hidden")
}

/// Clicks the tab's Join once it is enabled (the pre-join preview has its tracks).
pub async fn join_when_ready(root: &HtmlElement) {
    let join = button_in(root, "button.c2v-join");
    assert!(super::until(|| !join.disabled()).await, "Join enabled");
    join.click();
}

pub fn make_plugin(flex: &FlexDouble, strings: &str) -> Plugin {
    Plugin::create(flex.object(), manager(ENABLED, strings)).expect("plugin")
}

/// A scripted media connector: records what the tab asks of it and lets the test emit events.
#[derive(Default)]
pub struct Scripted {
    pub log: Rc<RefCell<Vec<String>>>,
    pub sinks: Rc<RefCell<Vec<EventSink>>>,
}

struct ScriptedConnection {
    log: Rc<RefCell<Vec<String>>>,
}

impl Connection for ScriptedConnection {
    fn disconnect(&mut self) {
        self.log.borrow_mut().push("disconnect".into());
    }
}

impl Connector for Scripted {
    fn connect(
        &self,
        grant: &AgentTokenResponse,
        media: &HtmlElement,
        events: EventSink,
        local: Option<LocalMedia>,
    ) -> Box<dyn Connection> {
        // The pre-join screen's tracks are the connection's: nothing publishes them here.
        if let Some(local) = local {
            local.stop();
        }
        self.log
            .borrow_mut()
            .push(format!("connect {} {}", grant.room_sid, grant.token));
        let video = dom::document().create_element("video").unwrap();
        media.append_child(&video).unwrap();
        self.sinks.borrow_mut().push(events);
        Box::new(ScriptedConnection {
            log: self.log.clone(),
        })
    }
}

impl Scripted {
    pub fn emit(&self, i: usize, event: ConnectionEvent) {
        self.sinks.borrow()[i].emit(event);
    }
}

pub fn scripted_plugin(flex: &FlexDouble) -> (Plugin, Rc<Scripted>) {
    let scripted = Rc::new(Scripted::default());
    let plugin = make_plugin(flex, "{}").with_connector(scripted.clone());
    (plugin, scripted)
}

pub fn guard(p: &Plugin, action: &str, task_sid: &str) -> Option<String> {
    p.guard(
        JsValue::from_str(action),
        json(&format!(r#"{{"task":{{"taskSid":"{task_sid}"}}}}"#)),
    )
}
