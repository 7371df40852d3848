//! The binary started with full control: arguments, environment, a descriptor limit, and its
//! stderr kept for the test to read.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{configuration_variables, Api};

pub struct Host {
    pub child: Child,
    /// The first stdout line.
    pub ready: String,
    pub port: u16,
    pub api: Api,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl std::ops::Deref for Host {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// How to start it.
#[derive(Default)]
pub struct Launch<'a> {
    /// Arguments (none are added: no `--listen` unless given).
    pub args: Vec<&'a str>,
    pub env: Vec<(&'a str, &'a str)>,
    /// `RLIMIT_NOFILE` (soft and hard) for the process.
    pub nofile: Option<u64>,
}

/// The binary in sandbox mode on a loopback port of its own, with the defaults.
pub fn sandbox() -> Host {
    Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        ..Launch::default()
    }
    .start()
}

impl Launch<'_> {
    fn command(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_plugin-host"));
        cmd.args(&self.args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_LOG", "warn")
            .env("DATA_DIR", dir.join("data"))
            .env("ASSETS_DIR", dir.join("site"));
        for k in configuration_variables() {
            if k != "DATA_DIR" && k != "ASSETS_DIR" {
                cmd.env_remove(k);
            }
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(n) = self.nofile {
            use std::os::unix::process::CommandExt as _;
            // SAFETY: setrlimit is async-signal-safe and only touches the child.
            unsafe {
                cmd.pre_exec(move || {
                    let lim = libc::rlimit {
                        rlim_cur: n as libc::rlim_t,
                        rlim_max: n as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        cmd
    }

    /// Starts it and waits for the ready line.
    pub fn start(self) -> Host {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().to_path_buf();
        std::fs::create_dir_all(dir.join("site")).expect("site dir");
        let mut child = self.command(&dir).spawn().expect("start plugin-host");
        let stderr = collect(child.stderr.take().expect("stderr"));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let ready = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(port) = super::parse_ready_line(&ready) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "no ready line ({ready:?}); stderr:\n{}",
                stderr.lock().unwrap().join("\n")
            );
        };
        Host {
            child,
            ready,
            port,
            api: Api::new(format!("http://127.0.0.1:{port}")),
            stderr,
            dir,
            _tmp: tmp,
        }
    }

    /// Runs it expecting it to stop by itself: its exit status and stderr. A host that keeps
    /// running past [`REFUSAL_DEADLINE`] did not refuse: it is killed and the test fails.
    pub fn refused(self) -> (ExitStatus, String) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut child = self
            .command(tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run plugin-host");
        let stderr = collect(child.stderr.take().expect("stderr"));
        let deadline = std::time::Instant::now() + REFUSAL_DEADLINE;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for plugin-host") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "plugin-host was still running after {REFUSAL_DEADLINE:?} instead of refusing \
                     to start; it said:\n{}",
                    stderr.lock().unwrap().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread has the last lines once the pipe closes, right after the exit.
        let until = std::time::Instant::now() + Duration::from_secs(5);
        while Arc::strong_count(&stderr) > 1 && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        let text = stderr.lock().unwrap().join("\n");
        (status, text)
    }
}

/// How long a host that must refuse to start may take to exit.
const REFUSAL_DEADLINE: Duration = Duration::from_secs(30);

fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let keep = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            keep.lock().unwrap().push(line);
        }
    });
    lines
}

impl Host {
    /// SIGTERM, then the exit status (within `within`).
    pub fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        // SAFETY: kill with a pid we own.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// A stderr line that `want` accepts, waiting up to 10 s for it.
    pub async fn stderr_line(&self, want: impl Fn(&str) -> bool) -> Option<String> {
        for _ in 0..500 {
            if let Some(l) = self.stderr.lock().unwrap().iter().find(|l| want(l)) {
                return Some(l.clone());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
