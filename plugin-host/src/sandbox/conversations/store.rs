//! SQLite access for conversations: the conversation rows the sandbox creates with each chat
//! task, their messages (numbered 0, 1, 2, ... in acceptance order) and customers' tokens.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::sandbox::sid::new_sid;
use crate::sandbox::SandboxError;

/// At most this many messages are listed (the newest ones).
pub const MAX_LISTED: usize = 1000;

/// A chat's conversation: which task it belongs to, its agent and its customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub sid: String,
    pub task_sid: String,
    pub agent: String,
    pub customer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub sid: String,
    pub conversation_sid: String,
    pub index: i64,
    pub author: String,
    pub author_role: Role,
    pub body: String,
    /// JSON object text.
    pub attributes: String,
    pub date_created: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Agent,
    Customer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Customer => "customer",
        }
    }

    fn parse(s: &str) -> Role {
        if s == "agent" {
            Role::Agent
        } else {
            Role::Customer
        }
    }
}

fn conversation_from_row(r: &Row<'_>) -> rusqlite::Result<ConversationRow> {
    Ok(ConversationRow {
        sid: r.get(0)?,
        task_sid: r.get(1)?,
        agent: r.get(2)?,
        customer: r.get(3)?,
    })
}

pub fn conversation(conn: &Connection, sid: &str) -> Result<Option<ConversationRow>, SandboxError> {
    Ok(conn
        .prepare_cached("SELECT sid, task_sid, agent, customer FROM conversations WHERE sid = ?1")?
        .query_row([sid], conversation_from_row)
        .optional()?)
}

/// The conversation of a task, if it is a chat task.
pub fn conversation_of_task(
    conn: &Connection,
    task_sid: &str,
) -> Result<Option<ConversationRow>, SandboxError> {
    Ok(conn
        .prepare_cached(
            "SELECT sid, task_sid, agent, customer FROM conversations WHERE task_sid = ?1",
        )?
        .query_row([task_sid], conversation_from_row)
        .optional()?)
}

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    let role: String = r.get(4)?;
    Ok(MessageRow {
        sid: r.get(0)?,
        conversation_sid: r.get(1)?,
        index: r.get(2)?,
        author: r.get(3)?,
        author_role: Role::parse(&role),
        body: r.get(5)?,
        attributes: r.get(6)?,
        date_created: r.get(7)?,
    })
}

/// Appends a message with the next index of its conversation.
pub fn insert_message(
    conn: &mut Connection,
    conversation_sid: &str,
    author: &str,
    role: Role,
    body: &str,
    attributes: &str,
    now: i64,
) -> Result<MessageRow, SandboxError> {
    let tx = conn.transaction()?;
    let index: i64 = tx
        .prepare_cached(
            "SELECT COALESCE(MAX(idx) + 1, 0) FROM messages WHERE conversation_sid = ?1",
        )?
        .query_row([conversation_sid], |r| r.get(0))?;
    let row = MessageRow {
        sid: new_sid("IM"),
        conversation_sid: conversation_sid.to_owned(),
        index,
        author: author.to_owned(),
        author_role: role,
        body: body.to_owned(),
        attributes: attributes.to_owned(),
        date_created: now,
    };
    tx.prepare_cached(
        "INSERT INTO messages (sid, conversation_sid, idx, author, author_role, body, attributes, date_created) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        row.sid,
        row.conversation_sid,
        row.index,
        row.author,
        row.author_role.as_str(),
        row.body,
        row.attributes,
        row.date_created
    ])?;
    tx.commit()?;
    Ok(row)
}

/// The conversation's messages in order (the newest [`MAX_LISTED`] of them).
pub fn messages(
    conn: &Connection,
    conversation_sid: &str,
) -> Result<Vec<MessageRow>, SandboxError> {
    let mut stmt = conn.prepare_cached(
        "SELECT sid, conversation_sid, idx, author, author_role, body, attributes, date_created FROM messages \
         WHERE conversation_sid = ?1 ORDER BY idx DESC LIMIT ?2",
    )?;
    let mut rows: Vec<MessageRow> = stmt
        .query_map(
            params![conversation_sid, MAX_LISTED as i64],
            message_from_row,
        )?
        .collect::<Result<_, _>>()?;
    rows.reverse();
    Ok(rows)
}

pub fn insert_chat_token(
    conn: &Connection,
    token_hash: &str,
    conversation_sid: &str,
    identity: &str,
    now: i64,
) -> Result<(), SandboxError> {
    conn.prepare_cached(
        "INSERT INTO chat_tokens (token_hash, conversation_sid, identity, date_created) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![token_hash, conversation_sid, identity, now])?;
    Ok(())
}

/// (conversation, identity) of a customer token, by its hash.
pub fn chat_token(
    conn: &Connection,
    token_hash: &str,
) -> Result<Option<(String, String)>, SandboxError> {
    Ok(conn
        .prepare_cached("SELECT conversation_sid, identity FROM chat_tokens WHERE token_hash = ?1")?
        .query_row([token_hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{tasks, Db};

    fn db_with_chat() -> (Db, String, String) {
        let db = Db::open_in_memory().unwrap();
        let (task, conv) = db
            .call_now(|c| Ok(tasks::create_chat(c, "alice", "Bob", 1).unwrap()))
            .unwrap();
        (db, task, conv)
    }

    #[test]
    fn messages_are_numbered_per_conversation() {
        let (db, task, conv) = db_with_chat();
        let (_, other) = db
            .call_now(|c| Ok(tasks::create_chat(c, "alice", "Cy", 2).unwrap()))
            .unwrap();
        db.call_now(|c| {
            let a = insert_message(c, &conv, "Bob", Role::Customer, "hi", "{}", 10).unwrap();
            let b =
                insert_message(c, &conv, "alice", Role::Agent, "hello", r#"{"k":1}"#, 11).unwrap();
            let x = insert_message(c, &other, "Cy", Role::Customer, "yo", "{}", 12).unwrap();
            assert_eq!((a.index, b.index, x.index), (0, 1, 0));
            assert!(a.sid.starts_with("IM") && a.sid.len() == 34);
            let listed = messages(c, &conv).unwrap();
            assert_eq!(listed, vec![a, b]);
            Ok(())
        })
        .unwrap();
        let row = db
            .call_now(|c| Ok(conversation(c, &conv).unwrap()))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                row.task_sid.as_str(),
                row.agent.as_str(),
                row.customer.as_str()
            ),
            (task.as_str(), "alice", "Bob")
        );
        let by_task = db
            .call_now(|c| Ok(conversation_of_task(c, &task).unwrap()))
            .unwrap();
        assert_eq!(by_task, Some(row));
    }

    #[test]
    fn a_message_needs_an_existing_conversation() {
        let db = Db::open_in_memory().unwrap();
        let err = db
            .call_now(|c| {
                Ok(insert_message(
                    c,
                    "CHnope",
                    "x",
                    Role::Customer,
                    "hi",
                    "{}",
                    1,
                ))
            })
            .unwrap();
        assert!(err.is_err());
    }

    #[test]
    fn chat_tokens_resolve_by_hash() {
        let (db, _, conv) = db_with_chat();
        db.call_now(|c| {
            insert_chat_token(c, "h1", &conv, "Bob", 5).unwrap();
            Ok(())
        })
        .unwrap();
        assert_eq!(
            db.call_now(|c| Ok(chat_token(c, "h1").unwrap())).unwrap(),
            Some((conv, "Bob".to_owned()))
        );
        assert_eq!(
            db.call_now(|c| Ok(chat_token(c, "h2").unwrap())).unwrap(),
            None
        );
    }
}
