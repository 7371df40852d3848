// The site `cargo xtask build` assembles for the host: every file the pages and Flex
// load is there, and each has a gzip copy with the same content.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { paths, repoRoot } from "./harness.mjs";

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

test("the site holds the plugin bundle, the customer page's module and the vendored browser SDKs", async () => {
  const site = paths.site;
  const bundle = await readFile(path.join(site, "plugins/plugin-chat-to-video.js"));
  assert.ok(bundle.equals(await readFile(paths.bundle)), "the served bundle is the built one");
  // At the URLs naming the version: with the sandbox's mesh for the sandbox, without for Flex.
  const { name, version } = JSON.parse(await readFile(path.join(repoRoot, "pkg-shim/package.json"), "utf8"));
  const versioned = (flavour) => readFile(path.join(site, `plugins/${name}/${version}/${flavour}bundle.js`));
  assert.ok((await versioned("")).equals(await readFile(paths.bundle)), "the sandbox's release is the desk's bundle");
  const release = await readFile(paths.releaseBundle);
  assert.ok((await versioned("twilio/")).equals(release), "Flex's release is the bundle without the mesh");
  assert.ok(release.length < bundle.length, `the bundle for Flex (${release.length} B) is smaller than the desk's (${bundle.length} B)`);

  const glue = await readFile(path.join(site, "features/chat-to-video/chat_to_video.js"), "utf8");
  assert.ok(/export\s*\{[^}]*\binitSync\b/.test(glue), "the customer page's module is wasm-bindgen web glue");
  const wasm = await readFile(path.join(site, "features/chat-to-video/chat_to_video_bg.wasm"));
  assert.ok(WebAssembly.validate(wasm), "the module is valid WebAssembly");
  // The customer page's own module (cargo feature `customer`): its entry point, none of the plugin's.
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
  assert.ok(exports.includes("mountCustomerPage"), "the customer page's module exports mountCustomerPage");
  const plugin = exports.filter((name) => /^(plugin|pluginerror)_/.test(name));
  assert.deepEqual(plugin, [], "the customer page's module holds none of the plugin's exports");

  const vendor = {
    "vendor/twilio-video.min.js": /^\/\*! twilio-video\.js 2\./,
    "vendor/twilio-sync.min.js": /Twilio\.Sync/,
    "vendor/react.production.min.js": /React v17\./,
    "vendor/react-dom.production.min.js": /React v17\./,
  };
  for (const [file, marker] of Object.entries(vendor)) {
    assert.ok(marker.test(await readFile(path.join(site, file), "utf8")), `${file} is the expected library`);
  }
});

test("every file in the site has a .gz next to it with the same content", async () => {
  const files = await filesUnder(paths.site);
  const plain = files.filter((f) => !f.endsWith(".gz"));
  assert.ok(plain.length >= 7, `expected the site's files, found ${plain.length}`);
  for (const file of plain) {
    const gz = await readFile(`${file}.gz`).catch(() => undefined);
    assert.ok(gz, `${path.relative(paths.site, file)}.gz is missing`);
    assert.ok(gunzipSync(gz).equals(await readFile(file)), `${path.relative(paths.site, file)}.gz differs`);
  }
  const orphans = files.filter((f) => f.endsWith(".gz") && !plain.includes(f.slice(0, -3)));
  assert.deepEqual(orphans, []);
});

test("the plugin bundle as served, gzipped, is within the budget pkg-shim/package.json sets", async () => {
  const shell = JSON.parse(await readFile(path.join(repoRoot, "pkg-shim/package.json"), "utf8"));
  const budget = shell.sizeBudget?.bundleGzipBytes;
  assert.ok(Number.isSafeInteger(budget) && budget > 0, "pkg-shim/package.json sets sizeBudget.bundleGzipBytes");
  const gz = await readFile(path.join(paths.site, "plugins/plugin-chat-to-video.js.gz"));
  assert.ok(gz.length <= budget, `the served bundle is ${gz.length} bytes gzipped, over the budget of ${budget}`);
});
