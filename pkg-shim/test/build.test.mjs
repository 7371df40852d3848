// build.mjs end to end, into temporary directories: a bundle within budget holds the
// `.wasm` gzipped (first, ahead of the script), inflates and compiles it with the browser's
// asynchronous APIs, and holds nothing that could load it from elsewhere; over the gzip budget
// the build fails and leaves no bundle; the bundle released to Flex embeds the module without
// the sandbox's mesh and refuses one with it. Needs the built modules in target/wasm/pkg and
// target/wasm/release (`cargo xtask build`).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const shell = path.join(here, "..");
const manifest = JSON.parse(await readFile(path.join(shell, "package.json"), "utf8"));
const wasmPath = path.join(shell, "../target/wasm/pkg/chat_to_video_bg.wasm");

let dir;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "chat-to-video-build-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs build.mjs; resolves to its exit code and output, whatever the code. */
async function runBuild(...args) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["build.mjs", ...args], { cwd: shell });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== "number") throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const exists = (file) => stat(file).then(() => true, () => false);

test("the bundle holds the .wasm gzipped, is within the gzip budget and loads nothing from elsewhere", async () => {
  const outfile = path.join(dir, "within.js");
  const run = await runBuild("--outfile", outfile);
  assert.equal(run.code, 0, run.stderr);
  const code = await readFile(outfile, "utf8");
  const wasm = await readFile(wasmPath);

  const literals = [...code.matchAll(/"([A-Za-z0-9+/]{1000,}={0,2})"/g)];
  assert.equal(literals.length, 1, "one embedded module");
  const gzipped = Buffer.from(literals[0][1], "base64");
  assert.ok(gunzipSync(gzipped).equals(wasm), "it gunzips to the built .wasm");
  assert.ok(gzipped.length < wasm.length * 0.5, `gzipped to ${gzipped.length} of ${wasm.length} bytes`);
  assert.ok(!code.includes(wasm.subarray(8, 64).toString("base64")), "the raw .wasm is not embedded as well");
  // The bundle begins with the module, so its base64 and the script compress apart.
  assert.ok(literals[0].index < 64, `the module's base64 starts at ${literals[0].index}`);

  const bundleGzipped = gzipSync(code, { level: 9 }).length;
  assert.ok(bundleGzipped <= manifest.sizeBudget.bundleGzipBytes, `${bundleGzipped} bytes gzipped`);
  for (const needle of ["instantiateStreaming", "import.meta", "new Worker("]) {
    assert.ok(!code.includes(needle), `the bundle contains ${needle}`);
  }
  // Start-up stays off Flex's main thread: the browser inflates (checking gzip's CRC-32) and
  // compiles, asynchronously; no CRC-32 of its own in the bundle.
  assert.match(code, /new DecompressionStream\(["']gzip["']\)/, "inflated by the browser");
  assert.ok(!code.includes("3988292384") && !/0xedb88320/i.test(code), "no CRC-32 table of its own");
  assert.match(code, /WebAssembly\.compile\(/, "compiled asynchronously");
  assert.match(run.stdout, new RegExp(`: ${code.length} bytes, ${bundleGzipped} gzipped`));
});

test("over the gzip budget the build fails, says by how much, and leaves no bundle", async () => {
  const outfile = path.join(dir, "over.js");
  const run = await runBuild("--outfile", outfile, "--gzip-budget", "10000");
  assert.equal(run.code, 1);
  assert.match(run.stderr, /the bundle is \d+ bytes gzipped \(-9\), over the budget of 10000; the bundle was removed/);
  assert.equal(await exists(outfile), false);
});

test("the budget can be tightened on the command line, never loosened", async () => {
  const outfile = path.join(dir, "loose.js");
  const run = await runBuild("--outfile", outfile, "--gzip-budget", String(manifest.sizeBudget.bundleGzipBytes + 1));
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--gzip-budget takes a whole number of bytes from 1 to \d+/);
  assert.equal(await exists(outfile), false);
});

test("the bundle released to Flex embeds the module without the sandbox's mesh", async () => {
  const outfile = path.join(dir, "release.js");
  const run = await runBuild("--release", "--outfile", outfile);
  assert.equal(run.code, 0, run.stderr);
  const code = await readFile(outfile, "utf8");
  const [, base64] = /"([A-Za-z0-9+/]{1000,}={0,2})"/.exec(code);
  const release = await readFile(path.join(shell, "../target/wasm/release/chat_to_video_bg.wasm"));
  assert.ok(gunzipSync(Buffer.from(base64, "base64")).equals(release), "it gunzips to the release module");
  assert.ok(release.length < (await readFile(wasmPath)).length, "smaller than the sandbox desk's module");
});

test("a release bundle of the module with the sandbox's mesh fails and leaves no bundle", async () => {
  const outfile = path.join(dir, "mesh.js");
  const run = await runBuild("--release", "--wasm-dir", path.dirname(wasmPath), "--outfile", outfile);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /calls setRemoteDescription, addIceCandidate, the sandbox's WebRTC mesh, which the bundle released to Flex must not hold/);
  assert.equal(await exists(outfile), false);
});

test("the bundle released to Flex is held to the performance budget, which the command line cannot loosen", async () => {
  const budget = manifest.sizeBudget.releaseBundleGzipBytes;
  assert.ok(budget < manifest.sizeBudget.bundleGzipBytes, "stricter than the desk bundle's backstop");
  const outfile = path.join(dir, "release-loose.js");
  const run = await runBuild("--release", "--outfile", outfile, "--gzip-budget", String(budget + 1));
  assert.equal(run.code, 2);
  assert.match(run.stderr, new RegExp(`--gzip-budget takes a whole number of bytes from 1 to ${budget} `));
  assert.equal(await exists(outfile), false);
});

test("the background blur library is refused, imported or pasted in, and no bundle is left", async () => {
  const imported = path.join(dir, "with-blur-library.js");
  const run = await runBuild("--outfile", imported, "--entry", "test/fixtures/with-blur-library.ts");
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stderr, /the background blur library was bundled:\n {2}.*node_modules\/@twilio\/video-processors\//);
  assert.match(run.stderr, /the host serves it \(vendor\/video-processors\/\)/);
  assert.equal(await exists(imported), false);

  const pasted = path.join(dir, "with-blur-model-name.js");
  const again = await runBuild("--outfile", pasted, "--entry", "test/fixtures/with-blur-model-name.ts");
  assert.equal(again.code, 1, again.stdout);
  assert.match(again.stderr, /the bundle contains "selfie_segmentation": it holds the background blur library/);
  assert.equal(await exists(pasted), false);
});
