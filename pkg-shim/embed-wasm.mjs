// Build-time half of the embedded module (the run-time half is src/embedded-wasm.ts):
// gzips a `.wasm` with zopfli (gzip, which the browser's `DecompressionStream("gzip")` reads,
// checking the CRC-32 and length in its trailer), checks that zlib gunzips it to the same bytes,
// and records their length. `gzippedWasm()` is the esbuild plugin that makes
// `import m from "<file>.wasm?gzipped"` yield `{ base64, byteLength }`.
import { readFile } from "node:fs/promises";
import zlib from "node:zlib";
import zopfli from "@gfx/zopfli";

/** zopfli's default; more iterations gain a few dozen bytes for seconds of build time. */
const ZOPFLI_ITERATIONS = 15;
const SUFFIX = "?gzipped";
const MODULE_NS = "gzipped-wasm";

/** `{ gzipped, byteLength, crc32 }` for `bytes`, verified by gunzipping it again. */
export async function embedWasm(bytes) {
  if (typeof zlib.crc32 !== "function") {
    throw new Error(`node:zlib has no crc32 (Node ${process.versions.node}); the build needs Node 20.15 or newer`);
  }
  const gzipped = Buffer.from(await zopfli.gzipAsync(bytes, { numiterations: ZOPFLI_ITERATIONS }));
  const back = zlib.gunzipSync(gzipped);
  if (!back.equals(bytes)) {
    throw new Error("the gzipped module does not gunzip back to the same bytes");
  }
  const crc32 = zlib.crc32(bytes) >>> 0;
  if (gzipped.readUInt32LE(gzipped.length - 8) !== crc32 || gzipped.readUInt32LE(gzipped.length - 4) !== bytes.length) {
    throw new Error("the gzipped module's trailer does not hold its CRC-32 and length");
  }
  return { gzipped, byteLength: bytes.length, crc32 };
}

/**
 * The esbuild plugin. `embedded` (a Map, optional) receives each embedded file's
 * `{ gzipped, byteLength, crc32 }` by absolute path, for the build's report and checks. The
 * module gets the gzipped bytes as a base64 string, which the run-time half decodes a slice at
 * a time (esbuild's binary loader would decode all of it at once while the bundle evaluates).
 */
export function gzippedWasm(embedded = new Map()) {
  return {
    name: "gzipped-wasm",
    setup(build) {
      build.onResolve({ filter: /\.wasm\?gzipped$/ }, async (args) => {
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
        const base64 = info.gzipped.toString("base64");
        const contents = `export default { base64: "${base64}", byteLength: ${info.byteLength} };\n`;
        return { contents, loader: "js" };
      });
    },
  };
}
