//! Running external programs: streamed to the terminal, optionally also captured,
//! with a clear error naming the command when it fails.

use std::ffi::OsStr;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error(err.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A command line to run, printed before it runs.
pub struct Cmd {
    command: Command,
    shown: String,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let shown = program.as_ref().to_string_lossy().into_owned();
        Cmd {
            command: Command::new(program),
            shown,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.shown.push(' ');
        self.shown.push_str(&arg.as_ref().to_string_lossy());
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    pub fn dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Runs with inherited stdio; fails unless it exits 0.
    pub fn run(mut self) -> Result<()> {
        announce(&self.shown);
        let status = self
            .command
            .stdin(Stdio::null())
            .status()
            .map_err(|err| self.spawn_error(err))?;
        if status.success() {
            Ok(())
        } else {
            Err(Error(format!("`{}` failed ({status})", self.shown)))
        }
    }

    /// Runs, streaming its output to the terminal and returning it too, with whether it succeeded.
    pub fn run_tee(mut self) -> Result<(bool, String)> {
        announce(&self.shown);
        let mut child = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| self.spawn_error(err))?;
        let out = child.stdout.take().map(|s| tee(s, false));
        let err = child.stderr.take().map(|s| tee(s, true));
        let status = child.wait()?;
        let mut text = String::new();
        for handle in [out, err].into_iter().flatten() {
            text.push_str(&handle.join().unwrap_or_default());
        }
        Ok((status.success(), text))
    }

    /// Runs quietly and returns stdout, or None when it cannot run or exits non-zero.
    pub fn output(mut self) -> Option<String> {
        let out = self.command.stdin(Stdio::null()).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn spawn_error(&self, err: std::io::Error) -> Error {
        Error(format!("could not start `{}`: {err}", self.shown))
    }
}

pub fn announce(line: &str) {
    println!("\n$ {line}");
}

/// Copies a child's stream to ours line by line and returns all of it.
fn tee(stream: impl Read + Send + 'static, to_stderr: bool) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut all = String::new();
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let _ = if to_stderr {
                std::io::stderr().write_all(&line)
            } else {
                std::io::stdout().write_all(&line)
            };
            all.push_str(&String::from_utf8_lossy(&line));
            line.clear();
        }
        all
    })
}

/// The first `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
