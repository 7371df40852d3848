//! Time in the sandbox: deletes documents past their TTL (late, as Sync does) and completes rooms whose empty or
//! unused timeout ran out, publishing each change on the event bus.

use std::sync::Arc;
use std::time::Duration;

use super::{documents, rooms, RoomEndReason, Sandbox, SandboxEvent};
use crate::clock::now_ms;

/// How often to look: a quarter of a sandbox minute, between 50 ms and 1 s.
pub fn tick(minute_ms: i64) -> Duration {
    Duration::from_millis((minute_ms / 4).clamp(50, 1000) as u64)
}

/// One pass; answers how many things changed.
pub async fn sweep_once(sandbox: &Sandbox) -> Result<usize, super::SandboxError> {
    let now = now_ms();
    let at = sandbox.at();
    let (expired, ended) = sandbox
        .db()
        .call(move |c| {
            let expired = documents::delete_expired(c, at);
            let ended = rooms::complete_due(c, now);
            Ok((expired, ended))
        })
        .await?;
    let (expired, ended) = (expired?, ended?);
    let n = expired.len() + ended.len();
    for sid in expired {
        sandbox.events().emit(SandboxEvent::DocumentRemoved { sid });
    }
    for (sid, ever_joined) in ended {
        let reason = if ever_joined {
            RoomEndReason::EmptyTimeout
        } else {
            RoomEndReason::UnusedTimeout
        };
        tracing::info!(room = %sid, reason = reason.as_str(), "sandbox room completed by timeout");
        sandbox
            .events()
            .emit(SandboxEvent::RoomCompleted { sid, reason });
    }
    Ok(n)
}

/// Runs until the process ends.
pub fn spawn(sandbox: Arc<Sandbox>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(tick(sandbox.minute_ms()));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(e) = sweep_once(&sandbox).await {
                tracing::error!(error = %e, "sandbox sweep failed");
            }
        }
    })
}
