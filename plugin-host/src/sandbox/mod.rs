//! The sandbox: a stand-in for the Twilio REST subset the feature uses (Video Rooms, Sync
//! Documents, TaskRouter Tasks and Reservations, IAM token validation), kept in SQLite under the
//! data directory, plus the small sandbox API for agents, chats and tasks.
//!
//! For the parts built on top (signaling, live documents): [`Sandbox::subscribe`] for the event
//! bus, [`Sandbox::participant_joined`] / [`Sandbox::participant_left`] / [`Sandbox::room_presence`]
//! for room membership, [`Sandbox::document`] and [`Sandbox::can_read`] for documents.

pub mod api;
pub mod db;
pub mod documents;
pub mod error;
pub mod events;
pub mod flex;
pub mod reservations;
pub mod rest;
pub mod rooms;
pub mod sid;
pub mod sweeper;
pub mod tasks;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension};
use tokio::sync::broadcast;

use crate::clock::now_ms;
use crate::config::{ApiKey, Settings};
pub use db::{Db, DbError};
pub use error::SandboxError;
pub use events::{EventBus, RoomEndReason, SandboxEvent};

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

/// A room as signaling sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomPresence {
    pub sid: String,
    /// `in-progress`, `completed` or `failed`.
    pub status: String,
    pub max_participants: u32,
    /// Who is connected now.
    pub participants: Vec<String>,
}

impl RoomPresence {
    pub fn is_in_progress(&self) -> bool {
        self.status == rooms::IN_PROGRESS
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoinError {
    #[error("no such room")]
    NotFound,
    #[error("the room has ended")]
    Completed,
    #[error("the room is full")]
    Full,
    #[error("sandbox storage failed")]
    Storage,
}

pub struct Sandbox {
    db: Db,
    ids: SandboxIds,
    flex: flex::FlexTokens,
    events: EventBus,
    participants: Mutex<HashMap<String, HashSet<String>>>,
    minute_ms: i64,
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
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", ids.account_sid, ids.auth_token));
        Ok(Sandbox {
            flex: flex::FlexTokens::new(&ids.flex_secret),
            expected_auth: format!("Basic {basic}"),
            db,
            ids,
            events: EventBus::default(),
            participants: Mutex::new(HashMap::new()),
            minute_ms,
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

    pub fn flex_tokens(&self) -> &flex::FlexTokens {
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

    /// A participant connected to a room. Refused when the room is unknown, not in progress, or full.
    pub async fn participant_joined(
        &self,
        room_sid: &str,
        identity: &str,
    ) -> Result<RoomPresence, JoinError> {
        let sid = room_sid.to_owned();
        let room = self
            .db
            .call(move |c| rooms::fetch(c, &sid).map_err(into_db))
            .await
            .map_err(|_| JoinError::Storage)?
            .ok_or(JoinError::NotFound)?;
        if room.status != rooms::IN_PROGRESS {
            return Err(JoinError::Completed);
        }
        let (first, participants) = {
            let mut all = self.participants.lock().unwrap_or_else(|p| p.into_inner());
            let set = all.entry(room.sid.clone()).or_default();
            if !set.contains(identity) && set.len() >= room.max_participants as usize {
                return Err(JoinError::Full);
            }
            set.insert(identity.to_owned());
            (set.len() == 1, set.iter().cloned().collect())
        };
        if first {
            let sid = room.sid.clone();
            self.db
                .call(move |c| rooms::mark_occupied(c, &sid).map_err(into_db))
                .await
                .map_err(|_| JoinError::Storage)?;
        }
        Ok(RoomPresence {
            sid: room.sid,
            status: room.status,
            max_participants: room.max_participants,
            participants,
        })
    }

    /// A participant disconnected; when the room becomes empty its empty-room timeout starts.
    pub async fn participant_left(&self, room_sid: &str, identity: &str) {
        let now_empty = {
            let mut all = self.participants.lock().unwrap_or_else(|p| p.into_inner());
            match all.get_mut(room_sid) {
                Some(set) => {
                    let removed = set.remove(identity);
                    let empty = set.is_empty();
                    if empty {
                        all.remove(room_sid);
                    }
                    removed && empty
                }
                None => false,
            }
        };
        if now_empty {
            let sid = room_sid.to_owned();
            let minute = self.minute_ms;
            if let Err(e) = self
                .db
                .call(move |c| rooms::mark_empty(c, &sid, now_ms(), minute).map_err(into_db))
                .await
            {
                tracing::error!(error = %e, "could not start a room's empty timeout");
            }
        }
    }

    /// Status, capacity and current participants of a room (`None`: no such room).
    pub async fn room_presence(&self, room_sid: &str) -> Result<Option<RoomPresence>, DbError> {
        let sid = room_sid.to_owned();
        let Some(room) = self
            .db
            .call(move |c| rooms::fetch(c, &sid).map_err(into_db))
            .await?
        else {
            return Ok(None);
        };
        let participants = {
            let all = self.participants.lock().unwrap_or_else(|p| p.into_inner());
            all.get(&room.sid)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default()
        };
        Ok(Some(RoomPresence {
            sid: room.sid,
            status: room.status,
            max_participants: room.max_participants,
            participants,
        }))
    }

    /// A live document of the sandbox's Sync service, by ET sid or unique name.
    pub async fn document(&self, sid_or_name: &str) -> Result<Option<documents::DocRow>, DbError> {
        let service = self.ids.sync_service_sid.clone();
        let key = sid_or_name.to_owned();
        self.db
            .call(move |c| documents::fetch(c, &service, &key, now_ms()).map_err(into_db))
            .await
    }

    /// Whether `identity` was granted read access to the document.
    pub async fn can_read(&self, document_sid: &str, identity: &str) -> Result<bool, DbError> {
        let (doc, who) = (document_sid.to_owned(), identity.to_owned());
        self.db
            .call(move |c| documents::can_read(c, &doc, &who).map_err(into_db))
            .await
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
