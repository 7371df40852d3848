//! A client for the sandbox's two sockets (signaling and live documents): JSON text messages
//! out and in, `None` once the socket has closed. The crate's own tests include this file too.

use std::time::Duration;

use chat_to_video::protocol::{
    ClientMessage, DisconnectReason, LiveClientMessage, LiveServerMessage, ServerMessage,
};
use futures_util::{SinkExt as _, StreamExt as _};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for the next message.
const WAIT: Duration = Duration::from_secs(10);

/// Serves `app` on a free loopback port: `ws://127.0.0.1:PORT`.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("ws://{addr}")
}

pub async fn open(url: &str) -> Ws {
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connect")
        .0
}

pub async fn send<T: Serialize>(ws: &mut Ws, message: &T) {
    let text = serde_json::to_string(message).expect("serialize");
    ws.send(Message::Text(text.into())).await.expect("send");
}

/// The next protocol message, or `None` once the socket has closed (a close frame, or the end
/// of the stream after one). A broken socket (a protocol error, a reset) fails the test: it is
/// not a close.
pub async fn recv<T: DeserializeOwned>(ws: &mut Ws) -> Option<T> {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("timed out waiting for a message");
        match frame {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(&text).expect("a protocol message"))
            }
            Some(Ok(Message::Close(_))) | None => return None,
            Some(Err(e)) => panic!("the socket failed, which is not a close: {e}"),
            Some(Ok(_)) => continue,
        }
    }
}

/// Opens a signaling socket, sends `join` with `token`, and answers the first reply.
pub async fn join(url: &str, token: &str) -> (Ws, ServerMessage) {
    let mut ws = open(url).await;
    let hello = ClientMessage::Join {
        token: token.into(),
    };
    send(&mut ws, &hello).await;
    let first = recv(&mut ws).await.expect("an answer to join");
    (ws, first)
}

/// Opens a live-document socket, sends `subscribe` with `token`, and answers the first reply.
pub async fn subscribe(url: &str, token: &str) -> (Ws, LiveServerMessage<Value>) {
    let mut ws = open(url).await;
    let hello = LiveClientMessage::Subscribe {
        token: token.into(),
    };
    send(&mut ws, &hello).await;
    let first = recv(&mut ws).await.expect("an answer to subscribe");
    (ws, first)
}

/// The participant sid of a `joined` answer.
pub fn joined_sid(message: &ServerMessage) -> String {
    match message {
        ServerMessage::Joined {
            participant_sid, ..
        } => participant_sid.clone(),
        other => panic!("expected joined, got {other:?}"),
    }
}

/// The reason of a `disconnected` message, whose code must be the reason's.
pub fn reason(message: Option<ServerMessage>) -> DisconnectReason {
    match message {
        Some(ServerMessage::Disconnected { reason, code, .. }) => {
            assert_eq!(code, reason.code());
            reason
        }
        other => panic!("expected disconnected, got {other:?}"),
    }
}
