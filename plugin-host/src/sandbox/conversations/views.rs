//! The JSON the sandbox pages read: messages, and tasks as the desk turns them into Flex
//! `ITask` objects. camelCase, like the rest of the sandbox API.

use serde::Serialize;
use serde_json::Value;

use super::store::MessageRow;
use crate::clock::rfc3339_millis;
use crate::sandbox::tasks::TaskRow;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub sid: String,
    pub conversation_sid: String,
    pub index: i64,
    pub author: String,
    /// `agent` or `customer`.
    pub author_role: &'static str,
    pub body: String,
    pub attributes: Value,
    pub date_created: String,
}

impl From<MessageRow> for MessageView {
    fn from(m: MessageRow) -> Self {
        MessageView {
            attributes: object(&m.attributes),
            sid: m.sid,
            conversation_sid: m.conversation_sid,
            index: m.index,
            author: m.author,
            author_role: m.author_role.as_str(),
            body: m.body,
            date_created: rfc3339_millis(m.date_created),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    pub task_sid: String,
    pub assignment_status: String,
    pub task_channel_unique_name: String,
    pub task_channel_sid: String,
    pub attributes: Value,
    pub conversation_sid: Option<String>,
    pub reason: Option<String>,
    pub priority: i64,
    pub worker_sid: Option<String>,
    pub task_queue_sid: String,
    pub task_queue_friendly_name: &'static str,
    pub workflow_sid: String,
    pub date_created: String,
    pub date_updated: String,
}

/// Workspace resources every task refers to.
pub struct Workspace<'a> {
    pub queue_sid: &'a str,
    pub workflow_sid: &'a str,
}

impl TaskView {
    pub fn new(task: TaskRow, conversation_sid: Option<String>, ws: &Workspace<'_>) -> TaskView {
        TaskView {
            attributes: object(&task.attributes),
            task_sid: task.sid,
            assignment_status: task.assignment_status,
            task_channel_unique_name: task.channel,
            task_channel_sid: task.channel_sid,
            conversation_sid,
            reason: task.reason,
            priority: task.priority,
            worker_sid: task.worker_sid,
            task_queue_sid: ws.queue_sid.to_owned(),
            task_queue_friendly_name: "Sandbox",
            workflow_sid: ws.workflow_sid.to_owned(),
            date_created: rfc3339_millis(task.date_created),
            date_updated: rfc3339_millis(task.date_updated),
        }
    }
}

/// Stored JSON object text as a value; anything else (never written by the sandbox) reads as `{}`.
fn object(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => v,
        _ => Value::Object(serde_json::Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::conversations::store::Role;

    #[test]
    fn a_message_reads_in_camel_case_with_parsed_attributes() {
        let m = MessageRow {
            sid: "IM1".into(),
            conversation_sid: "CH1".into(),
            index: 3,
            author: "alice".into(),
            author_role: Role::Agent,
            body: "<b>hi</b>".into(),
            attributes: r#"{"hasVideo":true}"#.into(),
            date_created: 1_438_286_400_123,
        };
        let v = serde_json::to_value(MessageView::from(m)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "sid": "IM1", "conversationSid": "CH1", "index": 3, "author": "alice",
                "authorRole": "agent", "body": "<b>hi</b>", "attributes": {"hasVideo": true},
                "dateCreated": "2015-07-30T20:00:00.123Z"
            })
        );
    }

    #[test]
    fn unreadable_attributes_read_as_empty() {
        assert_eq!(object("[1]"), serde_json::json!({}));
        assert_eq!(object("nope"), serde_json::json!({}));
    }
}
