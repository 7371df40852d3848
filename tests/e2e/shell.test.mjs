// The built plugin bundle in headless Chromium, loaded the way Flex loads a plugin:
// a page that provides window.React and window.Twilio.Flex adds the bundle's script.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { crc32, gunzipSync, gzipSync } from "node:zlib";
import { launchChromium, paths, repoRoot, serveDirectory } from "./harness.mjs";
import { BUNDLE_URL_PATH, serveShellPage, serviceConfiguration, shellPage } from "./shell-page.mjs";

const shellPackage = JSON.parse(await readFile(path.join(repoRoot, "pkg-shim/package.json"), "utf8"));

/** A chat task as Flex hands it to TaskCanvas components. */
function chatTask(overrides = {}) {
  return {
    sid: "WR00000000000000000000000000000001",
    taskSid: "WT00000000000000000000000000000001",
    taskStatus: "assigned",
    status: "accepted",
    taskChannelUniqueName: "chat",
    channelType: "web",
    queueName: "Everyone",
    attributes: { channelType: "web", conversationSid: "CH00000000000000000000000000000001", name: "Customer" },
    ...overrides,
  };
}
const conversation = { source: { sid: "CH00000000000000000000000000000001" }, participants: new Map() };

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/**
 * A copy of the built bundle, in a new directory, with its embedded (gzipped) module damaged:
 * `"stream"`, one byte flipped whose flip really changes the module as zlib inflates it;
 * `"content"`, the gzip of other bytes of the same length behind the built trailer (the
 * stream inflates; only the trailer's CRC-32 says it is not the module). Returns the directory.
 */
async function corruptedBundleDir(how) {
  const code = await readFile(paths.bundle, "utf8");
  const literals = [...code.matchAll(/"([A-Za-z0-9+/]{1000,}={0,2})"/g)];
  assert.equal(literals.length, 1, "the bundle holds one embedded module, as base64");
  const [literal, base64] = literals[0];
  const gzipped = Buffer.from(base64, "base64");
  const module = gunzipSync(gzipped);
  assert.ok(WebAssembly.validate(module), "the embedded module gunzips to valid WebAssembly");
  let corrupted;
  if (how === "content") {
    const other = Buffer.from(module);
    other[other.length >> 1] ^= 0x01;
    corrupted = gzipSync(other);
    corrupted.writeUInt32LE(crc32(module) >>> 0, corrupted.length - 8);
  }
  for (let at = gzipped.length >> 1; corrupted === undefined && at < gzipped.length; at++) {
    const copy = Buffer.from(gzipped);
    copy[at] ^= 0xff;
    let changed = true;
    try {
      changed = !gunzipSync(copy).equals(module);
    } catch {
      // zlib refuses it: corrupt.
    }
    if (changed) corrupted = copy;
  }
  assert.ok(corrupted, "found a byte whose flip changes the module");
  const dir = await mkdtemp(path.join(os.tmpdir(), "chat-to-video-corrupt-"));
  const patched = code.replace(literal, `"${corrupted.toString("base64")}"`);
  await writeFile(path.join(dir, path.posix.basename(BUNDLE_URL_PATH)), patched);
  return dir;
}

/** Like `serveShellPage`, with the bundle taken from `dir` instead of the build. */
async function serveShellPageWithBundleFrom(dir, config) {
  const prefix = path.posix.dirname(BUNDLE_URL_PATH);
  const server = await serveDirectory(dir, { prefix, pages: { "/": await shellPage(config) } });
  return { ...server, pageUrl: `${server.url}/` };
}

/** Opens the page with `config`, loads the bundle (or the one in `bundleDir`), and returns what happened. */
async function loadShell(config, { bundleDir } = {}) {
  const server = bundleDir === undefined ? await serveShellPage(config) : await serveShellPageWithBundleFrom(bundleDir, config);
  const context = await browser.newContext();
  const page = await context.newPage();
  const requested = [];
  const errors = [];
  const consoleErrors = [];
  page.on("request", (req) => requested.push(req.url()));
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  await page.goto(server.pageUrl);
  await page.evaluate((src) => window.flexDouble.loadPlugin(src), BUNDLE_URL_PATH);
  const summary = await page.evaluate(() => {
    const r = window.flexRecord;
    return {
      initCalls: r.initCalls,
      initFinished: r.initFinishedAt !== undefined,
      initError: r.initError,
      header: r.header.map(({ element, options }) => ({
        key: element.key,
        sortOrder: options.sortOrder,
        hasIf: typeof options.if === "function",
      })),
      tabs: r.tabs.map(({ element, options }) => ({
        key: element.key,
        isTab: element.type === window.Twilio.Flex.Tab,
        uniqueName: element.props.uniqueName,
        label: element.props.label,
        hasIf: typeof options.if === "function",
      })),
      listeners: r.listeners,
      notifications: r.notifications,
      strings: window.flexDouble.manager.strings,
    };
  });
  return {
    page,
    server,
    summary,
    requested,
    errors,
    consoleErrors,
    async close() {
      await context.close();
      await server.close();
    },
  };
}

/** Init ran once and finished without throwing into Flex, and nothing was registered. */
function assertNothingRegistered(summary, strings, finishedWhy) {
  assert.equal(summary.initCalls.length, 1);
  assert.ok(summary.initFinished, finishedWhy);
  assert.equal(summary.initError, undefined);
  assert.deepEqual(summary.header, []);
  assert.deepEqual(summary.tabs, []);
  assert.deepEqual(summary.listeners, []);
  assert.deepEqual(summary.notifications, []);
  assert.deepEqual(summary.strings, strings);
}

describe("plugin bundle", () => {
  test("calls Twilio.Flex.Plugins.init with the plugin class and fetches no other file", async () => {
    const shell = await loadShell({ serviceConfiguration: serviceConfiguration() });
    try {
      const { summary } = shell;
      assert.equal(summary.initCalls.length, 1, "Plugins.init called once");
      assert.deepEqual(summary.initCalls[0], {
        isClass: true,
        name: "ChatToVideoPlugin",
        uniqueName: shellPackage.name,
        version: shellPackage.version,
      });
      assert.equal(summary.initError, undefined);
      assert.ok(summary.initFinished, "init finished");
      assert.deepEqual(shell.requested, [shell.server.pageUrl, shell.server.url + BUNDLE_URL_PATH]);
      assert.deepEqual(shell.server.requests, ["/", BUNDLE_URL_PATH]);
      assert.deepEqual(shell.errors, []);
    } finally {
      await shell.close();
    }
  });

  test("init registers the header button, the Video Room tab, the listeners, notifications and strings", async () => {
    const shell = await loadShell({
      serviceConfiguration: serviceConfiguration(),
      strings: { TaskHeaderLine: "{{task.defaultFrom}}" },
    });
    try {
      const { summary } = shell;
      assert.deepEqual(summary.header, [{ key: summary.header[0]?.key, sortOrder: 1, hasIf: true }]);
      assert.equal(typeof summary.header[0].key, "string");
      assert.deepEqual(summary.tabs, [
        { key: "VideoRoom", isTab: true, uniqueName: "VideoRoom", label: summary.tabs[0]?.label, hasIf: true },
      ]);
      assert.equal(typeof summary.tabs[0].label, "string");
      assert.ok(summary.tabs[0].label.length > 0, "the tab has a label");
      assert.deepEqual([...summary.listeners].sort(), [
        "afterCompleteTask",
        "afterTransferTask",
        "afterWrapupTask",
        "beforeCompleteTask",
        "beforeWrapupTask",
      ]);
      assert.ok(summary.notifications.length > 0, "notifications registered");
      for (const n of summary.notifications) {
        assert.equal(typeof n.id, "string");
        assert.ok(["information", "success", "warning", "error"].includes(n.type), `notification type ${n.type}`);
      }
      assert.equal(summary.strings.TaskHeaderLine, "{{task.defaultFrom}}", "Flex's own strings are kept");
      const added = Object.keys(summary.strings).filter((k) => k !== "TaskHeaderLine");
      assert.ok(added.length > 0, "the plugin's default strings are added");
      assert.deepEqual(shell.errors, []);
    } finally {
      await shell.close();
    }
  });

  test("strings already set in manager.strings win over the plugin's defaults", async () => {
    const first = await loadShell({ serviceConfiguration: serviceConfiguration() });
    const defaults = first.summary.strings;
    await first.close();
    const key = Object.keys(defaults)[0];
    assert.ok(key, "the plugin has default strings");
    const shell = await loadShell({ serviceConfiguration: serviceConfiguration(), strings: { [key]: "Overridden" } });
    try {
      assert.equal(shell.summary.strings[key], "Overridden");
      assert.deepEqual(Object.keys(shell.summary.strings).sort(), Object.keys(defaults).sort());
    } finally {
      await shell.close();
    }
  });

  test("the button and the tab mount into the page, follow task changes and unmount cleanly", async () => {
    const shell = await loadShell({ serviceConfiguration: serviceConfiguration() });
    try {
      const result = await shell.page.evaluate(
        async ({ task, wrapping, conversation }) => {
          const r = window.flexRecord;
          const button = r.header[0];
          const tab = r.tabs[0];
          const shown = {
            buttonAssigned: button.options.if({ task }),
            buttonWrapping: button.options.if({ task: wrapping }),
            buttonNoTask: button.options.if({}),
            tabNoTask: tab.options.if({}),
          };
          // React 17 runs effects (where the shell mounts) after rendering.
          const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
          const header = window.flexDouble.render(button.element, { task, conversation });
          await settle();
          const buttonDiv = header.container.querySelector("div.chat-to-video-button");
          const buttonChildren = buttonDiv ? buttonDiv.childNodes.length : -1;
          header.rerender({ task: { ...task, attributes: { ...task.attributes, name: "Renamed" } }, conversation });
          await settle();
          header.unmount();
          await settle();
          // Freeing the handle removes what the module mounted from the shell's element.
          const buttonLeft = buttonDiv ? buttonDiv.childNodes.length : -1;

          const room = window.flexDouble.render(tab.element, { task, conversation });
          await settle();
          const section = room.container.querySelector('section[data-unique-name="VideoRoom"]');
          const roomDiv = section && section.querySelector("div.chat-to-video-room");
          const roomChildren = roomDiv ? roomDiv.childNodes.length : -1;
          room.unmount();
          await settle();
          const roomLeft = roomDiv ? roomDiv.childNodes.length : -1;
          return { shown, buttonChildren, roomChildren, buttonLeft, roomLeft, left: document.body.childNodes.length };
        },
        { task: chatTask(), wrapping: chatTask({ taskStatus: "wrapping" }), conversation },
      );
      assert.deepEqual(result.shown, { buttonAssigned: true, buttonWrapping: false, buttonNoTask: false, tabNoTask: false });
      assert.ok(result.buttonChildren > 0, "the module rendered the button into the shell's element");
      assert.ok(result.roomChildren > 0, "the module rendered the room into the tab");
      assert.equal(result.buttonLeft, 0, "unmounting the button freed its handle");
      assert.equal(result.roomLeft, 0, "unmounting the tab freed its handle");
      assert.equal(result.left, 0, "nothing is left in the page after unmounting");
      assert.deepEqual(shell.errors, []);
      assert.deepEqual(shell.consoleErrors, []);
    } finally {
      await shell.close();
    }
  });

  test("wrap-up and completion of a task without a video room are not aborted", async () => {
    const shell = await loadShell({ serviceConfiguration: serviceConfiguration() });
    try {
      const result = await shell.page.evaluate(async (task) => {
        const complete = await window.flexDouble.before("CompleteTask", { task, sid: task.sid });
        const wrapup = await window.flexDouble.before("WrapupTask", { task, sid: task.sid });
        return { complete, wrapup, shown: window.flexRecord.shown };
      }, chatTask());
      assert.deepEqual(result, { complete: false, wrapup: false, shown: [] });
      assert.deepEqual(shell.errors, []);
    } finally {
      await shell.close();
    }
  });

  test("with the feature disabled in custom_data nothing is registered", async () => {
    const strings = { TaskHeaderLine: "{{task.defaultFrom}}" };
    const shell = await loadShell({ serviceConfiguration: serviceConfiguration({ enabled: false }), strings });
    try {
      assertNothingRegistered(shell.summary, strings);
      assert.deepEqual(shell.errors, []);
    } finally {
      await shell.close();
    }
  });

  test("with the functions domain missing from the configuration, it logs why and registers nothing", async () => {
    const strings = { TaskHeaderLine: "{{task.defaultFrom}}" };
    const shell = await loadShell({ serviceConfiguration: serviceConfiguration({ functionsDomain: null }), strings });
    try {
      assertNothingRegistered(shell.summary, strings, "init finishes instead of throwing into Flex");
      assert.equal(shell.consoleErrors.length, 1, `one error logged: ${JSON.stringify(shell.consoleErrors)}`);
      // The module's error code, then its message.
      assert.match(shell.consoleErrors[0], /^\[plugin-chat-to-video\] not started, nothing registered: \w+: \S/);
      assert.deepEqual(shell.errors, []);
    } finally {
      await shell.close();
    }
  });

  for (const [how, said] of [
    ["stream", /the embedded WebAssembly module is corrupt: \S/],
    // Chromium's own gzip inflater checks the trailer: the bundle has no CRC-32 of its own.
    ["content", /the embedded WebAssembly module is corrupt: it does not inflate \(.+\)$/],
  ]) {
    test(`with the embedded module corrupted (${how}), init logs that it is corrupt and registers nothing`, async () => {
      const dir = await corruptedBundleDir(how);
      const strings = { TaskHeaderLine: "{{task.defaultFrom}}" };
      try {
        const shell = await loadShell({ serviceConfiguration: serviceConfiguration(), strings }, { bundleDir: dir });
        try {
          assertNothingRegistered(shell.summary, strings, "init finishes instead of throwing into Flex");
          assert.equal(shell.consoleErrors.length, 1, `one error logged: ${JSON.stringify(shell.consoleErrors)}`);
          assert.match(shell.consoleErrors[0], /^\[plugin-chat-to-video\] not started, nothing registered: /);
          assert.match(shell.consoleErrors[0], said);
          assert.deepEqual(shell.requested, [shell.server.pageUrl, shell.server.url + BUNDLE_URL_PATH]);
          assert.deepEqual(shell.errors, []);
        } finally {
          await shell.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
