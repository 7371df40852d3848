// Bundles the plugin shell into one self-contained file: the WebAssembly glue and the
// `.wasm` inside (gzipped, see embed-wasm.mjs), React and Flex taken from the page
// (`window.React`, `window.Twilio.Flex`). Fails, leaving no bundle, if React or Flex
// would be bundled, if anything could load the `.wasm` from elsewhere, or if the
// bundle's gzip -9 size is over the budget in package.json. Refuses the background blur library
// (`@twilio/video-processors`): the host serves it and the page loads it only when blur is on.
// `--release` builds the bundle released to Flex (where the host is always in twilio mode): it
// embeds target/wasm/release's module (built without the `sandbox` feature) and fails if that
// module holds the sandbox's WebRTC mesh.
// Usage: node build.mjs [--release] [--wasm-dir dir (wasm-bindgen's output to embed)] [--outfile path]
//          [--gzip-budget bytes (only lower than package.json's)]
//          [--entry file (another entry point, to check these guards; default src/index.ts)]
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { readFile, rm } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { gzippedWasm } from "./embed-wasm.mjs";
import { customerPageExports, sandboxMeshCalls } from "./plugin-exports.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(await readFile(path.join(here, "package.json"), "utf8"));
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const release = args.includes("--release");
const outfile = path.resolve(
  option("--outfile") ?? path.join(here, "dist", ...(release ? ["release"] : []), "plugin-chat-to-video.js"),
);
// The wasm-bindgen output the bundle is made of: the module with the sandbox's mesh, or without.
const wasmDir = path.resolve(option("--wasm-dir") ?? path.join(here, "..", "target", "wasm", release ? "release" : "pkg"));
// The bundle released to Flex is held to the performance budget itself (`cargo xtask bench`'s),
// so growth fails the build; the sandbox desk's, with the mesh, to the looser backstop.
const budgetKey = release ? "releaseBundleGzipBytes" : "bundleGzipBytes";
const budget = gzipBudget(manifest.sizeBudget?.[budgetKey], option("--gzip-budget"));

/** Resolves `chat-to-video-wasm` (and files in it) to `dir`, the wasm-bindgen output to embed. */
function wasmPackage(dir) {
  return {
    name: "chat-to-video-wasm",
    setup(build) {
      build.onResolve({ filter: /^chat-to-video-wasm(\/[^?]*)?$/ }, (args) => ({
        path: path.join(dir, args.path.slice("chat-to-video-wasm".length) || "chat_to_video.js"),
      }));
    },
  };
}

async function fail(message) {
  await rm(outfile, { force: true });
  console.error(message);
  process.exit(1);
}

function gzipBudget(configured, requested) {
  if (!Number.isSafeInteger(configured) || configured <= 0) {
    console.error(`pkg-shim/package.json needs sizeBudget.${budgetKey}, a positive whole number`);
    process.exit(2);
  }
  if (requested === undefined) return configured;
  const n = Number(requested);
  if (!Number.isSafeInteger(n) || n <= 0 || n > configured) {
    console.error(`--gzip-budget takes a whole number of bytes from 1 to ${configured} (package.json's budget)`);
    process.exit(2);
  }
  return n;
}

const embedded = new Map();
const result = await build({
  absWorkingDir: here,
  entryPoints: [option("--entry") ?? "src/index.ts"],
  tsconfig: "tsconfig.json",
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "none",
  // No loader for `.wasm`: the module can only come in gzipped, through the plugin.
  plugins: [wasmPackage(wasmDir), gzippedWasm(embedded)],
  // Flex and React come from the page; nothing else may be fetched.
  external: ["@twilio/flex-ui", "react", "react-dom"],
  metafile: true,
  logLevel: "warning",
  // The glue's async `init` (which would fetch the .wasm from `import.meta.url`) is
  // never imported and is dropped; only `initSync` with the inlined bytes remains.
  logOverride: { "empty-import-meta": "silent" },
});

const inputs = Object.keys(result.metafile.inputs);
const processors = inputs.filter((p) => /node_modules[\\/]@twilio[\\/]video-processors[\\/]/.test(p));
if (processors.length > 0) {
  await fail(
    `the background blur library was bundled:\n  ${processors.join("\n  ")}\n` +
      "the host serves it (vendor/video-processors/) and the page loads it only when blur is turned on",
  );
}
const bundled = inputs.filter((p) => /node_modules[\\/](react|react-dom|@twilio)[\\/]/.test(p));
if (bundled.length > 0) {
  await fail(`React or Flex was bundled instead of taken from the page:\n  ${bundled.join("\n  ")}`);
}
if (embedded.size !== 1) {
  await fail(`expected exactly one embedded .wasm, found ${embedded.size}`);
}
const [[wasmPath, wasm]] = embedded;
const customer = customerPageExports(gunzipSync(wasm.gzipped));
if (customer.length > 0) {
  await fail(
    `the embedded ${path.basename(wasmPath)} exports ${customer.join(", ")}, the customer page's: ` +
      "build the plugin's module with `--no-default-features --features plugin` (cargo xtask build does)",
  );
}
const code = await readFile(outfile);
if (release) {
  const mesh = sandboxMeshCalls(code.toString());
  if (mesh.length > 0) {
    await fail(
      `the bundle calls ${mesh.join(", ")}, the sandbox's WebRTC mesh, which the bundle released to Flex ` +
        "must not hold: build its module with `--no-default-features --features plugin` (cargo xtask build does)",
    );
  }
}
const forbidden = {
  instantiateStreaming: "it would try to load the .wasm from elsewhere",
  "import.meta": "it would try to load the .wasm from elsewhere",
  // Inflating and compiling need no worker: DecompressionStream and WebAssembly.compile are the browser's.
  "new Worker(": "it would start a worker",
  // The blur library's model name: its code, however it got in, is served by the host instead.
  selfie_segmentation: "it holds the background blur library, which the host serves (vendor/video-processors/)",
};
for (const [needle, why] of Object.entries(forbidden)) {
  if (code.includes(needle)) await fail(`the bundle contains "${needle}": ${why}`);
}

const gzipped = gzipSync(code, { level: 9 }).length;
if (gzipped > budget) {
  await fail(`the bundle is ${gzipped} bytes gzipped (-9), over the budget of ${budget}; the bundle was removed`);
}
console.log(
  `built ${path.relative(process.cwd(), outfile)}: ${code.length} bytes, ${gzipped} gzipped (-9; budget ${budget})\n` +
    `  embedded ${path.basename(wasmPath)}: ${wasm.byteLength} bytes gzipped to ${wasm.gzipped.length} (zopfli), CRC-32 ${wasm.crc32.toString(16).padStart(8, "0")}`,
);
