//! Short names for the exports only wasm-bindgen's glue calls.
//!
//! wasm-bindgen exports each closure's trampoline under its Rust path with the crates' hashes
//! (`wasm_bindgen_9f7a…___convert__closures_____invoke___…JsValue…`, some 200 characters each)
//! and its own runtime under `__wbindgen_*` and `__wbg_<class>_free`. Only the glue calls them,
//! always as `wasm.<name>`. [`minify`] renames those exports (`a`, `b`, …) and [`rewrite_glue`]
//! the glue's calls, refusing glue that names one in any other way, so a change in wasm-bindgen's output
//! fails the build instead of shipping a module its glue cannot call. The exports our own code
//! names (`plugin_create`, `mountCustomerPage`, …), the memory and the globals keep their names:
//! the build's checks read them.

use std::collections::HashSet;

use crate::cmd::{Error, Result};
use crate::imports::short_name;
use crate::wasm_bytes::{push_leb, push_name, rewrite_section, Reader};

const EXPORT_SECTION: u8 = 7;
const FUNCTION: u8 = 0;
const TABLE: u8 = 1;

/// Whether an export of this kind and name is wasm-bindgen's own, called by the glue alone.
fn glue_only(kind: u8, name: &str) -> bool {
    (kind == FUNCTION || kind == TABLE)
        && (name.starts_with("__") || name.starts_with("wasm_bindgen_"))
}

/// Each renamed export's old and new name.
pub type Renamed = Vec<(String, String)>;

/// `wasm` with every glue-only export renamed short, and the old and new names.
pub fn minify(wasm: &[u8]) -> Result<(Vec<u8>, Renamed)> {
    let mut renamed = Vec::new();
    let out = rewrite_section(wasm, EXPORT_SECTION, |body| {
        rename_exports(body, &mut renamed)
    })
    .ok_or_else(|| Error::new("not a WebAssembly module, or a damaged one"))?;
    Ok((out, renamed))
}

struct Export {
    name: String,
    kind: u8,
    index: usize,
}

fn rename_exports(body: &[u8], renamed: &mut Vec<(String, String)>) -> Option<Vec<u8>> {
    let mut r = Reader::new(body, 0);
    let count = r.leb()?;
    let mut exports = Vec::new();
    for _ in 0..count {
        let name = r.name()?;
        let kind = r.byte()?;
        let index = r.leb()?;
        exports.push(Export { name, kind, index });
    }
    if !r.done() {
        return None;
    }
    let kept: HashSet<String> = exports
        .iter()
        .filter(|e| !glue_only(e.kind, &e.name))
        .map(|e| e.name.clone())
        .collect();
    let mut shorts = (0..).map(short_name).filter(|n| !kept.contains(n));
    let mut out = Vec::with_capacity(body.len());
    push_leb(count, &mut out);
    for e in exports {
        let name = if glue_only(e.kind, &e.name) {
            let short = shorts.next()?;
            renamed.push((e.name, short.clone()));
            short
        } else {
            e.name
        };
        push_name(&name, &mut out);
        out.push(e.kind);
        push_leb(e.index, &mut out);
    }
    Some(out)
}

/// `glue` with each `wasm.<old>` call renamed as [`minify`] renamed the export. Fails, naming
/// it, when the glue still reads a renamed export as a property some other way (`exports.…`,
/// `wasm["…"]`): it would call a name the module no longer has. The glue's own JavaScript
/// functions of the same names are its own (esbuild shortens them) and stay as they are; an
/// export the glue never names stays unused.
pub fn rewrite_glue(glue: &str, renamed: &[(String, String)]) -> Result<String> {
    let mut out = glue.to_string();
    for (old, new) in renamed {
        out = replace_uses(&out, &format!("wasm.{old}"), &format!("wasm.{new}"));
        let read_as_property = out.match_indices(old.as_str()).any(|(at, _)| {
            let whole = !out[at + old.len()..].chars().next().is_some_and(is_ident);
            whole && matches!(out[..at].chars().next_back(), Some('.' | '"' | '\'' | '`'))
        });
        if read_as_property {
            return Err(Error::new(format!(
                "the glue reads the export `{old}` other than as `wasm.{old}`: wasm-bindgen's \
                 output changed; fix xtask/src/exports.rs before shipping a module its glue \
                 cannot call"
            )));
        }
    }
    Ok(out)
}

/// `types` (the glue's `.d.ts`) with each renamed export's field in `InitOutput` renamed.
pub fn rewrite_types(types: &str, renamed: &[(String, String)]) -> String {
    let mut out = types.to_string();
    for (old, new) in renamed {
        out = replace_uses(&out, &format!("readonly {old}"), &format!("readonly {new}"));
    }
    out
}

/// A character that continues a JavaScript identifier in the glue (which is ASCII): the
/// rewrites of the import and export names replace whole identifiers only.
pub fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` with every `needle` that is a whole word replaced.
fn replace_uses(text: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices(needle) {
        let end = at + needle.len();
        let before = text[..at].chars().next_back().is_some_and(is_ident);
        let after = text[end..].chars().next().is_some_and(is_ident);
        if before || after {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(with);
        rest = end;
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(exports: &[(&str, u8, usize)]) -> Vec<u8> {
        let mut body = Vec::new();
        push_leb(exports.len(), &mut body);
        for (name, kind, index) in exports {
            push_name(name, &mut body);
            body.push(*kind);
            push_leb(*index, &mut body);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        wasm.push(EXPORT_SECTION);
        push_leb(body.len(), &mut wasm);
        wasm.extend_from_slice(&body);
        wasm
    }

    const CLOSURE: &str = "wasm_bindgen_9f7a___convert__closures_____invoke___JsValue__true_";

    #[test]
    fn renames_the_glue_only_exports_and_keeps_the_rest() {
        let wasm = module(&[
            ("memory", 2, 0),
            ("plugin_create", 0, 3),
            ("a", 0, 4),
            (CLOSURE, 0, 200),
            ("__wbindgen_malloc", 0, 5),
            ("__wbindgen_externrefs", 1, 0),
            ("__instance_terminated", 3, 1),
            ("__wbg_plugin_free", 0, 6),
        ]);
        let (out, renamed) = minify(&wasm).unwrap();
        assert_eq!(
            out,
            module(&[
                ("memory", 2, 0),
                ("plugin_create", 0, 3),
                ("a", 0, 4),
                ("b", 0, 200),
                ("c", 0, 5),
                ("d", 1, 0),
                ("__instance_terminated", 3, 1),
                ("e", 0, 6),
            ])
        );
        let olds: Vec<&str> = renamed.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(
            olds,
            [
                CLOSURE,
                "__wbindgen_malloc",
                "__wbindgen_externrefs",
                "__wbg_plugin_free"
            ]
        );
    }

    #[test]
    fn refuses_damaged_modules() {
        assert!(minify(b"not wasm").is_err());
        let mut wasm = module(&[("__wbindgen_start", 0, 1)]);
        wasm.push(0);
        assert!(minify(&wasm).is_err());
        let mut body = Vec::new();
        push_leb(1, &mut body);
        push_name("__wbindgen_start", &mut body);
        body.extend_from_slice(&[0, 1, 0]); // one byte past the one export
        let mut trailing = b"\0asm\x01\0\0\0".to_vec();
        trailing.push(EXPORT_SECTION);
        push_leb(body.len(), &mut trailing);
        trailing.extend_from_slice(&body);
        assert!(minify(&trailing).is_err());
    }

    fn renamed() -> Vec<(String, String)> {
        vec![
            ("__wbindgen_malloc".into(), "b".into()),
            (CLOSURE.into(), "c".into()),
        ]
    }

    #[test]
    fn rewrites_every_call_of_a_renamed_export_and_nothing_else() {
        let glue = format!(
            "const p = wasm.__wbindgen_malloc(n); wasm.__wbindgen_malloc(m);\n\
             wasm.{CLOSURE}(a, b); wasm.__wbindgen_malloc_x(1); xwasm.b(2);\n\
             wasm.plugin_create();"
        );
        let out = rewrite_glue(&glue, &renamed()).unwrap();
        assert_eq!(
            out,
            "const p = wasm.b(n); wasm.b(m);\n\
             wasm.c(a, b); wasm.__wbindgen_malloc_x(1); xwasm.b(2);\n\
             wasm.plugin_create();"
        );
    }

    #[test]
    fn refuses_glue_that_names_a_renamed_export_another_way() {
        let glue = format!("wasm.__wbindgen_malloc(1); wasm[\"{CLOSURE}\"](2);");
        let err = rewrite_glue(&glue, &renamed()).unwrap_err().to_string();
        assert!(err.contains(CLOSURE), "{err}");
        for other in [
            format!("instance.exports.{CLOSURE}"),
            format!("x['{CLOSURE}']"),
        ] {
            assert!(rewrite_glue(&other, &renamed()).is_err(), "{other}");
        }
        let own = format!("function {CLOSURE}(a) {{ wasm.{CLOSURE}(a); }} f({CLOSURE});");
        assert_eq!(
            rewrite_glue(&own, &renamed()).unwrap(),
            format!("function {CLOSURE}(a) {{ wasm.c(a); }} f({CLOSURE});")
        );
    }

    #[test]
    fn renames_the_typed_fields() {
        let types =
            "    readonly __wbindgen_malloc: (a: number) => number;\n    readonly memory: X;";
        assert_eq!(
            rewrite_types(types, &renamed()),
            "    readonly b: (a: number) => number;\n    readonly memory: X;"
        );
    }
}
