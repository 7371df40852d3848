//! The two browser modules the crate is built into, one per cargo feature, and the checks on
//! the function names in cargo's output (its name section, before wasm-bindgen and wasm-opt):
//! neither holds a module that belongs to the other entry, nor core's float formatting.

use crate::cmd::{Error, Result};
use crate::wasm_bytes::Reader;

/// One browser module: the features it is built with, the directory its raw build is kept in
/// (under `target/wasm/raw`), where wasm-bindgen's output goes (repository-relative) and which
/// of `chat_to_video::web`'s modules (paths below `web`, such as `video::sandbox`) it must not
/// hold.
pub struct Entry {
    pub name: &'static str,
    pub features: &'static str,
    pub key: &'static str,
    pub out_dir: &'static str,
    pub foreign: &'static [&'static [&'static str]],
}

/// The Flex plugin with the sandbox's mesh (embedded in the bundle the sandbox desk loads), the
/// plugin released to Flex (twilio mode only: no mesh), the customer page a sandbox host serves
/// (with the mesh) and the one a twilio-mode host serves, which real customers get (no mesh).
pub const ENTRIES: &[Entry] = &[
    Entry {
        name: "plugin",
        features: "plugin,sandbox",
        key: "plugin",
        out_dir: "target/wasm/pkg",
        foreign: &[CUSTOMER_ONLY],
    },
    Entry {
        name: "plugin for Flex (twilio only)",
        features: "plugin",
        key: "release",
        out_dir: "target/wasm/release",
        foreign: &[CUSTOMER_ONLY, MESH],
    },
    Entry {
        name: "customer page",
        features: "customer,sandbox",
        key: "customer",
        out_dir: "target/wasm/customer",
        foreign: &[PLUGIN_ONLY],
    },
    Entry {
        name: "customer page for twilio mode",
        features: "customer",
        key: "customer-twilio",
        out_dir: "target/wasm/customer-twilio",
        foreign: &[PLUGIN_ONLY, MESH],
    },
];

/// The customer page's module below `chat_to_video::web`, which no plugin holds.
const CUSTOMER_ONLY: &[&str] = &["customer"];

/// The sandbox's WebRTC mesh, which no module built for twilio mode holds.
const MESH: &[&str] = &["video::sandbox", "video::wire"];

/// The plugin's modules below `chat_to_video::web`, which no customer page holds.
const PLUGIN_ONLY: &[&str] = &[
    "button",
    "connector",
    "context",
    "error",
    "flex",
    "invite",
    "plugin",
    "room_claim",
    "tab",
];

/// Fails, naming a few, when any function of `wasm` (a module with its name section) belongs
/// to one of `entry.foreign`'s modules.
pub fn check_names(entry: &Entry, wasm: &[u8]) -> Result<()> {
    let names = function_names(wasm)?;
    if names.is_empty() {
        return Err(Error::new(format!(
            "the {} module has no function names to check: build it with a profile that keeps the name section",
            entry.name
        )));
    }
    let float: Vec<&String> = names.iter().filter(|n| is_float_formatting(n)).collect();
    if let Some(first) = float.first() {
        return Err(Error::new(format!(
            "the {} module holds core's float formatting ({} functions, e.g. {first}): something \
             formats an f64 through core::fmt (a `{{}}` of a float, or an error type that prints \
             serde's Unexpected); write numbers with src/decimal.rs and errors as static text",
            entry.name,
            float.len()
        )));
    }
    let foreign: Vec<&String> = names
        .iter()
        .filter(|name| foreign_modules(entry).any(|m| in_web_module(name, m)))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    let examples: Vec<&str> = foreign.iter().take(3).map(|s| s.as_str()).collect();
    Err(Error::new(format!(
        "the {} module holds {} functions of chat_to_video::web::{{{}}}, which belong to the other module (e.g. {}); \
         gate the module with #[cfg(feature = ...)] in src/web/mod.rs or stop calling it from shared code",
        entry.name,
        foreign.len(),
        foreign_modules(entry).collect::<Vec<_>>().join(","),
        examples.join(", ")
    )))
}

fn foreign_modules(entry: &Entry) -> impl Iterator<Item = &'static str> {
    entry.foreign.iter().flat_map(|group| group.iter().copied())
}

/// Whether a symbol is `core::num::flt2dec` (float to decimal) or `core::fmt::float`.
fn is_float_formatting(symbol: &str) -> bool {
    symbol.contains("4core3num7flt2dec")
        || symbol.contains("4core3fmt5float")
        || symbol.contains("core..fmt..float")
}

/// Whether a (legacy- or v0-mangled, or demangled) symbol is in `chat_to_video::web::<module>`
/// (`module` may be a path: `video::sandbox`).
fn in_web_module(symbol: &str, module: &str) -> bool {
    if !symbol.contains("chat_to_video") {
        return false;
    }
    let parts: Vec<&str> = std::iter::once("web").chain(module.split("::")).collect();
    // Legacy and v0 paths are length-prefixed (`3web8customer`), paths inside legacy `impl`
    // headers are `web..customer..`, demangled ones `web::customer::`.
    let prefixed: String = parts.iter().map(|p| format!("{}{p}", p.len())).collect();
    [
        prefixed,
        format!("{}..", parts.join("..")),
        format!("{}::", parts.join("::")),
    ]
    .iter()
    .any(|needle| symbol.contains(needle.as_str()))
}

/// The function names of a module's `name` section (empty when it has none).
pub fn function_names(wasm: &[u8]) -> Result<Vec<String>> {
    let bad = || Error::new("not a WebAssembly module, or a damaged one");
    if wasm.get(..4) != Some(b"\0asm") {
        return Err(bad());
    }
    let mut r = Reader::new(wasm, 8);
    let mut names = Vec::new();
    while !r.done() {
        let id = r.byte().ok_or_else(bad)?;
        let size = r.leb().ok_or_else(bad)?;
        let mut section = Reader::new(r.take(size).ok_or_else(bad)?, 0);
        if id != 0 || section.name().as_deref() != Some("name") {
            continue;
        }
        while !section.done() {
            let sub = section.byte().ok_or_else(bad)?;
            let size = section.leb().ok_or_else(bad)?;
            let mut sub_section = Reader::new(section.take(size).ok_or_else(bad)?, 0);
            if sub == 1 {
                for _ in 0..sub_section.leb().ok_or_else(bad)? {
                    sub_section.leb().ok_or_else(bad)?;
                    names.push(sub_section.name().ok_or_else(bad)?);
                }
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm_bytes::{push_leb, push_name};

    /// A module with only a name section naming `functions`.
    fn module_naming(functions: &[&str]) -> Vec<u8> {
        let mut map = Vec::new();
        push_leb(functions.len(), &mut map);
        for (i, f) in functions.iter().enumerate() {
            push_leb(i, &mut map);
            push_name(f, &mut map);
        }
        let mut section = Vec::new();
        push_name("name", &mut section);
        section.push(1);
        push_leb(map.len(), &mut section);
        section.extend(map);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(0);
        push_leb(section.len(), &mut wasm);
        wasm.extend(section);
        wasm
    }

    const CUSTOMER_FN: &str = "_ZN13chat_to_video3web8customer4call5start17h0123456789abcdefE";
    const TAB_IMPL: &str = "_ZN98_$LT$chat_to_video..web..tab..Tab$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE";
    const SANDBOX_FN: &str =
        "_ZN13chat_to_video3web5video7sandbox4peer4Peer3new17h0123456789abcdefE";
    const SANDBOX_IMPL: &str = "_ZN87_$LT$chat_to_video..web..video..sandbox..SandboxRoom$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE";
    const VIDEO_CONNECTOR: &str = "_ZN13chat_to_video3web5video9connector3new17h0123456789abcdefE";

    #[test]
    fn reads_function_names() {
        let wasm = module_naming(&["a", CUSTOMER_FN]);
        assert_eq!(function_names(&wasm).unwrap(), vec!["a", CUSTOMER_FN]);
        assert!(function_names(b"not wasm").is_err());
        let mut cut = wasm.clone();
        cut.truncate(wasm.len() - 5);
        assert!(
            function_names(&cut).is_err(),
            "a cut-off section is refused"
        );
    }

    #[test]
    fn the_plugin_refuses_customer_page_code() {
        let [plugin, release, customer, customer_twilio] = ENTRIES else {
            panic!("four entries")
        };
        let err = check_names(plugin, &module_naming(&["f", CUSTOMER_FN])).unwrap_err();
        assert!(
            err.to_string()
                .contains("the plugin module holds 1 functions of chat_to_video::web::{customer}"),
            "{err}"
        );
        assert!(check_names(plugin, &module_naming(&["f", TAB_IMPL])).is_ok());
        assert!(check_names(customer, &module_naming(&[TAB_IMPL])).is_err());
        // The call's own connector (`web::video::connector`) is not the plugin's `web::connector`.
        assert!(check_names(customer, &module_naming(&[VIDEO_CONNECTOR, CUSTOMER_FN])).is_ok());
        // The bundle released to Flex has neither the customer page nor the sandbox's mesh.
        assert!(check_names(release, &module_naming(&["f", CUSTOMER_FN])).is_err());
        assert!(check_names(release, &module_naming(&["f", VIDEO_CONNECTOR, TAB_IMPL])).is_ok());
        for mesh in [SANDBOX_FN, SANDBOX_IMPL] {
            let err = check_names(release, &module_naming(&["f", mesh])).unwrap_err();
            assert!(
                err.to_string().contains("holds 1 functions of chat_to_video::web::{customer,video::sandbox,video::wire}"),
                "{err}"
            );
            assert!(check_names(plugin, &module_naming(&[mesh])).is_ok());
            assert!(check_names(customer, &module_naming(&[mesh])).is_ok());
            // The page a twilio-mode host serves to real customers has no mesh either.
            assert!(check_names(customer_twilio, &module_naming(&["f", mesh])).is_err());
        }
        assert!(check_names(
            customer_twilio,
            &module_naming(&[VIDEO_CONNECTOR, CUSTOMER_FN])
        )
        .is_ok());
        assert!(check_names(customer_twilio, &module_naming(&[TAB_IMPL])).is_err());
    }

    #[test]
    fn float_formatting_is_refused_in_either_module() {
        const DRAGON: &str =
            "_RNvNtNtNtNtCsgXGp5Oqx2Ny_4core3num7flt2dec8strategy6dragon15format_shortest";
        const FLOAT_FMT: &str = "_RNvXs7_NtNtCsgXGp5Oqx2Ny_4core3fmt5floatdNtB7_7Display3fmt";
        const INTEGER: &str = "_ZN4core3fmt3num3imp52_$LT$impl$u20$core..fmt..Display$u20$for$u20$u32$GT$3fmt17h0123456789abcdefE";
        for entry in ENTRIES {
            for symbol in [DRAGON, FLOAT_FMT] {
                let err = check_names(entry, &module_naming(&["f", symbol])).unwrap_err();
                assert!(
                    err.to_string()
                        .contains("core's float formatting (1 functions"),
                    "{err}"
                );
            }
            assert!(check_names(entry, &module_naming(&[INTEGER])).is_ok());
        }
    }

    #[test]
    fn a_module_without_names_cannot_pass() {
        let err = check_names(&ENTRIES[0], b"\0asm\x01\0\0\0").unwrap_err();
        assert!(err.to_string().contains("no function names"), "{err}");
    }
}
