// What the browser module's code is made of: the size of each function body in a build that
// still has its name section (cargo's `wasm-release` output, before wasm-bindgen and wasm-opt),
// summed by crate and, for our crate, by module. Proportions carry over to the shipped module
// (wasm-opt -Oz shrinks every part); absolute figures are larger than shipped.
// Prints `wasm-size <name> <bytes>` lines. Usage: node bench-wasm-size.mjs <file.wasm> [--top N]
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node bench-wasm-size.mjs <file.wasm> [--top N]");
  process.exit(2);
}
const at = process.argv.indexOf("--top");
const top = at > 0 ? Number(process.argv[at + 1]) : 15;
const bytes = readFileSync(file);
if (bytes.readUInt32LE(0) !== 0x6d736100) {
  console.error(`${file} is not a WebAssembly module`);
  process.exit(1);
}

let p = 8;
const leb = () => {
  let value = 0;
  let shift = 0;
  let b;
  do {
    b = bytes[p++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return value;
};
const text = (n) => bytes.subarray(p, (p += n)).toString();

let importedFunctions = 0;
const bodies = [];
const names = new Map();
const sections = new Map();
while (p < bytes.length) {
  const id = bytes[p++];
  const size = leb();
  const start = p;
  const end = start + size;
  let name = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "data count"][id] ?? `#${id}`;
  if (id === 0) {
    name = text(leb());
    if (name === "name") {
      while (p < end) {
        const sub = bytes[p++];
        const subEnd = leb() + p;
        if (sub === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            names.set(index, text(leb()));
          }
        }
        p = subEnd;
      }
    }
  } else if (id === 2) {
    for (let count = leb(); count > 0; count--) {
      text(leb());
      text(leb());
      const kind = bytes[p++];
      if (kind === 0) {
        leb();
        importedFunctions++;
      } else if (kind === 1 || kind === 2) {
        if (kind === 1) p++;
        const flags = bytes[p++];
        leb();
        if (flags & 1) leb();
      } else {
        p += 2;
      }
    }
  } else if (id === 10) {
    for (let count = leb(), i = 0; i < count; i++) {
      const len = leb();
      bodies.push([importedFunctions + i, len]);
      p += len;
    }
  }
  sections.set(name, (sections.get(name) ?? 0) + size);
  p = end;
}
if (names.size === 0) {
  console.error(`${file} has no name section: use the build before wasm-bindgen and wasm-opt`);
  process.exit(1);
}

/** The path of a legacy (`_ZN`) or v0 (`_R`) Rust symbol, as far as it can be read. */
function path(symbol) {
  if (symbol.startsWith("_ZN")) {
    const parts = [];
    for (let q = 3; q < symbol.length && /\d/.test(symbol[q]); ) {
      let len = 0;
      while (/\d/.test(symbol[q])) len = len * 10 + Number(symbol[q++]);
      parts.push(symbol.slice(q, q + len));
      q += len;
    }
    const impl = /^_\$LT\$([a-z_0-9]+)/.exec(parts[0] ?? "");
    if (impl) return [impl[1], ...parts.slice(1)];
    return parts.filter((s) => !/^h[0-9a-f]{16}$/.test(s));
  }
  if (symbol.startsWith("_R")) {
    const crate = /C[sN]?[0-9A-Za-z]*_(\d+)([A-Za-z_][A-Za-z_0-9]*)/.exec(symbol);
    if (crate) return [crate[2].slice(0, Number(crate[1]))];
  }
  return ["(other)"];
}

const byCrate = new Map();
const byModule = new Map();
let code = 0;
for (const [index, size] of bodies) {
  code += size;
  const parts = path(names.get(index) ?? "");
  byCrate.set(parts[0], (byCrate.get(parts[0]) ?? 0) + size);
  if (parts[0] === "chat_to_video") {
    const module = parts.slice(0, 3).join("::");
    byModule.set(module, (byModule.get(module) ?? 0) + size);
  }
}
const print = (kind, map) => {
  for (const [name, size] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`wasm-size ${kind} ${name} ${size}`);
  }
};
for (const [name, size] of sections) console.log(`wasm-size section ${name} ${size}`);
console.log(`wasm-size code-total ${code}`);
print("crate", byCrate);
print("module", byModule);
