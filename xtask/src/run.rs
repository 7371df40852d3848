//! `cargo xtask run`: build, start the host in sandbox mode, wait until it listens,
//! print the pages a person opens, and pass Ctrl-C on to the host.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use crate::build::{self, HostProfile};
use crate::cmd::{Error, Result};
use crate::tools;
use crate::workspace::Workspace;

const READY: &str = "plugin-host listening on ";

/// Pages of the site worth opening, listed when they exist (site-relative path, label).
const PAGES: &[(&str, &str)] = &[
    (
        "features/chat-to-video/index.html",
        "customer page (the invite adds ?code=…)",
    ),
    ("sandbox/desk/index.html", "agent desktop (sandbox)"),
    ("sandbox/chat/index.html", "customer web chat (sandbox)"),
];

pub fn run(ws: &Workspace, args: &[String]) -> Result<()> {
    let (profile, host_args) = match args.split_first() {
        Some((flag, rest)) if flag == "--release" => (HostProfile::Release, rest),
        _ => (HostProfile::Dev, args),
    };
    tools::ensure_build_tools(ws)?;
    build::all(ws, profile)?;

    let mut command = Command::new(ws.host_binary());
    if !host_args.iter().any(|a| a.starts_with("--assets")) {
        command.arg("--assets").arg(ws.site());
    }
    if !host_args.iter().any(|a| a.starts_with("--data-dir")) {
        command.arg("--data-dir").arg(ws.path("data"));
    }
    command.args(host_args).current_dir(&ws.root);
    // Its own process group: Ctrl-C reaches it once, through the handler below.
    command.process_group(0);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| Error::new(format!("could not start plugin-host: {err}")))?;

    // Forward Ctrl-C to the host and stay alive until it has shut down.
    let pid = child.id() as libc::pid_t;
    ctrlc::set_handler(move || {
        // SAFETY: kill with a pid we spawned and a valid signal number.
        unsafe {
            libc::kill(pid, libc::SIGINT);
        }
    })
    .map_err(|err| Error::new(format!("cannot handle Ctrl-C: {err}")))?;

    let (ready_tx, ready_rx) = mpsc::channel();
    let pipes = [
        child
            .stdout
            .take()
            .map(|s| echo(s, ready_tx.clone(), false)),
        child.stderr.take().map(|s| echo(s, ready_tx, true)),
    ];
    if let Ok(url) = ready_rx.recv() {
        print_pages(ws, &url);
    }
    let status = child.wait()?;
    for pipe in pipes.into_iter().flatten() {
        let _ = pipe.join();
    }
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("plugin-host exited ({status})")))
    }
}

/// Copies the host's output through and reports the URL from its ready line.
fn echo(
    stream: impl Read + Send + 'static,
    ready: mpsc::Sender<String>,
    to_stderr: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(stream)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if let Some(at) = line.find(READY) {
                let url = line[at + READY.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                let _ = ready.send(url.trim_end_matches('/').to_string());
            }
            let _ = if to_stderr {
                writeln!(std::io::stderr(), "{line}")
            } else {
                writeln!(std::io::stdout(), "{line}")
            };
        }
    })
}

fn print_pages(ws: &Workspace, url: &str) {
    println!("\nchat-to-video escalation is running (sandbox).");
    println!("  {:<32} {url}/", "host");
    for (path, label) in PAGES {
        if ws.site().join(path).is_file() {
            println!("  {label:<32} {url}/{path}");
        }
    }
    println!(
        "  {:<32} {url}/plugins/plugin-chat-to-video.js",
        "Flex plugin bundle"
    );
    println!("Press Ctrl-C to stop.\n");
}
