//! The tests' socket client tells a socket that closed from one that broke: a close frame reads
//! as the end (`None`), a protocol error fails the test instead of passing for a close.

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

use crate::test_sockets::{open, recv};

/// How the server ends after its one message.
#[derive(Clone, Copy)]
enum End {
    /// A close frame.
    Close,
    /// A frame with a reserved opcode: a protocol error for the client.
    BadFrame,
}

/// A WebSocket server for one client: it sends `{"hello": 1}`, then ends as `end` says.
async fn server(end: End) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp)
            .await
            .expect("handshake");
        let hello = json!({"hello": 1}).to_string();
        ws.send(Message::Text(hello.into())).await.expect("send");
        match end {
            End::Close => ws.close(None).await.expect("close"),
            End::BadFrame => {
                // FIN with opcode 0x3, which RFC 6455 reserves; no payload.
                ws.get_mut().write_all(&[0x83, 0x00]).await.expect("write");
                ws.get_mut().flush().await.expect("flush");
            }
        }
        // Until the client goes.
        while let Some(Ok(_)) = ws.next().await {}
    });
    format!("ws://{addr}")
}

#[tokio::test]
async fn a_close_frame_reads_as_the_end() {
    let mut ws = open(&server(End::Close).await).await;
    assert_eq!(recv::<Value>(&mut ws).await, Some(json!({"hello": 1})));
    assert_eq!(recv::<Value>(&mut ws).await, None);
}

#[tokio::test]
#[should_panic(expected = "the socket failed, which is not a close")]
async fn a_protocol_error_fails_instead_of_reading_as_a_close() {
    let mut ws = open(&server(End::BadFrame).await).await;
    assert_eq!(recv::<Value>(&mut ws).await, Some(json!({"hello": 1})));
    let _ = recv::<Value>(&mut ws).await;
}
