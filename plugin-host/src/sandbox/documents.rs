//! Sync documents in the sandbox: unique names per service, revisions (= ETags), TTL expiry and
//! per-identity permissions. As Sync, the sandbox deletes expired documents late: a document
//! whose `date_expires` has passed is still read, listed and named (its unique name stays taken)
//! until [`At::lag`] later, when the sweeper deletes it.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::value::RawValue;

use super::error::SandboxError;
use super::sid::new_sid;
use chat_to_video::sid::looks_like_sid;

use crate::clock::rfc3339_secs;
use crate::twilio::codes;
use chat_to_video::sid::is_sid;

/// Sync's limit on a document's data.
pub const MAX_DATA_BYTES: usize = 16 * 1024;
/// Sync's longest unique name.
pub const MAX_UNIQUE_NAME_CHARS: usize = 256;
/// Sync's longest TTL (a year).
pub const MAX_TTL_SECS: i64 = 31_536_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRow {
    pub sid: String,
    pub service_sid: String,
    pub unique_name: String,
    /// JSON text of an object.
    pub data: String,
    pub revision: i64,
    pub date_expires: Option<i64>,
    pub date_created: i64,
    pub date_updated: i64,
    pub created_by: String,
}

const COLUMNS: &str =
    "sid, service_sid, unique_name, data, revision, date_expires, date_created, date_updated, created_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DocRow> {
    Ok(DocRow {
        sid: r.get(0)?,
        service_sid: r.get(1)?,
        unique_name: r.get(2)?,
        data: r.get(3)?,
        revision: r.get(4)?,
        date_expires: r.get(5)?,
        date_created: r.get(6)?,
        date_updated: r.get(7)?,
        created_by: r.get(8)?,
    })
}

/// Data must be a JSON object of at most 16 KiB; answers it re-serialised compactly.
pub fn check_data(data: &str) -> Result<String, SandboxError> {
    if data.len() > MAX_DATA_BYTES {
        return Err(SandboxError::api(
            413,
            codes::SYNC_TOO_LARGE,
            "Document data is larger than 16 KiB",
        ));
    }
    super::json_object(data, "Data")
}

pub fn check_ttl(ttl: i64) -> Result<(), SandboxError> {
    if (0..=MAX_TTL_SECS).contains(&ttl) {
        Ok(())
    } else {
        Err(SandboxError::invalid(format!(
            "Ttl must be between 0 and {MAX_TTL_SECS}"
        )))
    }
}

/// The time of a call, and how late expired documents are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    /// Unix milliseconds now.
    pub now: i64,
    /// Milliseconds an expired document stays (`SANDBOX_SYNC_DELETE_DELAY_SECS`).
    pub lag: i64,
}

impl At {
    /// Exactly now, deleting on time (for tests of the store itself).
    pub fn exactly(now: i64) -> At {
        At { now, lag: 0 }
    }

    /// Documents that expired before this are deleted.
    fn cutoff(self) -> i64 {
        self.now - self.lag
    }
}

fn expiry(now: i64, ttl: Option<i64>) -> Option<i64> {
    ttl.filter(|t| *t > 0).map(|t| now + t * 1000)
}

/// Creates a document; a unique name held by a live document fails with 54301. Answers the new
/// row and the SID of an expired document that had to make way, if any.
pub fn create(
    conn: &mut Connection,
    service_sid: &str,
    unique_name: Option<String>,
    data: String,
    ttl: Option<i64>,
    at: At,
) -> Result<(DocRow, Option<String>), SandboxError> {
    let now = at.now;
    if let Some(name) = &unique_name {
        if name.is_empty() || name.chars().count() > MAX_UNIQUE_NAME_CHARS || looks_like_sid(name) {
            return Err(SandboxError::api(
                400,
                codes::SYNC_UNIQUE_NAME_INVALID,
                "Invalid unique name",
            ));
        }
    }
    let sid = new_sid("ET");
    let row = DocRow {
        unique_name: unique_name.unwrap_or_else(|| sid.clone()),
        sid,
        service_sid: service_sid.to_owned(),
        data,
        revision: 0,
        date_expires: expiry(now, ttl),
        date_created: now,
        date_updated: now,
        created_by: "system".to_owned(),
    };
    let tx = conn.transaction()?;
    let expired: Option<String> = tx
        .prepare_cached(
            "DELETE FROM documents WHERE service_sid = ?1 AND unique_name = ?2 \
             AND date_expires IS NOT NULL AND date_expires <= ?3 RETURNING sid",
        )?
        .query_row(params![service_sid, row.unique_name, at.cutoff()], |r| {
            r.get(0)
        })
        .optional()?;
    let inserted = tx
        .prepare_cached(&format!(
            "INSERT INTO documents ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))?
        .execute(params![
            row.sid,
            row.service_sid,
            row.unique_name,
            row.data,
            row.revision,
            row.date_expires,
            row.date_created,
            row.date_updated,
            row.created_by
        ]);
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            return Err(SandboxError::api(
                409,
                codes::SYNC_UNIQUE_NAME_EXISTS,
                "Unique name already exists",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit()?;
    Ok((row, expired))
}

/// A document not deleted yet (unexpired, or expired less than [`At::lag`] ago), by ET sid or
/// unique name.
pub fn fetch(
    conn: &Connection,
    service_sid: &str,
    sid_or_name: &str,
    at: At,
) -> Result<Option<DocRow>, SandboxError> {
    let sql = if is_sid(sid_or_name, "ET") {
        format!("SELECT {COLUMNS} FROM documents WHERE service_sid = ?1 AND sid = ?2 AND (date_expires IS NULL OR date_expires > ?3)")
    } else {
        format!("SELECT {COLUMNS} FROM documents WHERE service_sid = ?1 AND unique_name = ?2 AND (date_expires IS NULL OR date_expires > ?3)")
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![service_sid, sid_or_name, at.cutoff()], from_row)
        .optional()?)
}

/// A page of the service's documents not deleted yet, oldest first (Sync lists in creation
/// order).
pub fn list(
    conn: &Connection,
    service_sid: &str,
    page_size: u32,
    page: u32,
    at: At,
) -> Result<Vec<DocRow>, SandboxError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM documents WHERE service_sid = ?1 AND (date_expires IS NULL OR date_expires > ?2) \
         ORDER BY date_created, sid LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            service_sid,
            at.cutoff(),
            page_size,
            i64::from(page) * i64::from(page_size)
        ],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces data and/or TTL. With `if_match`, only when it names the current revision
/// (else 412 / 54103); a malformed `If-Match` is 400 / 54003. `None` when there is no such document.
pub fn update(
    conn: &Connection,
    service_sid: &str,
    sid_or_name: &str,
    data: Option<String>,
    ttl: Option<i64>,
    if_match: Option<&str>,
    at: At,
) -> Result<Option<DocRow>, SandboxError> {
    let now = at.now;
    let Some(mut doc) = fetch(conn, service_sid, sid_or_name, at)? else {
        return Ok(None);
    };
    if let Some(tag) = if_match {
        let tag = crate::twilio::unquote_etag(tag);
        let expected: i64 = tag.parse().map_err(|_| {
            SandboxError::api(400, codes::SYNC_BAD_IF_MATCH, "Invalid If-Match header")
        })?;
        if expected != doc.revision {
            return Err(SandboxError::api(
                412,
                codes::SYNC_REVISION_MISMATCH,
                "The revision of the Document does not match the expected revision",
            ));
        }
    }
    if let Some(d) = data {
        doc.data = d;
    }
    if ttl.is_some() {
        doc.date_expires = expiry(now, ttl);
    }
    let changed = conn
        .prepare_cached(
            "UPDATE documents SET data = ?3, date_expires = ?4, revision = revision + 1, date_updated = ?5 \
             WHERE sid = ?1 AND revision = ?2",
        )?
        .execute(params![doc.sid, doc.revision, doc.data, doc.date_expires, now])?;
    if changed == 0 {
        return Err(SandboxError::api(
            412,
            codes::SYNC_REVISION_MISMATCH,
            "The revision of the Document does not match the expected revision",
        ));
    }
    doc.revision += 1;
    doc.date_updated = now;
    Ok(Some(doc))
}

/// Answers the deleted document's SID.
pub fn delete(
    conn: &Connection,
    service_sid: &str,
    sid_or_name: &str,
    at: At,
) -> Result<Option<String>, SandboxError> {
    let Some(doc) = fetch(conn, service_sid, sid_or_name, at)? else {
        return Ok(None);
    };
    conn.prepare_cached("DELETE FROM documents WHERE sid = ?1")?
        .execute([&doc.sid])?;
    Ok(Some(doc.sid))
}

/// Deletes the documents that expired at least [`At::lag`] ago; answers their SIDs.
pub fn delete_expired(conn: &Connection, at: At) -> Result<Vec<String>, SandboxError> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM documents WHERE date_expires IS NOT NULL AND date_expires <= ?1 RETURNING sid",
    )?;
    let rows = stmt.query_map([at.cutoff()], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionRow {
    pub document_sid: String,
    pub identity: String,
    pub read: bool,
    pub write: bool,
    pub manage: bool,
}

/// Sets an identity's permissions on a live document (an upsert). `None`: no such document.
pub fn set_permission(
    conn: &Connection,
    service_sid: &str,
    sid_or_name: &str,
    identity: &str,
    (read, write, manage): (bool, bool, bool),
    at: At,
) -> Result<Option<PermissionRow>, SandboxError> {
    let Some(doc) = fetch(conn, service_sid, sid_or_name, at)? else {
        return Ok(None);
    };
    conn.prepare_cached(
        "INSERT INTO document_permissions (document_sid, identity, read, write, manage) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (document_sid, identity) DO UPDATE SET read = ?3, write = ?4, manage = ?5",
    )?
    .execute(params![doc.sid, identity, read, write, manage])?;
    Ok(Some(PermissionRow {
        document_sid: doc.sid,
        identity: identity.to_owned(),
        read,
        write,
        manage,
    }))
}

/// What a client token's identity may do with a document, as Sync decides it: in a service
/// without `acl_enabled` every token of the service reads and writes every document; with it,
/// only what a permission grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub read: bool,
    pub write: bool,
}

/// `identity`'s access to the document in `service_sid` (for the live sockets).
pub fn access(
    conn: &Connection,
    service_sid: &str,
    document_sid: &str,
    identity: &str,
) -> Result<Access, SandboxError> {
    let acl = crate::sandbox::rest::sync_services::acl_enabled(conn, service_sid)?;
    if acl != Some(true) {
        return Ok(Access {
            read: true,
            write: true,
        });
    }
    let granted = conn
        .prepare_cached(
            "SELECT read, write FROM document_permissions WHERE document_sid = ?1 AND identity = ?2",
        )?
        .query_row([document_sid, identity], |r| {
            Ok(Access {
                read: r.get(0)?,
                write: r.get(1)?,
            })
        })
        .optional()?;
    Ok(granted.unwrap_or(Access {
        read: false,
        write: false,
    }))
}

/// `sync.v1.service.document`.
#[derive(Serialize)]
pub struct DocJson<'a> {
    sid: &'a str,
    unique_name: &'a str,
    account_sid: &'a str,
    service_sid: &'a str,
    url: String,
    links: DocLinks,
    revision: String,
    data: &'a RawValue,
    date_expires: Option<String>,
    date_created: String,
    date_updated: String,
    created_by: &'a str,
}

#[derive(Serialize)]
struct DocLinks {
    permissions: String,
}

impl DocRow {
    pub fn to_json<'a>(
        &'a self,
        account_sid: &'a str,
        base: &str,
    ) -> Result<DocJson<'a>, SandboxError> {
        let url = format!(
            "{base}/v1/Services/{}/Documents/{}",
            self.service_sid, self.sid
        );
        let data: &RawValue = serde_json::from_str(&self.data)
            .map_err(|e| SandboxError::Db(super::db::DbError::Corrupt(e.to_string())))?;
        Ok(DocJson {
            sid: &self.sid,
            unique_name: &self.unique_name,
            account_sid,
            service_sid: &self.service_sid,
            links: DocLinks {
                permissions: format!("{url}/Permissions"),
            },
            url,
            revision: self.revision.to_string(),
            data,
            date_expires: self.date_expires.map(rfc3339_secs),
            date_created: rfc3339_secs(self.date_created),
            date_updated: rfc3339_secs(self.date_updated),
            created_by: &self.created_by,
        })
    }

    pub fn etag(&self) -> String {
        format!("\"{}\"", self.revision)
    }
}
