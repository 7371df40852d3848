//! One participant's signaling socket: the `join` handshake (an expired token is refused there,
//! 20104), then relaying and keepalive until the participant leaves or is disconnected. As in
//! Twilio, a token that expires while connected does not disconnect anyone: only a join or a
//! rejoin needs an unexpired token. A participant that relays
//! faster than its allowance (`SignalingConfig::relay_burst`, `relay_per_sec`), or into a queue
//! that is full, is disconnected itself: a flood never costs the receiver its connection.

use super::hub::{Kick, Mailbox, RelayError, QUEUE};
use super::{Inner, RoomInfo, Signaling};
use crate::edge::sockets::{self, First, SocketAdmission};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use chat_to_video::protocol::{ClientMessage, DisconnectReason, ServerMessage, MAX_MESSAGE_BYTES};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Close codes: 1000 normal, 4000 + reason for disconnects the client did not choose.
fn close_code(reason: DisconnectReason) -> u16 {
    4000 + DisconnectReason::ALL
        .iter()
        .position(|r| *r == reason)
        .unwrap_or(0) as u16
}

async fn send(socket: &mut WebSocket, message: &ServerMessage) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

/// Tells the client why, then closes.
async fn disconnect(mut socket: WebSocket, reason: DisconnectReason) {
    let _ = send(&mut socket, &reason.to_message()).await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: close_code(reason),
            reason: reason.message().into(),
        })))
        .await;
}

async fn refuse(socket: &mut WebSocket, message: &str) -> bool {
    send(
        socket,
        &ServerMessage::Error {
            message: message.to_owned(),
        },
    )
    .await
}

/// Parses one text frame, or says what is wrong with it.
fn parse(text: &str) -> Result<ClientMessage, &'static str> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err("message too large (the limit is 64 KiB)");
    }
    serde_json::from_str(text).map_err(|_| "malformed message: expected a JSON signaling message")
}

/// Waits for the `join` message: the token, or the close frame a broken limit deserves.
async fn await_join(
    socket: &mut WebSocket,
    timeout: Duration,
) -> Result<String, Option<CloseFrame>> {
    match sockets::first_message(socket, timeout).await {
        First::Message(Message::Text(text)) => match parse(text.as_str()) {
            Ok(ClientMessage::Join { token }) => Ok(token),
            _ => Err(None),
        },
        First::Refused(frame) => Err(Some(frame)),
        First::Message(_) | First::TimedOut | First::Gone => Err(None),
    }
}

/// A participant's allowance of relayed messages: a token bucket.
struct Allowance {
    tokens: f64,
    burst: f64,
    per_sec: f64,
    at: Instant,
}

impl Allowance {
    fn new(burst: u32, per_sec: f64) -> Allowance {
        Allowance {
            tokens: f64::from(burst),
            burst: f64::from(burst),
            per_sec,
            at: Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.per_sec;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Close code for a sender disconnected for flooding (policy violation).
const FLOODING: u16 = 1008;

/// Checks the token and the room; on success the room and the identity.
async fn admit(
    inner: &Inner,
    room_sid: &str,
    token: &str,
) -> Result<(RoomInfo, String), DisconnectReason> {
    let access = inner.verifier.video(token)?;
    let room = match inner.directory.room(room_sid).await {
        Ok(Some(room)) => room,
        Ok(None) => return Err(DisconnectReason::RoomNotFound),
        Err(e) => {
            tracing::warn!(room = room_sid, error = %e, "room lookup failed");
            return Err(DisconnectReason::Network);
        }
    };
    if access.room != room.sid && access.room != room.unique_name {
        return Err(DisconnectReason::TokenInvalid);
    }
    if !room.in_progress {
        return Err(DisconnectReason::RoomCompleted);
    }
    Ok((room, access.identity))
}

pub(super) async fn run(
    signaling: Signaling,
    room_sid: String,
    mut socket: WebSocket,
    mut edge: SocketAdmission,
) {
    let inner = &signaling.inner;
    let token = match await_join(&mut socket, inner.config.join_timeout).await {
        Ok(token) => token,
        Err(Some(frame)) => return sockets::close_with(socket, frame).await,
        Err(None) => {
            let _ = refuse(
                &mut socket,
                "the first message must be {\"type\":\"join\",\"token\":…}",
            )
            .await;
            disconnect(socket, DisconnectReason::TokenInvalid).await;
            return;
        }
    };
    let (room, identity) = match admit(inner, &room_sid, &token).await {
        Ok(admitted) => admitted,
        Err(reason) => return disconnect(socket, reason).await,
    };
    edge.authenticated();
    let (tx, rx) = mpsc::channel(QUEUE);
    let kick = Arc::new(Kick::default());
    let mailbox = Mailbox {
        tx,
        kick: kick.clone(),
    };
    let admission = match inner
        .hub
        .join(&room.sid, &identity, room.max_participants, mailbox)
    {
        Ok(admission) => admission,
        Err(reason) => return disconnect(socket, reason).await,
    };
    let sid = admission.participant_sid.clone();
    tracing::info!(room = %room.sid, participant = %sid, %identity, "participant connected");
    let joined = ServerMessage::Joined {
        participant_sid: sid.clone(),
        identity: identity.clone(),
        room_sid: room.sid.clone(),
        room_name: room.unique_name.clone(),
        participants: admission.others,
    };
    let ended = if send(&mut socket, &joined).await {
        Connected {
            inner,
            room_sid: &room.sid,
            sid: &sid,
            socket: &mut socket,
            rx,
            kick: &kick,
            allowance: Allowance::new(inner.config.relay_burst, inner.config.relay_per_sec),
            admission: &mut edge,
        }
        .serve()
        .await
    } else {
        Ended::Lost
    };
    // Still there unless the hub removed it (replaced or room completed).
    inner.hub.leave(&room.sid, &sid);
    match ended {
        Ended::Kicked(reason) => disconnect(socket, reason).await,
        Ended::Lost => disconnect(socket, DisconnectReason::Network).await,
        Ended::Left => {
            let _ = socket.send(Message::Close(None)).await;
        }
        Ended::Refused(frame) => sockets::close_with(socket, frame).await,
        Ended::Flooding => {
            metrics::counter!("c2v_signaling_senders_disconnected_total").increment(1);
            tracing::warn!(room = %room.sid, participant = %sid, "relaying too fast; disconnected");
            let _ = refuse(
                &mut socket,
                "too many messages: this participant is disconnected",
            )
            .await;
            let frame = CloseFrame {
                code: FLOODING,
                reason: "too many messages".into(),
            };
            sockets::close_with(socket, frame).await;
        }
        Ended::ShuttingDown => {
            let _ = send(&mut socket, &DisconnectReason::Network.to_message()).await;
            SocketAdmission::going_away(&mut socket).await;
        }
    }
    tracing::info!(room = %room.sid, participant = %sid, "participant disconnected");
}

enum Ended {
    /// The participant said `leave` or closed the socket.
    Left,
    /// Silent, or the socket failed.
    Lost,
    /// The hub removed the participant.
    Kicked(DisconnectReason),
    /// A frame broke a limit or the protocol.
    Refused(CloseFrame),
    /// Relayed beyond its allowance, or into a full queue.
    Flooding,
    /// The host is shutting down.
    ShuttingDown,
}

struct Connected<'a> {
    inner: &'a Inner,
    room_sid: &'a str,
    sid: &'a str,
    socket: &'a mut WebSocket,
    rx: mpsc::Receiver<ServerMessage>,
    kick: &'a Kick,
    allowance: Allowance,
    admission: &'a mut SocketAdmission,
}

impl Connected<'_> {
    async fn serve(mut self) -> Ended {
        let interval = self.inner.config.ping_interval;
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                // The hub fires the kick before it drops the queue: look at it first.
                biased;
                reason = self.kick.fired() => return Ended::Kicked(reason),
                () = self.admission.draining() => return Ended::ShuttingDown,
                outgoing = self.rx.recv() => {
                    let Some(message) = outgoing else {
                        return Ended::Kicked(self.kick.fired().await);
                    };
                    if !send(self.socket, &message).await {
                        return Ended::Lost;
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > interval * 3 {
                        return Ended::Lost;
                    }
                    if self.socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                        return Ended::Lost;
                    }
                }
                incoming = self.socket.recv() => {
                    last_heard = Instant::now();
                    match incoming {
                        Some(Ok(Message::Text(text))) => {
                            if let Some(ended) = self.handle(text.as_str()).await {
                                return ended;
                            }
                        }
                        Some(Ok(Message::Binary(_))) => {
                            if !refuse(self.socket, "binary frames are not part of the protocol").await {
                                return Ended::Lost;
                            }
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                        Some(Ok(Message::Close(_))) => return Ended::Left,
                        Some(Err(e)) => return match sockets::refusal(&e) {
                            Some(frame) => Ended::Refused(frame),
                            None => Ended::Lost,
                        },
                        None => return Ended::Lost,
                    }
                }
            }
        }
    }

    /// One client message; `Some` ends the session.
    async fn handle(&mut self, text: &str) -> Option<Ended> {
        let relayed = match parse(text) {
            Err(problem) => return (!refuse(self.socket, problem).await).then_some(Ended::Lost),
            Ok(ClientMessage::Leave) => return Some(Ended::Left),
            Ok(ClientMessage::Join { .. }) => {
                return (!refuse(self.socket, "already joined").await).then_some(Ended::Lost)
            }
            Ok(ClientMessage::Track {
                change,
                name,
                kind,
                stream,
            }) => {
                if kind != name.kind() {
                    return (!refuse(self.socket, "track kind does not match its name").await)
                        .then_some(Ended::Lost);
                }
                if !self.allowance.take() {
                    return Some(Ended::Flooding);
                }
                let delivered = self
                    .inner
                    .hub
                    .track(self.room_sid, self.sid, change, name, stream);
                return (!delivered).then_some(Ended::Flooding);
            }
            Ok(ClientMessage::Offer { to, sdp }) => (
                to,
                ServerMessage::Offer {
                    from: self.sid.to_owned(),
                    sdp,
                },
            ),
            Ok(ClientMessage::Answer { to, sdp }) => (
                to,
                ServerMessage::Answer {
                    from: self.sid.to_owned(),
                    sdp,
                },
            ),
            Ok(ClientMessage::Candidate { to, candidate }) => (
                to,
                ServerMessage::Candidate {
                    from: self.sid.to_owned(),
                    candidate,
                },
            ),
        };
        let (to, message) = relayed;
        if !self.allowance.take() {
            return Some(Ended::Flooding);
        }
        match self.inner.hub.relay(self.room_sid, &to, message) {
            Ok(()) => None,
            Err(RelayError::Busy) => Some(Ended::Flooding),
            Err(RelayError::UnknownTarget) => {
                (!refuse(self.socket, "no participant with that sid in this room").await)
                    .then_some(Ended::Lost)
            }
        }
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn each_disconnect_reason_closes_with_its_own_code_in_the_private_range() {
        let codes: Vec<u16> = DisconnectReason::ALL
            .iter()
            .map(|r| close_code(*r))
            .collect();
        let expected: Vec<u16> = (4000..).take(DisconnectReason::ALL.len()).collect();
        assert_eq!(codes, expected);
        assert_eq!(close_code(DisconnectReason::RoomCompleted), 4000);
    }

    #[test]
    fn a_message_of_exactly_the_limit_is_read_and_one_byte_more_is_too_large() {
        // Padded JSON: whitespace counts towards the limit like any other byte.
        let join = r#"{"join":{"token":"t"}}"#;
        let at_limit = format!("{join}{}", " ".repeat(MAX_MESSAGE_BYTES - join.len()));
        assert_eq!(at_limit.len(), MAX_MESSAGE_BYTES);
        assert!(matches!(parse(&at_limit), Ok(ClientMessage::Join { token }) if token == "t"));
        let over = format!("{at_limit} ");
        assert_eq!(
            parse(&over).unwrap_err(),
            "message too large (the limit is 64 KiB)"
        );
        assert!(parse("{not json").unwrap_err().starts_with("malformed"));
    }
}
