// The embedded module's two halves together: embed-wasm.mjs gzips (gzip's trailer holds the
// CRC-32 and length) and records the length at build time; src/embedded-wasm.ts (bundled here
// with esbuild, as the plugin bundle has it) inflates and must refuse any copy that does not
// match.
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import zlib from "node:zlib";
import { build } from "esbuild";
import { embedWasm } from "../embed-wasm.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

/** src/embedded-wasm.ts as the bundle has it, as one ES module (Node has DecompressionStream too). */
async function loadRuntime() {
  const result = await build({
    absWorkingDir: path.join(here, ".."),
    entryPoints: ["src/embedded-wasm.ts"],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    logLevel: "error",
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}
const runtime = await loadRuntime();

/** Deterministic bytes that compress the way code does: repeated runs, varied literals. */
function sampleModule(length) {
  const out = new Uint8Array(length);
  let seed = 0x2545f491;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
  for (let i = 0; i < length; ) {
    if (i > 64 && next() % 3 === 0) {
      const from = i - 1 - (next() % Math.min(i, 2048));
      const run = Math.min(3 + (next() % 40), length - i);
      for (let k = 0; k < run; k++, i++) out[i] = out[from + k];
    } else {
      out[i++] = next() & 0xff;
    }
  }
  // A WebAssembly header, so the sample starts like the real thing.
  out.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  return out;
}

const original = sampleModule(24 * 1024);
const embedded = await embedWasm(Buffer.from(original));
/** What the bundle ships for `gzipped` (base64), with the build's length unless changed. */
const shipped = (gzipped, change = {}) => ({
  base64: Buffer.from(gzipped).toString("base64"),
  byteLength: embedded.byteLength,
  ...change,
});
const REFUSED = /^the embedded WebAssembly module is corrupt: (it inflates to|it does not inflate) /;

test("what the build embeds inflates back to the exact bytes", async () => {
  assert.equal(embedded.byteLength, original.length);
  assert.ok(embedded.gzipped.length < original.length * 0.9, `gzipped to ${embedded.gzipped.length} bytes`);
  assert.deepEqual(zlib.gunzipSync(embedded.gzipped), Buffer.from(original), "gzip, as zlib reads it");
  assert.equal(embedded.crc32, zlib.crc32(original) >>> 0);
  assert.deepEqual(await runtime.inflateEmbedded(shipped(embedded.gzipped)), original);
});

test("a module of many slices inflates exactly, and damage in its last slice is still refused", async () => {
  const big = sampleModule(600 * 1024);
  const info = await embedWasm(Buffer.from(big));
  const base64 = info.gzipped.toString("base64");
  assert.ok(base64.length > 8 * 16384, `${base64.length} base64 characters: several slices`);
  assert.deepEqual(await runtime.inflateEmbedded({ ...info, base64 }), big);
  const damaged = Uint8Array.from(info.gzipped);
  damaged[damaged.length - 100] ^= 0x55;
  await assert.rejects(
    runtime.inflateEmbedded({ ...info, base64: Buffer.from(damaged).toString("base64") }),
    /^Error: the embedded WebAssembly module is corrupt: (it inflates to|it does not inflate) /,
  );
});

test("the trailer's CRC-32 and length are checked: bytes that inflate but are not what was built are refused", async () => {
  const trailer = embedded.gzipped.length - 8;
  for (const [at, what] of [
    [trailer, "CRC-32"],
    [trailer + 3, "CRC-32"],
    [trailer + 4, "length"],
  ]) {
    const gzipped = Buffer.from(embedded.gzipped);
    gzipped[at] ^= 0x01;
    await assert.rejects(runtime.inflateEmbedded(shipped(gzipped)), {
      message: /^the embedded WebAssembly module is corrupt: it does not inflate \(.+\)$/,
    }, `a wrong ${what} in the trailer`);
  }
  // Other bytes of the same length behind the built trailer: the stream inflates, its CRC-32
  // is not the trailer's.
  const other = Uint8Array.from(original);
  other[other.length >> 1] ^= 0x01;
  const forged = zlib.gzipSync(other);
  forged.writeUInt32LE(embedded.crc32, forged.length - 8);
  await assert.rejects(runtime.inflateEmbedded(shipped(forged)), { message: /it does not inflate \(.+\)$/ });
});

test("a flipped byte anywhere in the gzipped module is refused, or changes nothing", async () => {
  // A few flips touch only what the inflater does not need (the gzip header's time, extra
  // flags and system; the code length of a symbol the stream never uses) and give back the
  // very same bytes: no harm done.
  // Every other flip must be refused, never handed over as a different module.
  const refusals = new Map();
  let unchanged = 0;
  for (let at = 0; at < embedded.gzipped.length; at++) {
    const gzipped = Uint8Array.from(embedded.gzipped);
    gzipped[at] ^= 0xff;
    let bytes;
    try {
      bytes = await runtime.inflateEmbedded(shipped(gzipped));
    } catch (err) {
      assert.ok(err instanceof Error, `byte ${at}: throws an Error`);
      const reason = REFUSED.exec(err.message)?.[1];
      assert.ok(reason, `byte ${at}: ${err.message}`);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      continue;
    }
    assert.deepEqual(bytes, original, `byte ${at} flipped: accepted, so it must inflate to the same bytes`);
    unchanged++;
  }
  assert.ok(unchanged * 100 < embedded.gzipped.length, `${unchanged} of ${embedded.gzipped.length} flips changed nothing`);
  // Both defences are exercised: the inflater's own errors (a damaged stream, a trailer whose
  // CRC-32 or length does not match) and the build's length.
  assert.ok(refusals.get("it inflates to") > 0, `refusals: ${JSON.stringify([...refusals])}`);
  assert.ok(refusals.get("it does not inflate") > 0, `refusals: ${JSON.stringify([...refusals])}`);
});

test("a truncated module, one that is not base64, or one that inflates to other bytes, is refused with the reason", async () => {
  const corrupt = ({ gzipped = embedded.gzipped, ...change }, reason) =>
    assert.rejects(runtime.inflateEmbedded(shipped(gzipped, change)), {
      name: "Error",
      message: typeof reason === "string" ? `the embedded WebAssembly module is corrupt: ${reason}` : reason,
    });
  await corrupt(
    { gzipped: embedded.gzipped.subarray(0, embedded.gzipped.length - 40) },
    /^the embedded WebAssembly module is corrupt: it does not inflate \(.+\)$/,
  );
  await corrupt({ byteLength: original.length + 1 }, `it inflates to ${original.length} bytes, ${original.length + 1} expected`);
  await corrupt({ byteLength: original.length - 1 }, `it inflates to more than ${original.length - 1} bytes, ${original.length - 1} expected`);
  await corrupt({ base64: `${shipped(embedded.gzipped).base64.slice(0, 100)}*${"A".repeat(99)}` }, "it is not base64");
});
