//! Video sessions against the service in this process: a service whose sweep runs every 0.2 s,
//! and the agent's link for a task.

use serde_json::Value;

use super::inproc::InProcess;

/// The service in this process with `env`, sweeping every 0.2 s.
pub async fn start(env: &[(&str, &str)]) -> InProcess {
    let mut all = vec![("SESSION_SWEEP_SECS", "0.2")];
    all.extend_from_slice(env);
    InProcess::start(&[], &all).await
}

/// `generate-unique-code` for `task` (with `replace=true` when asked); must answer 200.
pub async fn link(svc: &InProcess, token: &str, task: &str, replace: bool) -> Value {
    let mut form = vec![("Token", token), ("taskSid", task)];
    if replace {
        form.push(("replace", "true"));
    }
    let (status, body) = svc.call_json("generate-unique-code", &form).await;
    assert_eq!(status, 200, "{body}");
    body
}
