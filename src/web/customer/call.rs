//! The customer page's call: Join (`client-get-video-token`, keeping this tab's seat, then
//! connecting), the call screen (room events that arrive before it are kept for it), and the
//! post-call page with why the call ended and the rating.

use super::api::{self, ApiError};
use super::{focus, rating, seat, Page};
use crate::api::{param, Endpoint, VideoTokenResponse};
use crate::customer::CodeAnswer;
use crate::web::read;
use crate::web::video::call::{Call, CallSetup, Controls, Names};
use crate::web::video::{
    remembered_speaker, ConnectOptions, DisconnectReason, LocalMedia, Room, VideoEvent,
};
use std::rc::{Rc, Weak};
use wasm_bindgen_futures::spawn_local;

impl Page {
    pub(super) fn join(self: &Rc<Self>) {
        let Some(code) = self.code.borrow().clone() else {
            return;
        };
        // The preview's tracks go to the call: no second getUserMedia (without a preview,
        // taking the seat back, the call captures the remembered devices).
        let local = match self
            .waiting
            .borrow()
            .as_ref()
            .and_then(|w| w.prejoin.as_ref())
        {
            Some(prejoin) => match prejoin.take() {
                Some(local) => Some(local),
                None => return,
            },
            None => None,
        };
        self.set_wait_status(self.words.connecting, false);
        let weak = Rc::downgrade(self);
        spawn_local(async move {
            let seat = seat::held(&code);
            let mut params = vec![(param::CODE, code.clone())];
            if let Some(s) = seat {
                params.push((param::SEAT, s.to_string()));
            }
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer: Result<VideoTokenResponse, ApiError> =
                api::call(Endpoint::ClientGetVideoToken, &params, read::video_token).await;
            let Some(page) = weak.upgrade() else { return };
            let grant = match answer {
                Ok(grant) => grant,
                Err(ApiError::Answer(CodeAnswer::AgentNotConnected)) => {
                    local.iter().for_each(LocalMedia::stop);
                    page.show_wait();
                    return page.set_wait_status(page.words.agent_not_connected, false);
                }
                Err(e) => {
                    local.iter().for_each(LocalMedia::stop);
                    return page.refused(code, e);
                }
            };
            seat::keep(&code, grant.seat);
            *page.ticket.borrow_mut() = Some(grant.feedback_ticket.clone());
            let names = Names::Agent {
                identity: grant.agent_identity.clone(),
                name: grant.agent_name.clone(),
            };
            let options = ConnectOptions {
                token: grant.token,
                provider: grant.provider,
                room_sid: grant.room_sid,
                #[cfg(feature = "sandbox")]
                signaling_url: grant.signaling_url,
                #[cfg(feature = "sandbox")]
                ice: grant.ice,
                assets_base: api::origin(),
                local,
            };
            let speaker = options
                .local
                .as_ref()
                .map_or_else(remembered_speaker, |l| l.speaker.clone());
            let events_to: Weak<Page> = Rc::downgrade(&page);
            drop(page);
            let connected = Room::connect(
                options,
                Rc::new(move |event| {
                    if let Some(page) = events_to.upgrade() {
                        page.on_room(event);
                    }
                }),
            )
            .await;
            let Some(page) = weak.upgrade() else { return };
            match connected {
                Ok(room) => page.in_call(room, names, speaker),
                Err(e) => {
                    page.show_wait();
                    page.set_wait_status(&page.error_text(&e), true);
                }
            }
        });
    }

    pub(super) fn in_call(self: &Rc<Self>, room: Room, names: Names, speaker: Option<String>) {
        let early: Vec<VideoEvent> = self.pending.borrow_mut().drain(..).collect();
        self.reset();
        let s = self.section("in-call");
        let weak = Rc::downgrade(self);
        let setup = CallSetup {
            waiting: self.words.waiting(names.other_name()),
            strings: self.strings.clone(),
            controls: Controls {
                screen_share: true,
                leave: true,
                picture_in_picture: false,
            },
            names,
            assets_base: api::origin(),
        };
        let call = Call::new(room, &s, setup, move || {
            if let Some(page) = weak.upgrade() {
                page.ended(None);
            }
        });
        call.route_to(speaker);
        let _ = call.first_control().focus();
        *self.call.borrow_mut() = Some(call);
        for event in early {
            self.on_room(event);
        }
    }

    pub(super) fn on_room(self: &Rc<Self>, event: VideoEvent) {
        let call = self.call.borrow().clone();
        let Some(call) = call else {
            self.pending.borrow_mut().push(event);
            return;
        };
        if let VideoEvent::Disconnected { reason } = event {
            return match reason {
                // Another tab or device took this seat: say so, with a way back.
                Some(DisconnectReason::DuplicateIdentity) => self.seat_taken(),
                other => self.ended(other),
            };
        }
        call.apply(&event);
    }

    pub(super) fn ended(self: &Rc<Self>, reason: Option<DisconnectReason>) {
        self.reset();
        let ticket = self.ticket.borrow().clone();
        self.ended_by_room
            .set(reason == Some(DisconnectReason::RoomCompleted) && self.over.get().is_none());
        let why = match (reason, self.over.get()) {
            // The room was completed because the session ended: say why it ended.
            (Some(DisconnectReason::RoomCompleted), Some(over)) => Some(self.words.over(over)),
            (Some(r), _) => Some(self.words.end_reason(r)),
            (None, _) => None,
        };
        let (listeners, heading) = rating::render(&self.root, self.words, why, ticket);
        self.listeners.borrow_mut().extend(listeners);
        focus(&heading);
    }
}
