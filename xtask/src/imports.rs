//! Short import names for a wasm-bindgen module and its glue.
//!
//! wasm-bindgen names each import `__wbg_<method>_<16 hex digits>` (the digits tell apart
//! methods of the same name in different crates) under the module `./chat_to_video_bg.js`, and
//! the glue's import object repeats every name as a key. The hex digits are random to a
//! compressor, so they cost about as much gzipped as written: some 4 KB of the module and the
//! glue together. [`minify`] renames every import module and field to a short name in the
//! module (`a`, `b`, …, `ba`, …) and [`rewrite_glue`] renames the same keys in the glue, refusing
//! any glue in which a name is not found exactly once where it is defined, so a change in
//! wasm-bindgen's output fails the build instead of shipping a module its glue cannot link.
//! The exports only the glue calls are renamed by `exports.rs`.

use std::collections::HashMap;

use crate::cmd::{Error, Result};
use crate::wasm_bytes::{push_leb, push_name, rewrite_section, Reader};

const IMPORT_SECTION: u8 = 2;

/// What [`minify`] renamed: each import module's old and new name, and each field's.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Renamed {
    pub modules: Vec<(String, String)>,
    pub fields: Vec<(String, String)>,
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, then `ba`, `bb`, … (never empty, never a digit
/// first, so every one is a JavaScript identifier and an object key without quotes).
pub fn short_name(mut n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let base = ALPHABET.len();
    let mut out = vec![ALPHABET[n % base]];
    n /= base;
    while n > 0 {
        out.push(ALPHABET[n % base]);
        n /= base;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `wasm` with every import's module and field renamed short; every other byte as it was.
pub fn minify(wasm: &[u8]) -> Result<(Vec<u8>, Renamed)> {
    let mut renamed = Renamed::default();
    let out = rewrite_section(wasm, IMPORT_SECTION, |body| {
        rename_imports(body, &mut renamed)
    })
    .ok_or_else(|| Error::new("not a WebAssembly module, or a damaged one"))?;
    Ok((out, renamed))
}

/// The import section's body with short names, recording them in `renamed`.
fn rename_imports(body: &[u8], renamed: &mut Renamed) -> Option<Vec<u8>> {
    let mut modules: HashMap<String, String> = HashMap::new();
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut r = Reader::new(body, 0);
    let count = r.leb()?;
    let mut out = Vec::with_capacity(body.len());
    push_leb(count, &mut out);
    for _ in 0..count {
        let module = r.name()?;
        let field = r.name()?;
        let next = modules.len();
        let module = modules.entry(module.clone()).or_insert_with(|| {
            let short = short_name(next);
            renamed.modules.push((module, short.clone()));
            short
        });
        push_name(module, &mut out);
        let next = fields.len();
        let field = fields.entry(field.clone()).or_insert_with(|| {
            let short = short_name(next);
            renamed.fields.push((field, short.clone()));
            short
        });
        push_name(field, &mut out);
        let desc = r.at();
        skip_import_desc(&mut r)?;
        out.extend_from_slice(&body[desc..r.at()]);
    }
    r.done().then_some(out)
}

/// Steps over one import's description: a function's type index, a table's element type and
/// limits, a memory's limits, a global's type and mutability, or a tag's attribute and type.
fn skip_import_desc(r: &mut Reader) -> Option<()> {
    match r.byte()? {
        0x00 => r.leb().map(drop),
        0x01 => {
            r.byte()?;
            skip_limits(r)
        }
        0x02 => skip_limits(r),
        0x03 => {
            r.byte()?;
            r.byte().map(drop)
        }
        0x04 => {
            r.byte()?;
            r.leb().map(drop)
        }
        _ => None,
    }
}

fn skip_limits(r: &mut Reader) -> Option<()> {
    let flags = r.byte()?;
    r.leb()?;
    if flags & 1 == 1 {
        r.leb()?;
    }
    Some(())
}

/// `glue` (wasm-bindgen's `--target web` output) with the import object's keys renamed as
/// [`minify`] renamed them in the module: each field where the glue defines it (`name:`) and
/// each module's key (`"./x.js":`). Fails, naming it, when a name is not defined exactly once.
pub fn rewrite_glue(glue: &str, renamed: &Renamed) -> Result<String> {
    let mut out = glue.to_string();
    for (old, new) in &renamed.fields {
        out = replace_once(&out, &format!("{old}:"), &format!("{new}:"), old, true)?;
    }
    for (old, new) in &renamed.modules {
        let quoted = format!("\"{old}\":");
        out = replace_once(&out, &quoted, &format!("\"{new}\":"), old, false)?;
    }
    Ok(out)
}

fn replace_once(text: &str, needle: &str, with: &str, name: &str, ident: bool) -> Result<String> {
    let found: Vec<usize> = text
        .match_indices(needle)
        .map(|(at, _)| at)
        .filter(|&at| {
            !ident
                || !text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(crate::exports::is_ident)
        })
        .collect();
    match found[..] {
        [at] => Ok(format!(
            "{}{with}{}",
            &text[..at],
            &text[at + needle.len()..]
        )),
        _ => Err(Error::new(format!(
            "the glue defines the import `{name}` {} times, not once: wasm-bindgen's output \
             changed; fix xtask/src/imports.rs before shipping a module its glue cannot link",
            found.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(imports: &[(&str, &str, &[u8])], rest: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        push_leb(imports.len(), &mut body);
        for (m, f, desc) in imports {
            push_name(m, &mut body);
            push_name(f, &mut body);
            body.extend_from_slice(desc);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
        wasm.push(IMPORT_SECTION);
        push_leb(body.len(), &mut wasm);
        wasm.extend_from_slice(&body);
        wasm.extend_from_slice(rest);
        wasm
    }

    #[test]
    fn short_names_are_unique_identifiers() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[51], "Z");
        assert_eq!(names[52], "ba");
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names
            .iter()
            .all(|n| n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())));
    }

    #[test]
    fn renames_every_import_and_keeps_every_other_byte() {
        let custom = [0u8, 4, 1, b'x', 9, 9];
        let wasm = module(
            &[
                ("./m.js", "__wbg_get_0123456789abcdef", &[0, 0]),
                ("./m.js", "__wbg_set_fedcba9876543210", &[0, 0]),
                ("env", "memory", &[2, 1, 17, 200, 1]),
                ("env", "table", &[1, 0x6f, 0, 4]),
                ("./m.js", "__wbg_get_0123456789abcdef", &[0, 0]),
                ("env", "g", &[3, 0x7f, 1]),
                ("env", "tag", &[4, 0, 0]),
            ],
            &custom,
        );
        let (out, renamed) = minify(&wasm).unwrap();
        let short = module(
            &[
                ("a", "a", &[0, 0]),
                ("a", "b", &[0, 0]),
                ("b", "c", &[2, 1, 17, 200, 1]),
                ("b", "d", &[1, 0x6f, 0, 4]),
                ("a", "a", &[0, 0]),
                ("b", "e", &[3, 0x7f, 1]),
                ("b", "f", &[4, 0, 0]),
            ],
            &custom,
        );
        assert_eq!(out, short);
        assert_eq!(
            renamed.modules,
            [("./m.js".into(), "a".into()), ("env".into(), "b".into())]
        );
        assert_eq!(renamed.fields.len(), 6);
        assert_eq!(
            renamed.fields[0],
            ("__wbg_get_0123456789abcdef".into(), "a".into())
        );
    }

    #[test]
    fn refuses_damaged_modules() {
        assert!(minify(b"not wasm").is_err());
        let mut wasm = module(&[("m", "f", &[0, 0])], &[]);
        wasm.truncate(wasm.len() - 1);
        assert!(minify(&wasm).is_err());
        let unknown_kind = module(&[("m", "f", &[9, 0])], &[]);
        assert!(minify(&unknown_kind).is_err());
    }

    const GLUE: &str = r#"function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_get_0123456789abcdef: function(arg0) { return arg0.x; },
        x__wbg_get_0123456789abcdef: 1,
        __wbindgen_init_externref_table: function() {},
    };
    return { __proto__: null, "./m.js": import0 };
}"#;

    fn renamed() -> Renamed {
        Renamed {
            modules: vec![("./m.js".into(), "a".into())],
            fields: vec![
                ("__wbg_get_0123456789abcdef".into(), "a".into()),
                ("__wbindgen_init_externref_table".into(), "b".into()),
            ],
        }
    }

    #[test]
    fn rewrites_the_glue_keys_and_nothing_else() {
        let out = rewrite_glue(GLUE, &renamed()).unwrap();
        assert!(out.contains("        a: function(arg0) { return arg0.x; },"));
        assert!(out.contains("x__wbg_get_0123456789abcdef: 1,"), "{out}");
        assert!(out.contains("        b: function() {},"));
        assert!(out.contains(r#""a": import0"#));
        assert!(!out.contains("./m.js"));
    }

    #[test]
    fn refuses_glue_that_does_not_define_a_name_once() {
        let mut missing = renamed();
        missing.fields.push(("__wbg_gone_00".into(), "c".into()));
        let err = rewrite_glue(GLUE, &missing).unwrap_err().to_string();
        assert!(err.contains("`__wbg_gone_00` 0 times"), "{err}");
        let twice = GLUE.replace("x__wbg_get", "__wbg_get");
        assert!(rewrite_glue(&twice, &renamed()).is_err());
    }
}
