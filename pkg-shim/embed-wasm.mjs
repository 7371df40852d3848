// Build-time half of the embedded module (the run-time half is src/embedded-wasm.ts):
// deflates a `.wasm` with zopfli, checks that the bundle's inflater gives the same bytes
// back, and records their length and CRC-32. `deflatedWasm()` is the esbuild plugin that
// makes `import m from "<file>.wasm?deflated"` yield `{ deflated, byteLength, crc32 }`.
import { readFile } from "node:fs/promises";
import zlib from "node:zlib";
import zopfli from "@gfx/zopfli";
import { inflateSync } from "fflate";

/** zopfli's default; more iterations gain a few dozen bytes for seconds of build time. */
const ZOPFLI_ITERATIONS = 15;
const SUFFIX = "?deflated";
const MODULE_NS = "deflated-wasm";
const BYTES_NS = "deflated-wasm-bytes";

/** `{ deflated, byteLength, crc32 }` for `bytes`, verified by inflating it again. */
export async function embedWasm(bytes) {
  if (typeof zlib.crc32 !== "function") {
    throw new Error(`node:zlib has no crc32 (Node ${process.versions.node}); the build needs Node 20.15 or newer`);
  }
  const deflated = await zopfli.deflateAsync(bytes, { numiterations: ZOPFLI_ITERATIONS });
  const back = inflateSync(deflated);
  if (!Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(bytes)) {
    throw new Error("the deflated module does not inflate back to the same bytes");
  }
  return { deflated, byteLength: bytes.length, crc32: zlib.crc32(bytes) >>> 0 };
}

/**
 * The esbuild plugin. `embedded` (a Map, optional) receives each embedded file's
 * `{ deflated, byteLength, crc32 }` by absolute path, for the build's report and checks.
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
        const contents =
          `import deflated from ${JSON.stringify(args.path)};\n` +
          `export default { deflated, byteLength: ${info.byteLength}, crc32: ${info.crc32} };\n`;
        return { contents, loader: "js" };
      });
      // The module above imports its own deflated bytes through the binary loader.
      build.onResolve({ filter: /.*/, namespace: MODULE_NS }, (args) => ({ path: args.path, namespace: BYTES_NS }));
      build.onLoad({ filter: /.*/, namespace: BYTES_NS }, (args) => {
        const info = embedded.get(args.path);
        if (info === undefined) return { errors: [{ text: `${args.path} was not deflated` }] };
        return { contents: info.deflated, loader: "binary" };
      });
    },
  };
}
