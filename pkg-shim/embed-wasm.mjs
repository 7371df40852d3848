// Build-time half of the embedded module (the run-time half is src/embedded-wasm.ts):
// deflates a `.wasm` with zopfli (raw DEFLATE, which the browser's
// `DecompressionStream("deflate-raw")` reads), checks that zlib inflates it to the same bytes, and
// records their length and CRC-32. `deflatedWasm()` is the esbuild plugin that makes
// `import m from "<file>.wasm?deflated"` yield `{ base64, byteLength, crc32 }`.
import { readFile } from "node:fs/promises";
import zlib from "node:zlib";
import zopfli from "@gfx/zopfli";

/** zopfli's default; more iterations gain a few dozen bytes for seconds of build time. */
const ZOPFLI_ITERATIONS = 15;
const SUFFIX = "?deflated";
const MODULE_NS = "deflated-wasm";

/** `{ deflated, byteLength, crc32 }` for `bytes`, verified by inflating it again. */
export async function embedWasm(bytes) {
  if (typeof zlib.crc32 !== "function") {
    throw new Error(`node:zlib has no crc32 (Node ${process.versions.node}); the build needs Node 20.15 or newer`);
  }
  const deflated = await zopfli.deflateAsync(bytes, { numiterations: ZOPFLI_ITERATIONS });
  const back = zlib.inflateRawSync(deflated);
  if (!back.equals(bytes)) {
    throw new Error("the deflated module does not inflate back to the same bytes");
  }
  return { deflated, byteLength: bytes.length, crc32: zlib.crc32(bytes) >>> 0 };
}

/**
 * The esbuild plugin. `embedded` (a Map, optional) receives each embedded file's
 * `{ deflated, byteLength, crc32 }` by absolute path, for the build's report and checks. The
 * module gets the deflated bytes as a base64 string, which the run-time half decodes a slice at
 * a time (esbuild's binary loader would decode all of it at once while the bundle evaluates).
 */
export function deflatedWasm(embedded = new Map()) {
  return {
    name: "deflated-wasm",
    setup(build) {
      build.onResolve({ filter: /\.wasm\?deflated$/ }, async (args) => {
        const resolved = await build.resolve(args.path.slice(0, -SUFFIX.length), {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: resolved.path, namespace: MODULE_NS };
      });
      build.onLoad({ filter: /.*/, namespace: MODULE_NS }, async (args) => {
        const info = await embedWasm(await readFile(args.path));
        embedded.set(args.path, info);
        const base64 = Buffer.from(info.deflated).toString("base64");
        const contents = `export default { base64: "${base64}", byteLength: ${info.byteLength}, crc32: ${info.crc32} };\n`;
        return { contents, loader: "js" };
      });
    },
  };
}
