// The check build.mjs runs on the module it embeds, on the two built modules (`cargo xtask
// build` makes both): the customer page's module is refused, the plugin's is not.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CUSTOMER_PAGE_EXPORTS, customerPageExports } from "../plugin-exports.mjs";

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../target/wasm");
const built = (dir) => readFile(path.join(target, dir, "chat_to_video_bg.wasm"));

test("the customer page's module has the exports the plugin's must not", async () => {
  assert.deepEqual(customerPageExports(await built("customer")), CUSTOMER_PAGE_EXPORTS);
});

test("the plugin's module has none of the customer page's exports", async () => {
  assert.deepEqual(customerPageExports(await built("pkg")), []);
});
