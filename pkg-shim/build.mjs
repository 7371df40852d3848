// Bundles the plugin shell into one self-contained file: the WebAssembly glue and the
// `.wasm` bytes inside, React and Flex taken from the page (`window.React`,
// `window.Twilio.Flex`). Usage: node build.mjs [--outfile path]
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { readFile } from "node:fs/promises";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf("--outfile");
const outfile = at >= 0 ? path.resolve(args[at + 1]) : path.join(here, "dist", "plugin-chat-to-video.js");

const result = await build({
  absWorkingDir: here,
  entryPoints: ["src/index.ts"],
  tsconfig: "tsconfig.json",
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "none",
  loader: { ".wasm": "binary" },
  // Flex and React come from the page; nothing else may be fetched.
  external: ["@twilio/flex-ui", "react", "react-dom"],
  metafile: true,
  logLevel: "warning",
  // The glue's async `init` (which would fetch the .wasm from `import.meta.url`) is
  // never imported and is dropped; only `initSync` with the inlined bytes remains.
  logOverride: { "empty-import-meta": "silent" },
});

const inputs = Object.keys(result.metafile.inputs);
const bundled = inputs.filter((p) => /node_modules[\\/](react|react-dom|@twilio)[\\/]/.test(p));
if (bundled.length > 0) {
  console.error(`React or Flex was bundled instead of taken from the page:\n  ${bundled.join("\n  ")}`);
  process.exit(1);
}
const code = await readFile(outfile, "utf8");
for (const needle of ["instantiateStreaming", "import.meta"]) {
  if (code.includes(needle)) {
    console.error(`the bundle still contains "${needle}": it would try to load the .wasm from elsewhere`);
    process.exit(1);
  }
}
const bytes = result.metafile.outputs[path.relative(here, outfile).split(path.sep).join("/")]?.bytes;
console.log(`built ${path.relative(process.cwd(), outfile)}${bytes === undefined ? "" : ` (${bytes} bytes)`}`);
