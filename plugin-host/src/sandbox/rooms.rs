//! Video rooms in the sandbox: storage and Twilio's rules (a unique name is unique among
//! in-progress rooms, `completed` is final, empty/unused timeouts in minutes).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::error::SandboxError;
use super::sid::new_sid;
use crate::clock::rfc3339_secs;
use crate::twilio::codes;
use chat_to_video::sid::is_sid;

pub const IN_PROGRESS: &str = "in-progress";
pub const COMPLETED: &str = "completed";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRow {
    pub sid: String,
    pub unique_name: String,
    pub status: String,
    pub room_type: String,
    pub max_participants: u32,
    pub record_on_connect: bool,
    pub empty_room_timeout: u32,
    pub unused_room_timeout: u32,
    pub ever_joined: bool,
    pub deadline: Option<i64>,
    pub date_created: i64,
    pub date_updated: i64,
    pub end_time: Option<i64>,
}

/// What `POST /v1/Rooms` asks for, already parsed.
#[derive(Debug, Clone)]
pub struct NewRoom {
    pub unique_name: Option<String>,
    pub room_type: String,
    pub record_on_connect: bool,
    pub empty_room_timeout: u32,
    pub unused_room_timeout: u32,
    pub max_participants: Option<u32>,
}

const COLUMNS: &str =
    "sid, unique_name, status, type, max_participants, record_on_connect, empty_room_timeout, \
     unused_room_timeout, ever_joined, deadline, date_created, date_updated, end_time";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RoomRow> {
    Ok(RoomRow {
        sid: r.get(0)?,
        unique_name: r.get(1)?,
        status: r.get(2)?,
        room_type: r.get(3)?,
        max_participants: r.get(4)?,
        record_on_connect: r.get(5)?,
        empty_room_timeout: r.get(6)?,
        unused_room_timeout: r.get(7)?,
        ever_joined: r.get(8)?,
        deadline: r.get(9)?,
        date_created: r.get(10)?,
        date_updated: r.get(11)?,
        end_time: r.get(12)?,
    })
}

pub use crate::config::max_participants as default_max_participants;

pub fn create(
    conn: &Connection,
    new: NewRoom,
    now: i64,
    minute_ms: i64,
) -> Result<RoomRow, SandboxError> {
    let sid = new_sid("RM");
    let unique_name = new.unique_name.unwrap_or_else(|| sid.clone());
    if unique_name.chars().count() > 128 {
        return Err(SandboxError::api(
            400,
            codes::ROOM_NAME_TOO_LONG,
            "Room name is too long",
        ));
    }
    let row = RoomRow {
        max_participants: new
            .max_participants
            .unwrap_or_else(|| default_max_participants(&new.room_type)),
        sid,
        unique_name,
        status: IN_PROGRESS.to_owned(),
        room_type: new.room_type,
        record_on_connect: new.record_on_connect,
        empty_room_timeout: new.empty_room_timeout,
        unused_room_timeout: new.unused_room_timeout,
        ever_joined: false,
        deadline: Some(now + i64::from(new.unused_room_timeout) * minute_ms),
        date_created: now,
        date_updated: now,
        end_time: None,
    };
    let inserted = conn
        .prepare_cached(&format!("INSERT INTO rooms ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"))?
        .execute(params![
            row.sid,
            row.unique_name,
            row.status,
            row.room_type,
            row.max_participants,
            row.record_on_connect,
            row.empty_room_timeout,
            row.unused_room_timeout,
            row.ever_joined,
            row.deadline,
            row.date_created,
            row.date_updated,
            row.end_time
        ]);
    match inserted {
        Ok(_) => Ok(row),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(SandboxError::api(400, codes::ROOM_EXISTS, "Room exists"))
        }
        Err(e) => Err(e.into()),
    }
}

/// By RM sid, or by unique name among in-progress rooms.
pub fn fetch(conn: &Connection, sid_or_name: &str) -> Result<Option<RoomRow>, SandboxError> {
    let sql = if is_sid(sid_or_name, "RM") {
        format!("SELECT {COLUMNS} FROM rooms WHERE sid = ?1")
    } else {
        format!("SELECT {COLUMNS} FROM rooms WHERE unique_name = ?1 AND status = 'in-progress'")
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([sid_or_name], from_row)
        .optional()?)
}

/// Newest first.
pub fn list(
    conn: &Connection,
    unique_name: Option<&str>,
    status: Option<&str>,
    page_size: u32,
    page: u32,
) -> Result<Vec<RoomRow>, SandboxError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM rooms WHERE (?1 IS NULL OR unique_name = ?1) AND (?2 IS NULL OR status = ?2) \
         ORDER BY date_created DESC, sid LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            unique_name,
            status,
            page_size,
            i64::from(page) * i64::from(page_size)
        ],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ends an in-progress room. A room that is not in progress cannot change (53112).
pub fn complete(
    conn: &Connection,
    sid_or_name: &str,
    now: i64,
) -> Result<Option<RoomRow>, SandboxError> {
    let Some(room) = fetch(conn, sid_or_name)? else {
        return Ok(None);
    };
    if room.status != IN_PROGRESS {
        return Err(SandboxError::api(
            400,
            codes::ROOM_STATUS_INVALID,
            "Room status is invalid: the room is not in progress",
        ));
    }
    set_completed(conn, &room.sid, now)?;
    fetch(conn, &room.sid)
}

fn set_completed(conn: &Connection, sid: &str, now: i64) -> Result<(), SandboxError> {
    conn.prepare_cached(
        "UPDATE rooms SET status = 'completed', end_time = ?2, date_updated = ?2, deadline = NULL \
         WHERE sid = ?1 AND status = 'in-progress'",
    )?
    .execute(params![sid, now])?;
    Ok(())
}

/// Someone is in the room: no timeout runs.
pub fn mark_occupied(conn: &Connection, sid: &str) -> Result<(), SandboxError> {
    conn.prepare_cached("UPDATE rooms SET ever_joined = 1, deadline = NULL WHERE sid = ?1 AND status = 'in-progress'")?
        .execute([sid])?;
    Ok(())
}

/// The last participant left: the empty-room timeout starts.
pub fn mark_empty(
    conn: &Connection,
    sid: &str,
    now: i64,
    minute_ms: i64,
) -> Result<(), SandboxError> {
    conn.prepare_cached(
        "UPDATE rooms SET deadline = ?2 + empty_room_timeout * ?3 WHERE sid = ?1 AND status = 'in-progress'",
    )?
    .execute(params![sid, now, minute_ms])?;
    Ok(())
}

/// After a restart nobody is connected: occupied rooms start their empty-room timeout.
pub fn restart_timeouts(conn: &Connection, now: i64, minute_ms: i64) -> Result<(), SandboxError> {
    conn.execute(
        "UPDATE rooms SET deadline = ?1 + empty_room_timeout * ?2 WHERE status = 'in-progress' AND deadline IS NULL",
        params![now, minute_ms],
    )?;
    Ok(())
}

/// Completes the rooms whose timeout ran out; answers them with whether anyone ever joined.
pub fn complete_due(conn: &mut Connection, now: i64) -> Result<Vec<(String, bool)>, SandboxError> {
    let tx = conn.transaction()?;
    let due: Vec<(String, bool)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT sid, ever_joined FROM rooms WHERE deadline IS NOT NULL AND deadline <= ?1 AND status = 'in-progress'",
        )?;
        let rows = stmt.query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (sid, _) in &due {
        set_completed(&tx, sid, now)?;
    }
    tx.commit()?;
    Ok(due)
}

/// `video.v1.room`, every field the spec lists.
#[derive(Serialize)]
pub struct RoomJson<'a> {
    sid: &'a str,
    status: &'a str,
    date_created: String,
    date_updated: String,
    account_sid: &'a str,
    enable_turn: bool,
    unique_name: &'a str,
    status_callback: Option<String>,
    status_callback_method: &'static str,
    end_time: Option<String>,
    duration: Option<i64>,
    #[serde(rename = "type")]
    room_type: &'a str,
    max_participants: u32,
    max_participant_duration: u32,
    max_concurrent_published_tracks: u32,
    record_participants_on_connect: bool,
    video_codecs: [&'static str; 1],
    media_region: &'static str,
    audio_only: bool,
    empty_room_timeout: u32,
    unused_room_timeout: u32,
    large_room: bool,
    url: String,
    links: RoomLinks,
}

#[derive(Serialize)]
struct RoomLinks {
    participants: String,
    recordings: String,
    transcriptions: String,
    recording_rules: String,
}

impl RoomRow {
    pub fn to_json<'a>(&'a self, account_sid: &'a str, base: &str) -> RoomJson<'a> {
        let url = format!("{base}/v1/Rooms/{}", self.sid);
        RoomJson {
            sid: &self.sid,
            status: &self.status,
            date_created: rfc3339_secs(self.date_created),
            date_updated: rfc3339_secs(self.date_updated),
            account_sid,
            enable_turn: true,
            unique_name: &self.unique_name,
            status_callback: None,
            status_callback_method: "POST",
            end_time: self.end_time.map(rfc3339_secs),
            // Null while the room is in progress, as Twilio answers.
            duration: self.end_time.map(|end| (end - self.date_created) / 1000),
            room_type: &self.room_type,
            max_participants: self.max_participants,
            max_participant_duration: 14_400,
            max_concurrent_published_tracks: 170,
            record_participants_on_connect: self.record_on_connect,
            video_codecs: ["VP8"],
            media_region: "us1",
            audio_only: false,
            empty_room_timeout: self.empty_room_timeout,
            unused_room_timeout: self.unused_room_timeout,
            large_room: false,
            links: RoomLinks {
                participants: format!("{url}/Participants"),
                recordings: format!("{url}/Recordings"),
                transcriptions: format!("{url}/Transcriptions"),
                recording_rules: format!("{url}/RecordingRules"),
            },
            url,
        }
    }
}
