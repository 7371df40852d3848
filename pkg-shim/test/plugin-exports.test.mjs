// The checks build.mjs runs on the module it embeds, on the built modules (`cargo xtask build`
// makes all three): the customer page's module is refused, the plugin's is not, and the one
// released to Flex holds no sandbox mesh.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CUSTOMER_PAGE_EXPORTS, SANDBOX_MESH_METHODS, customerPageExports, sandboxMeshCalls } from "../plugin-exports.mjs";

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../target/wasm");
const built = (dir) => readFile(path.join(target, dir, "chat_to_video_bg.wasm"));
const glue = (dir) => readFile(path.join(target, dir, "chat_to_video.js"), "utf8");

test("the customer page's module has the exports the plugin's must not", async () => {
  assert.deepEqual(customerPageExports(await built("customer")), CUSTOMER_PAGE_EXPORTS);
});

test("the plugin's module has none of the customer page's exports", async () => {
  assert.deepEqual(customerPageExports(await built("pkg")), []);
});

test("the plugin released to Flex has neither the customer page's exports nor the sandbox's mesh", async () => {
  const release = await built("release");
  assert.deepEqual(customerPageExports(release), []);
  assert.deepEqual(sandboxMeshCalls(await glue("release")), []);
});

test("the sandbox desk's plugin calls every RTCPeerConnection method the check looks for", async () => {
  assert.deepEqual(sandboxMeshCalls(await glue("pkg")), SANDBOX_MESH_METHODS);
});
