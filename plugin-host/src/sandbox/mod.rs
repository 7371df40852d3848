//! The sandbox: a stand-in for the Twilio REST subset the feature uses (Video Rooms, Sync
//! Documents, TaskRouter Tasks and Reservations, IAM token validation), kept in SQLite under the
//! data directory, plus the small sandbox API for agents, chats and tasks.
//!
//! For the parts built on top (signaling, live documents): [`Sandbox::subscribe`] for the event
//! bus, [`Sandbox::room_occupancy`] for the rooms' timeouts (signaling decides who is in a
//! room), [`Sandbox::document`] and [`Sandbox::can_read`] for documents.

pub mod api;
pub mod api_error;
pub mod conversations;
pub mod db;
pub mod documents;
pub mod error;
pub mod events;
pub mod exposure;
pub mod flex_account;
pub mod flex_tokens;
pub mod live_documents;
pub mod reservations;
pub mod rest;
pub mod rooms;
pub mod services;
pub mod sid;
pub mod signaling;
pub mod sweeper;
pub mod task_moves;
pub mod tasks;

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension};
use tokio::sync::broadcast;

use crate::clock::now_ms;
use crate::config::{ApiKey, Settings};
pub use db::{Db, DbError};
pub use error::SandboxError;
pub use events::{EventBus, RoomEndReason, SandboxEvent};
pub use services::SandboxServices;

/// The sandbox's own account and the fixed resources of its workspace, generated once.
#[derive(Debug, Clone)]
pub struct SandboxIds {
    pub account_sid: String,
    pub auth_token: String,
    pub sync_service_sid: String,
    pub workspace_sid: String,
    pub workflow_sid: String,
    pub queue_sid: String,
    /// Signs access tokens when no `TWILIO_API_KEY` is configured.
    pub api_key: ApiKey,
    pub flex_secret: String,
}

pub struct Sandbox {
    db: Db,
    ids: SandboxIds,
    flex: flex_tokens::FlexTokens,
    events: EventBus,
    minute_ms: i64,
    /// Milliseconds an expired document stays before the sweeper deletes it.
    sync_lag_ms: i64,
    /// Milliseconds a completed or canceled task stays before it is deleted.
    task_lag_ms: i64,
    /// The account keeps Go, Peer-to-Peer and Small Group rooms.
    legacy_room_types: bool,
    /// Origin used in the `url` fields of REST answers.
    base_url: String,
    expected_auth: String,
}

impl Sandbox {
    /// Opens the database under `settings.data_dir` and loads (or generates) the sandbox's ids.
    pub fn open(settings: &Settings, base_url: &str) -> Result<Sandbox, DbError> {
        let db = Db::open(&settings.data_dir)?;
        Self::with_db(db, settings, base_url)
    }

    pub fn with_db(db: Db, settings: &Settings, base_url: &str) -> Result<Sandbox, DbError> {
        let minute_ms = (settings.sandbox_minute_secs * 1000.0).round().max(1.0) as i64;
        let ids = db.call_now(|c| load_ids(c, settings))?;
        db.call_now(|c| rooms::restart_timeouts(c, now_ms(), minute_ms).map_err(into_db))?;
        db.call_now(|c| rest::sync_services::ensure(c, &ids.sync_service_sid, now_ms()))?;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", ids.account_sid, ids.auth_token));
        Ok(Sandbox {
            flex: flex_tokens::FlexTokens::new(&ids.flex_secret),
            expected_auth: format!("Basic {basic}"),
            db,
            ids,
            events: EventBus::default(),
            minute_ms,
            sync_lag_ms: (settings.sandbox_lag.sync_delete_delay_secs * 1000.0).round() as i64,
            legacy_room_types: settings.sandbox_legacy_room_types,
            task_lag_ms: (settings.sandbox_lag.task_delete_delay_secs * 1000.0).round() as i64,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    pub fn ids(&self) -> &SandboxIds {
        &self.ids
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn minute_ms(&self) -> i64 {
        self.minute_ms
    }

    /// Now, with how late expired documents are deleted.
    pub fn at(&self) -> documents::At {
        documents::At {
            now: now_ms(),
            lag: self.sync_lag_ms,
        }
    }

    /// Milliseconds a completed or canceled task stays before TaskRouter deletes it.
    pub fn task_lag_ms(&self) -> i64 {
        self.task_lag_ms
    }

    /// Whether the sandbox's account may create rooms other than `group` (else 53126).
    pub fn legacy_room_types(&self) -> bool {
        self.legacy_room_types
    }

    pub fn flex_tokens(&self) -> &flex_tokens::FlexTokens {
        &self.flex
    }

    /// The event bus: every document, room and task change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SandboxEvent> {
        self.events.subscribe()
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    /// Whether an `Authorization` header carries the sandbox account's credentials.
    pub fn authorized(&self, header: Option<&str>) -> bool {
        header.is_some_and(|h| constant_time_eq(h.as_bytes(), self.expected_auth.as_bytes()))
    }

    /// Signaling's word that a room became occupied (no timeout runs while anyone is in it) or
    /// empty (its empty-room timeout starts now). Signaling owns who is in the room; this only
    /// moves the room's deadline.
    pub fn room_occupancy(&self, room_sid: &str, occupied: bool) {
        let minute = self.minute_ms;
        let written = self.db.call_now(|c| {
            if occupied {
                rooms::mark_occupied(c, room_sid)
            } else {
                rooms::mark_empty(c, room_sid, now_ms(), minute)
            }
            .map_err(into_db)
        });
        if let Err(e) = written {
            tracing::error!(room = room_sid, error = %e, "could not record a room's occupancy");
        }
    }

    /// A document (not deleted yet) of the sandbox's Sync service, by ET sid or unique name.
    pub async fn document(&self, sid_or_name: &str) -> Result<Option<documents::DocRow>, DbError> {
        let service = self.ids.sync_service_sid.clone();
        let key = sid_or_name.to_owned();
        let at = self.at();
        self.db
            .call(move |c| documents::fetch(c, &service, &key, at).map_err(into_db))
            .await
    }

    /// Whether `identity` may read the document of the sandbox's Sync service (every identity
    /// while the service has no `acl_enabled`, as in Sync).
    pub async fn can_read(&self, document_sid: &str, identity: &str) -> Result<bool, DbError> {
        Ok(self.access(document_sid, identity).await?.read)
    }

    /// `identity`'s access to the document of the sandbox's Sync service.
    pub async fn access(
        &self,
        document_sid: &str,
        identity: &str,
    ) -> Result<documents::Access, DbError> {
        let service = self.ids.sync_service_sid.clone();
        let (doc, who) = (document_sid.to_owned(), identity.to_owned());
        self.db
            .call(move |c| documents::access(c, &service, &doc, &who).map_err(into_db))
            .await
    }

    /// A client's write (its sync token's `identity`) of the document's data, as the Sync SDK's
    /// `document.set`: `Ok(None)` when the document is gone; refused (`Ok(Some(false))`) when
    /// the identity may not write it.
    pub async fn client_write(
        &self,
        document_sid: &str,
        identity: &str,
        data: &serde_json::Value,
    ) -> Result<Option<bool>, SandboxError> {
        if !self.access(document_sid, identity).await?.write {
            return Ok(Some(false));
        }
        let data = documents::check_data(&data.to_string())?;
        let service = self.ids.sync_service_sid.clone();
        let (doc, at) = (document_sid.to_owned(), self.at());
        let row = self
            .db
            .call(move |c| {
                Ok(documents::update(
                    c,
                    &service,
                    &doc,
                    Some(data),
                    None,
                    None,
                    at,
                ))
            })
            .await??;
        let Some(row) = row else { return Ok(None) };
        if let Ok(data) = serde_json::from_str(&row.data) {
            self.events.emit(SandboxEvent::DocumentUpdated {
                sid: row.sid.clone(),
                unique_name: row.unique_name.clone(),
                revision: row.revision as u64,
                data,
            });
        }
        Ok(Some(true))
    }
}

/// `text` as a compact JSON object, or Twilio's 400 naming the field.
pub fn json_object(text: &str, field: &str) -> Result<String, SandboxError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v.to_string()),
        _ => Err(SandboxError::invalid(format!(
            "{field} must be a JSON object"
        ))),
    }
}

fn into_db(e: SandboxError) -> DbError {
    match e {
        SandboxError::Db(e) => e,
        SandboxError::Api(e) => DbError::Corrupt(e.message),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads the sandbox's generated ids from `meta`, creating those that are missing.
fn load_ids(conn: &mut Connection, settings: &Settings) -> Result<SandboxIds, DbError> {
    let tx = conn.transaction()?;
    let get = |key: &str, make: &dyn Fn() -> String| -> Result<String, DbError> {
        let found: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        match found {
            Some(v) => Ok(v),
            None => {
                let v = make();
                tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", [key, &v])?;
                Ok(v)
            }
        }
    };
    let account_sid = get("account_sid", &|| sid::new_sid("AC"))?;
    let auth_token = get("auth_token", &sid::new_secret)?;
    let sync_service_sid = get("sync_service_sid", &|| sid::new_sid("IS"))?;
    let workspace_sid = get("workspace_sid", &|| sid::new_sid("WS"))?;
    let workflow_sid = get("workflow_sid", &|| sid::new_sid("WW"))?;
    let queue_sid = get("queue_sid", &|| sid::new_sid("WQ"))?;
    let key_sid = get("api_key_sid", &|| sid::new_sid("SK"))?;
    let key_secret = get("api_key_secret", &sid::new_secret)?;
    let flex_secret = get("flex_secret", &sid::new_secret)?;
    tx.commit()?;
    Ok(SandboxIds {
        account_sid,
        auth_token,
        sync_service_sid: settings
            .sync_service_sid
            .clone()
            .unwrap_or(sync_service_sid),
        workspace_sid: settings.workspace_sid.clone().unwrap_or(workspace_sid),
        workflow_sid,
        queue_sid,
        api_key: settings.api_key.clone().unwrap_or(ApiKey {
            sid: key_sid,
            secret: key_secret,
        }),
        flex_secret,
    })
}

#[cfg(test)]
mod constant_time_eq_tests {
    use super::constant_time_eq;

    #[test]
    fn equal_only_when_every_byte_is() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secre"));
        // Two differences that cancel out under xor still differ.
        assert!(!constant_time_eq(&[1, 2], &[1 ^ 4, 2 ^ 4]));
        assert!(!constant_time_eq(&[0x0f, 0xf0], &[0x00, 0xff]));
    }
}
