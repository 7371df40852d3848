//! Start-up refuses bad configuration with a message naming the variable.

use std::process::{Command, Stdio};

fn start_with(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plugin-host"));
    cmd.args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .current_dir(dir.path());
    for k in crate::common::configuration_variables() {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn invalid_values_stop_start_up_naming_the_variable() {
    for (var, value) in [
        ("VIDEO_CODE_LENGTH", "0"),
        ("VIDEO_ROOM_TYPE", "stadium"),
        ("VIDEO_CODE_TTL", "an hour"),
        ("VIDEO_RECORD_BY_DEFAULT", "perhaps"),
        ("ICE_SERVERS", "{not json"),
        ("SANDBOX_MINUTE_SECS", "0"),
    ] {
        let (code, stderr) = start_with(&[(var, value)]);
        assert_eq!(code, Some(2), "{var}={value}: {stderr}");
        assert!(stderr.contains(var), "{var}: {stderr}");
    }
}

#[test]
fn twilio_credentials_without_the_rest_name_what_is_missing() {
    let (code, stderr) = start_with(&[
        ("ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"),
        ("AUTH_TOKEN", "x"),
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("TWILIO_API_KEY"), "{stderr}");
}

#[test]
fn a_dotenv_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "VIDEO_ROOM_TYPE=ballroom\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plugin-host"))
        .args(["--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("VIDEO_ROOM_TYPE")
        .env_remove("ACCOUNT_SID")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("VIDEO_ROOM_TYPE"));
}
