//! The video button in the task header. Idle → click → loading (disabled, spinner) while
//! `generate-unique-code` runs and Flex's `SendMessage` sends the invite → idle again, or,
//! on any failure, the registered error notification and an error look (still clickable, to
//! retry). Clicks while loading send nothing.

use super::context::Context;
use super::dom::{self, Listener, LiveComponent};
use super::flex::{self, task_facts};
use super::http::InFlight;
use super::icons;
use super::invite::{self, Target};
use super::mounted::Component;
use super::style::StyleGuard;
use crate::notifications::FAILED_VIDEO_LINK;
use crate::rules::TaskFacts;
use crate::strings::Text;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlElement};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Loading,
    Error,
}

struct View {
    root: HtmlElement,
    button: HtmlButtonElement,
    icon: HtmlElement,
    spinner: HtmlElement,
}

struct State {
    ctx: Rc<Context>,
    phase: Phase,
    task: TaskFacts,
    conversation: JsValue,
    view: View,
    /// The `generate-unique-code` request, aborted if the button goes away.
    request: Option<InFlight>,
    _live: LiveComponent,
}

/// The mounted button. Dropping it removes its element and listener and aborts its request.
#[must_use = "dropping the button removes it from the task header"]
pub struct VideoButton {
    state: Rc<RefCell<State>>,
    _click: Listener,
    _style: StyleGuard,
}

impl VideoButton {
    pub fn mount(
        ctx: Rc<Context>,
        parent: &HtmlElement,
        task: &JsValue,
        conversation: &JsValue,
    ) -> VideoButton {
        let doc = dom::document();
        let style = StyleGuard::new(&doc);
        let strings = ctx.manager.strings();
        let label = strings.get(Text::SwitchToVideo);

        let root = dom::el("span", "c2v c2v-button-root");
        super::style::set_theme(&root, ctx.manager.dark_theme(), None);
        let button = dom::button("c2v-video-button", "");
        dom::set_attr(&button, "aria-label", label);
        dom::set_attr(&button, "title", label);
        let icon = dom::el("span", "c2v-icon");
        dom::append(&icon, &icons::camera());
        let spinner = dom::el("span", "c2v-spinner");
        dom::set_attr(&spinner, "aria-hidden", "true");
        dom::append(&button, &icon);
        dom::append(&button, &spinner);
        dom::append(&root, &button);
        dom::append(parent, &root);

        let state = Rc::new(RefCell::new(State {
            ctx,
            phase: Phase::Idle,
            task: task_facts(task),
            conversation: conversation.clone(),
            view: View {
                root,
                button,
                icon,
                spinner,
            },
            request: None,
            _live: LiveComponent::new(),
        }));
        render(&state.borrow());

        let weak = Rc::downgrade(&state);
        let click = Listener::new(&state.borrow().view.button, "click", move |_| {
            on_click(&weak)
        });
        VideoButton {
            state,
            _click: click,
            _style: style,
        }
    }
}

impl Component for VideoButton {
    fn update(&self, task: &JsValue, conversation: Option<&JsValue>) {
        let mut st = self.state.borrow_mut();
        st.task = task_facts(task);
        if let Some(c) = conversation {
            st.conversation = c.clone();
        }
    }
}

impl Drop for VideoButton {
    fn drop(&mut self) {
        let mut st = self.state.borrow_mut();
        st.request = None;
        st.view.root.remove();
    }
}

fn render(st: &State) {
    let v = &st.view;
    let loading = st.phase == Phase::Loading;
    v.button.set_disabled(loading);
    dom::set_attr(
        &v.button,
        "aria-busy",
        if loading { "true" } else { "false" },
    );
    dom::set_attr(
        &v.button,
        "data-state",
        match st.phase {
            Phase::Idle => "idle",
            Phase::Loading => "loading",
            Phase::Error => "error",
        },
    );
    let strings = st.ctx.manager.strings();
    let title = match st.phase {
        Phase::Error => strings.get(Text::FailedVideoLink),
        _ => strings.get(Text::SwitchToVideo),
    };
    dom::set_attr(&v.button, "title", title);
    dom::set_shown(&v.icon, !loading);
    dom::set_shown(&v.spinner, loading);
}

fn on_click(weak: &Weak<RefCell<State>>) {
    let Some(state) = weak.upgrade() else {
        return;
    };
    {
        let mut st = state.borrow_mut();
        if st.phase == Phase::Loading {
            return;
        }
        st.phase = Phase::Loading;
        st.request = Some(InFlight::new());
        render(&st);
    }
    wasm_bindgen_futures::spawn_local(send_invite(weak.clone()));
}

async fn send_invite(weak: Weak<RefCell<State>>) {
    let Some((ctx, task_sid, conversation, conversation_sid, signal)) =
        weak.upgrade().map(|state| {
            let st = state.borrow();
            (
                st.ctx.clone(),
                st.task.task_sid.clone(),
                st.conversation.clone(),
                st.task.conversation_sid.clone(),
                st.request.as_ref().and_then(InFlight::signal),
            )
        })
    else {
        return;
    };
    let target = Target {
        task_sid: task_sid.as_deref(),
        conversation: &conversation,
        conversation_sid: conversation_sid.as_deref(),
    };
    let result = invite::send(&ctx, target, false, signal.as_ref(), &|| {
        weak.upgrade().is_some()
    })
    .await;
    let Some(state) = weak.upgrade() else {
        return;
    };
    let mut st = state.borrow_mut();
    st.request = None;
    match result {
        Ok(_) => st.phase = Phase::Idle,
        Err(e) => {
            let Some((what, detail)) = e.describe() else {
                return;
            };
            flex::warn(what, &detail);
            st.ctx.flex.show_notification(FAILED_VIDEO_LINK.id);
            st.phase = Phase::Error;
        }
    }
    render(&st);
}
