// The plugin host serving the assembled site, as Flex and the customer's browser fetch it.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { paths, startHost } from "./harness.mjs";

/** GET with exactly these headers; the body as received (no decoding). */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

let host;
let dataDir;
before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "chat-to-video-host-"));
  host = await startHost({ dataDir });
});
after(async () => {
  await host?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test("the host serves the plugin bundle from the site, precompressed when the browser accepts gzip", async () => {
  const bundle = await readFile(paths.bundle);
  const plain = await get(`${host.url}/plugins/plugin-chat-to-video.js`);
  assert.equal(plain.status, 200);
  assert.match(plain.headers["content-type"] ?? "", /javascript/);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.ok(plain.body.equals(bundle), "the served bundle is the built one");

  const gz = await get(`${host.url}/plugins/plugin-chat-to-video.js`, { "accept-encoding": "gzip" });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.ok(gz.body.length < bundle.length, "the gzip copy is smaller");
  assert.ok(gunzipSync(gz.body).equals(bundle));
});

test("the customer page's WebAssembly module is served as application/wasm", async () => {
  const res = await get(`${host.url}/features/chat-to-video/chat_to_video_bg.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "application/wasm");
  assert.ok(WebAssembly.validate(res.body));
});
