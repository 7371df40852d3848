//! Which source files make up each module `cargo xtask mutants` tests, which package and tests
//! run for it, and how many of its mutants must be caught.

/// How many of a module's mutants the tests must catch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// Every one: no mutant may survive.
    All,
    /// At least this percentage of the viable mutants.
    Percent(u32),
}

/// One module under mutation testing.
#[derive(Debug, PartialEq, Eq)]
pub struct Module {
    pub name: &'static str,
    /// The cargo package its files belong to (the one whose tests run).
    pub package: &'static str,
    /// Workspace-relative files: a path, or a directory ending in `/` for everything under it.
    pub files: &'static [&'static str],
    /// Arguments after `cargo test -p PACKAGE`.
    pub test_args: &'static [&'static str],
    pub bar: Bar,
}

/// Every module, in the order the table lists them.
pub const MODULES: &[Module] = &[
    shared("rules", &["src/rules.rs", "src/rules/"]),
    shared("code", &["src/code.rs", "src/code/"]),
    shared("attributes", &["src/attributes.rs", "src/attributes/"]),
    shared("room_state", &["src/room_state.rs", "src/room_state/"]),
    shared(
        "network_quality",
        &["src/network_quality.rs", "src/network_quality/"],
    ),
    shared("devices", &["src/devices.rs", "src/devices/"]),
    shared("prejoin", &["src/prejoin.rs", "src/prejoin/"]),
    shared("blur", &["src/blur.rs", "src/blur/"]),
    host("functions", &["plugin-host/src/functions/"]),
    host("sandbox", &["plugin-host/src/sandbox/"]),
];

/// A pure module of the shared crate: its native unit tests are quick, and catch every mutant.
const fn shared(name: &'static str, files: &'static [&'static str]) -> Module {
    Module {
        name,
        package: "chat-to-video",
        files,
        test_args: &["--lib"],
        bar: Bar::All,
    }
}

/// A part of the host: its unit and integration tests (hosts on real sockets) are slow. They
/// mostly wait on sockets and timers, so they run on more threads than the machine has cores
/// (the integration binary: 15 s on 8 threads where it takes 30 s on 2).
const fn host(name: &'static str, files: &'static [&'static str]) -> Module {
    Module {
        name,
        package: "plugin-host",
        files,
        test_args: &["--", "--test-threads=8"],
        bar: Bar::Percent(90),
    }
}

/// The module named `name`.
pub fn by_name(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

/// The names, for messages.
pub fn names() -> String {
    MODULES
        .iter()
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Module {
    /// Whether the workspace-relative `file` belongs to this module.
    pub fn owns(&self, file: &str) -> bool {
        self.files.iter().any(|f| match f.strip_suffix('/') {
            Some(dir) => file.starts_with(f) || file == dir,
            None => file == *f,
        })
    }

    /// cargo-mutants' `--file` globs for the module.
    pub fn globs(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| match f.strip_suffix('/') {
                Some(dir) => format!("{dir}/**"),
                None => (*f).to_owned(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module that owns `file`, if any.
    fn owner(file: &str) -> Option<&'static Module> {
        MODULES.iter().find(|m| m.owns(file))
    }

    #[test]
    fn each_file_belongs_to_its_module_only() {
        let cases = [
            ("src/rules.rs", Some("rules")),
            ("src/rules/tests.rs", Some("rules")),
            ("src/code.rs", Some("code")),
            ("src/attributes/tests.rs", Some("attributes")),
            ("src/room_state.rs", Some("room_state")),
            ("src/room_state/tests/transitions.rs", Some("room_state")),
            ("src/network_quality.rs", Some("network_quality")),
            ("src/devices/tests.rs", Some("devices")),
            ("src/prejoin.rs", Some("prejoin")),
            ("src/blur.rs", Some("blur")),
            ("src/web/video/blur.rs", None),
            ("plugin-host/src/functions/agent.rs", Some("functions")),
            (
                "plugin-host/src/sandbox/signaling/session.rs",
                Some("sandbox"),
            ),
            ("plugin-host/src/sandbox.rs", None),
            ("src/rules_extra.rs", None),
            ("src/session.rs", None),
            ("plugin-host/src/functionsx/a.rs", None),
        ];
        for (file, module) in cases {
            assert_eq!(owner(file).map(|m| m.name), module, "{file}");
        }
    }

    #[test]
    fn globs_name_files_and_everything_under_directories() {
        assert_eq!(
            by_name("rules").unwrap().globs(),
            ["src/rules.rs", "src/rules/**"]
        );
        assert_eq!(
            by_name("sandbox").unwrap().globs(),
            ["plugin-host/src/sandbox/**"]
        );
        assert_eq!(by_name("nope"), None);
    }

    #[test]
    fn the_shared_modules_allow_no_survivor_and_the_host_ninety_percent() {
        for m in MODULES {
            let expected = if m.package == "chat-to-video" {
                Bar::All
            } else {
                Bar::Percent(90)
            };
            assert_eq!(m.bar, expected, "{}", m.name);
        }
        assert_eq!(
            names(),
            "rules, code, attributes, room_state, network_quality, devices, prejoin, blur, \
             functions, sandbox"
        );
    }
}
