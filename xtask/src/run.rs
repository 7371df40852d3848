//! `cargo xtask run`: build, start the host in sandbox mode, wait until it listens, deploy the
//! plugin into its sandbox (`cargo xtask deploy --sandbox`, so the desk loads the released
//! version), print the pages a person opens, and pass Ctrl-C on to the host.

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
/// The sandbox pages exist only when the host runs without Twilio credentials.
const PAGES: &[(&str, &str, bool)] = &[
    ("sandbox/desk/index.html", "agent desktop", true),
    ("sandbox/chat/index.html", "customer web chat", true),
    (
        "features/chat-to-video/index.html",
        "customer video page",
        false,
    ),
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
    if let Ok(ready) = ready_rx.recv() {
        let released = if ready.sandbox {
            deploy_into(ws, &ready.url)
        } else {
            None
        };
        print_pages(ws, &ready, released.as_deref());
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
    ready: mpsc::Sender<Ready>,
    to_stderr: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(stream)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if let Some(at) = line.find(READY) {
                let _ = ready.send(Ready::parse(&line[at + READY.len()..]));
            }
            let _ = if to_stderr {
                writeln!(std::io::stderr(), "{line}")
            } else {
                writeln!(std::io::stdout(), "{line}")
            };
        }
    })
}

/// What the host's ready line says: `http://ADDR (mode: sandbox|twilio)`.
#[derive(Debug, PartialEq, Eq)]
struct Ready {
    url: String,
    sandbox: bool,
}

impl Ready {
    fn parse(rest: &str) -> Ready {
        let url = rest.split_whitespace().next().unwrap_or("");
        Ready {
            url: url.trim_end_matches('/').to_string(),
            sandbox: !rest.contains("mode: twilio"),
        }
    }
}

/// Deploys the built plugin into the sandbox that just started; the URL the desk loads it from.
/// A version already released there is fine; any other failure is reported and the host
/// keeps running.
fn deploy_into(ws: &Workspace, url: &str) -> Option<String> {
    let options = crate::deploy::Options {
        sandbox: Some(url.to_owned()),
        allow_active: true,
        ..crate::deploy::Options::default()
    };
    match crate::deploy::run(ws, &options) {
        Ok(outcome) => outcome.plugin_url,
        Err(err) => {
            eprintln!("warning: the plugin was not deployed into the sandbox: {err}");
            None
        }
    }
}

fn print_pages(ws: &Workspace, ready: &Ready, released: Option<&str>) {
    let url = &ready.url;
    let mode = if ready.sandbox { "sandbox" } else { "twilio" };
    println!("\nchat-to-video escalation is running ({mode}).");
    for (path, label, sandbox_only) in PAGES {
        if (ready.sandbox || !sandbox_only) && ws.site().join(path).is_file() {
            println!("  {label:<20} {url}/{path}");
        }
    }
    match released {
        Some(plugin) => println!("  {:<20} {plugin} (released)", "Flex plugin bundle"),
        None => println!(
            "  {:<20} {url}/plugins/plugin-chat-to-video.js",
            "Flex plugin bundle"
        ),
    }
    println!("The invite link adds ?code=… to the customer video page. Press Ctrl-C to stop.\n");
}

#[cfg(test)]
mod tests {
    use super::Ready;

    #[test]
    fn reads_the_url_and_mode_of_the_ready_line() {
        assert_eq!(
            Ready::parse("http://127.0.0.1:8080 (mode: sandbox)"),
            Ready {
                url: "http://127.0.0.1:8080".into(),
                sandbox: true
            }
        );
        assert_eq!(
            Ready::parse("http://0.0.0.0:9000/ (mode: twilio)"),
            Ready {
                url: "http://0.0.0.0:9000".into(),
                sandbox: false
            }
        );
    }
}
