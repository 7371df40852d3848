//! The tab's steps: each input (a click, a token answer, a connection event, unmounting) goes
//! through the room-state machine, and this module performs what the step asks for: the agent's
//! room claim, the `videoRoom` write, fetching the token, connecting, leaving or ending the call
//! for everyone, and where focus goes next.

use super::requests::{end_session, fetch_token, write_state};
use super::view::render;
use super::{Event, State};
use crate::room_state::{Claim, Effect, Input, Phase};
use crate::rules::ActiveRoom;
use crate::web::connector::{ConnectionEvent, EventSink};
use crate::web::dom;
use crate::web::http::InFlight;
use crate::web::room_claim;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// Runs one input through the state machine and performs what the step asks for.
pub(super) fn apply(state: &Rc<RefCell<State>>, event: Event) {
    let mut st = state.borrow_mut();
    let active = room_claim::current();
    let task_sid = st.task.task_sid.clone().unwrap_or_default();
    let input = match event {
        Event::Join => Input::Join {
            task_sid: &task_sid,
            has_document: st.task.video.sync_document.is_some(),
            active: active.as_ref(),
        },
        Event::TokenReceived => Input::TokenReceived,
        Event::TokenFailed => Input::TokenFailed,
        Event::TokenRefused(r) => Input::TokenRefused(r),
        Event::Connection(ConnectionEvent::Connected) => Input::Connected,
        Event::Connection(ConnectionEvent::Reconnecting) => Input::Reconnecting,
        Event::Connection(ConnectionEvent::Reconnected) => Input::Reconnected,
        Event::Connection(ConnectionEvent::Disconnected(r)) => Input::Disconnected(r),
        Event::Connection(ConnectionEvent::Failed(f)) => Input::ConnectFailed(f),
        Event::Leave => Input::Leave,
        Event::EndForEveryone => Input::EndForEveryone,
        Event::Unmount => Input::Unmount,
    };
    let Some(step) = st.phase.step(input) else {
        return;
    };
    let from = st.phase;
    st.phase = step.phase;
    st.new_link_sent = false;

    let owner = st.owner;
    match step.claim {
        Claim::Keep => {}
        Claim::Take => {
            room_claim::claim(
                owner,
                ActiveRoom {
                    task_sid: task_sid.clone(),
                    reservation_sid: st.task.reservation_sid.clone(),
                    room_sid: None,
                    connected: false,
                },
            );
        }
        Claim::RoomKnown => {
            let room_sid = st.grant.as_ref().map(|g| g.room_sid.clone());
            room_claim::update(owner, |room| room.room_sid = room_sid);
        }
        Claim::Connected => room_claim::update(owner, |room| room.connected = true),
        Claim::Release => room_claim::release(owner),
    }

    if let Some(write) = step.write {
        wasm_bindgen_futures::spawn_local(write_state(st.ctx.clone(), task_sid.clone(), write));
    }

    match step.effect {
        Effect::None => {}
        Effect::FetchToken => {
            st.attempt = st.attempt.wrapping_add(1);
            let request = InFlight::new();
            let signal = request.signal();
            st.request = Some(request);
            st.grant = None;
            let document = st.task.video.sync_document.clone().unwrap_or_default();
            wasm_bindgen_futures::spawn_local(fetch_token(
                Rc::downgrade(state),
                st.ctx.clone(),
                st.attempt,
                document,
                signal,
            ));
        }
        Effect::CancelFetch => st.request = None,
        Effect::Connect => {
            st.request = None;
            if let Some(grant) = st.grant.take() {
                let events = sink(Rc::downgrade(state), st.attempt);
                // The preview's tracks go to the call: no second getUserMedia.
                let local = st.prejoin.borrow_mut().take().and_then(|p| p.take());
                let connection = st
                    .ctx
                    .connector
                    .connect(&grant, &st.view.media, events, local);
                st.connection = Some(connection);
            }
        }
        Effect::Disconnect | Effect::EndSession => {
            if step.effect == Effect::EndSession {
                wasm_bindgen_futures::spawn_local(end_session(st.ctx.clone(), st.task.clone()));
            }
            if let Some(mut c) = st.connection.take() {
                c.disconnect();
            }
            st.view.media.set_text_content(None);
        }
    }
    render(&st);
    move_focus(&st, from);
}

/// After Join, Leave and errors, focus goes to the next sensible control, but only when it was
/// in the tab already (the agent may be typing elsewhere in Flex).
fn move_focus(st: &State, from: Phase) {
    let v = &st.view;
    let inside = dom::document()
        .active_element()
        .is_none_or(|a| v.root.contains(Some(&a)) || a.tag_name() == "BODY");
    if !inside || from == st.phase {
        return;
    }
    let target = match st.phase {
        Phase::Connected => Some(&v.leave),
        Phase::Disconnected(_) | Phase::Failed(_) if st.phase.offers_new_link() => {
            Some(&v.new_link)
        }
        Phase::Disconnected(_) | Phase::Failed(_) => Some(&v.join),
        _ => None,
    };
    if let Some(b) = target {
        // Join waits for the preview's tracks: it takes focus once it can be clicked.
        st.focus_join.set(b == &v.join && b.disabled());
        let _ = b.focus();
    }
}

/// Delivers a connection's events to the tab, if it is still there and still on that attempt.
fn sink(weak: Weak<RefCell<State>>, attempt: u32) -> EventSink {
    EventSink::new(move |event| {
        let Some(state) = weak.upgrade() else {
            return;
        };
        if state.borrow().attempt == attempt {
            apply(&state, Event::Connection(event));
        }
    })
}
