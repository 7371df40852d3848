// The sandbox agent desktop's Flex runtime and the customer web chat in headless Chromium,
// against a freshly started plugin-host: sign-in, the live task list, Content.add ordering
// and `if`, actions with before/after listeners and abort, SendMessage reaching the web chat,
// notifications. Plugins here are small test plugins handed to Twilio.Flex.Plugins.init.
import assert from "node:assert/strict";
import { access, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { launchChromium, paths, startHost } from "./harness.mjs";

const REQUIRED = [
  "sandbox/desk/index.html",
  "sandbox/chat/index.html",
  "vendor/react.production.min.js",
  "vendor/react-dom.production.min.js",
];

let host;
let browser;
let dataDir;
let contexts = [];
let pageErrors = [];
let seq = 0;

/** A fresh agent identity per test, so tests share one host without seeing each other's tasks. */
const agentName = (label) => `${label}-${process.pid}-${++seq}`;

before(async () => {
  for (const file of REQUIRED) {
    try {
      await access(path.join(paths.site, file));
    } catch {
      throw new Error(`${file} is missing under ${paths.site}: run \`cargo xtask build\` first (or set CHAT_TO_VIDEO_SITE)`);
    }
  }
  dataDir = await mkdtemp(path.join(os.tmpdir(), "c2v-desk-"));
  host = await startHost({ dataDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await host?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const c of contexts) await c.close();
  contexts = [];
  const errors = pageErrors;
  pageErrors = [];
  assert.deepEqual(errors, [], "uncaught errors in the pages");
});

async function newPage() {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  return page;
}

async function call(method, urlPath, { body, token } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(host.url + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Opens the desk (no plugin bundle unless asked) and signs in; resolves once the task list is live. */
async function openDesk(identity, { plugins = "none" } = {}) {
  const page = await newPage();
  await page.goto(`${host.url}/sandbox/desk/index.html?plugins=${encodeURIComponent(plugins)}`);
  await page.fill("#identity", identity);
  await page.click("form[aria-label='Sign in'] button[type=submit]");
  await page.waitForSelector(`[data-connection="live"]`);
  return page;
}

async function startChat(name, agent) {
  const r = await call("POST", "/sandbox/webchat/sessions", { body: { name, agent } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function agentToken(identity) {
  const r = await call("POST", "/sandbox/agents", { body: { identity } });
  assert.equal(r.status, 200);
  return r.body.token;
}

const canvas = (taskSid) => `.task-canvas[data-task-sid="${taskSid}"]`;

/** Hands a plugin class (source text of `class { init(flex, manager) {...} }`) to Plugins.init. */
async function loadTestPlugin(page, classSource) {
  await page.addScriptTag({ content: `Twilio.Flex.Plugins.init(${classSource});` });
}

describe("sign-in", () => {
  test("an empty identity is refused in the page, a too-long one by the server, a good one signs in", async () => {
    const page = await newPage();
    await page.goto(`${host.url}/sandbox/desk/index.html?plugins=none`);
    await page.fill("#identity", "   ");
    await page.click("button[type=submit]");
    assert.equal(await page.textContent("[role=alert]"), "Enter an agent identity.");

    await page.fill("#identity", "x".repeat(200));
    await page.click("button[type=submit]");
    await page.waitForSelector("text=identity must be 1 to 128 printable characters");
    assert.equal(await page.isVisible("#identity"), true, "still on the sign-in form");

    const identity = agentName("signin");
    await page.fill("#identity", identity);
    await page.click("button[type=submit]");
    await page.waitForSelector(`[data-connection="live"]`);
    assert.equal(await page.getAttribute("[data-identity]", "data-identity"), identity);
    const user = await page.evaluate(() => {
      const m = Twilio.Flex.Manager.getInstance();
      return { identity: m.user.identity, token: m.user.token, custom: m.serviceConfiguration.ui_attributes.custom_data };
    });
    assert.equal(user.identity, identity);
    assert.match(user.token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT");
    const origin = new URL(host.url);
    assert.deepEqual(user.custom, {
      serverless_functions_domain: origin.hostname,
      serverless_functions_protocol: "http",
      serverless_functions_port: origin.port,
      features: { chat_to_video_escalation: { enabled: true } },
    });
  });

  test("a desk whose token the sandbox refuses says so instead of showing stale tasks", async () => {
    const page = await newPage();
    await page.goto(`${host.url}/sandbox/desk/index.html?plugins=none`);
    // Sign in with a forged session, as if the sandbox's data had been reset since.
    await page.route("**/sandbox/agents", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ identity: "ghost", token: "forged.token.value" }) }),
    );
    await page.fill("#identity", "ghost");
    await page.click("button[type=submit]");
    await page.waitForSelector(`[data-connection="refused"]`);
    assert.match(await page.textContent(".desk > [role=alert]"), /Invalid or expired agent token/);
  });
});

describe("task list", () => {
  test("tasks appear, change attributes and status live; non-chat tasks have no transcript", async () => {
    const agent = agentName("list");
    const page = await openDesk(agent);
    const token = await page.evaluate(() => Twilio.Flex.Manager.getInstance().user.token);
    assert.equal(await page.locator(".task-item").count(), 0);

    const chat = await startChat("Ada Lovelace", agent);
    const item = page.locator(`.task-item[data-task-sid="${chat.taskSid}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), /Ada Lovelace/);
    assert.equal(await item.getAttribute("data-task-status"), "assigned");
    await page.waitForSelector(`${canvas(chat.taskSid)} [data-tab="Chat"]`);

    const made = await call("POST", "/sandbox/tasks", { body: { agent, channel: "voice", attributes: JSON.stringify({ name: "Phone call" }) } });
    assert.equal(made.status, 201);
    const voice = page.locator(`.task-item[data-task-sid="${made.body.taskSid}"]`);
    await voice.waitFor();
    await voice.click();
    await page.waitForSelector(`${canvas(made.body.taskSid)}:not([hidden]) [data-tab="Details"]`);
    assert.equal(await page.locator(`${canvas(made.body.taskSid)} [data-tab="Chat"]`).count(), 0);

    // An attribute merged server-side (the functions API the plugin uses) shows up live.
    const r = await fetch(`${host.url}/features/chat-to-video-escalation/update-video-state`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Token: token, taskSid: chat.taskSid, state: "connected" }),
    });
    assert.equal(r.status, 200, await r.text());
    await item.click();
    await page.waitForSelector(`${canvas(chat.taskSid)} [data-attribute="videoRoom"]:text-is("connected")`);
    const itask = await page.evaluate((sid) => {
      const t = Twilio.Flex.TaskHelper.getTaskByTaskSid(sid);
      return { taskSid: t.taskSid, sid: t.sid, taskStatus: t.taskStatus, status: t.status, channel: t.taskChannelUniqueName, attributes: t.attributes, conversationSid: t.conversationSid, chat: Twilio.Flex.TaskHelper.isChatBasedTask(t) };
    }, chat.taskSid);
    assert.deepEqual(itask, {
      taskSid: chat.taskSid,
      sid: chat.taskSid,
      taskStatus: "assigned",
      status: "accepted",
      channel: "chat",
      attributes: { ...itask.attributes, videoRoom: "connected", conversationSid: chat.conversationSid, customerName: "Ada Lovelace" },
      conversationSid: chat.conversationSid,
      chat: true,
    });

    // A status change made elsewhere (another tab of the same agent) arrives too.
    const moved = await call("POST", `/sandbox/agents/${agent}/tasks/${chat.taskSid}/status`, { token, body: { assignmentStatus: "wrapping" } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await page.waitForSelector(`.task-item[data-task-sid="${chat.taskSid}"][data-task-status="wrapping"]`);
    assert.equal(await page.evaluate((sid) => Twilio.Flex.TaskHelper.getTaskByTaskSid(sid).status, chat.taskSid), "wrapping");

    // Someone else's chat never shows up here.
    const other = agentName("other");
    await agentToken(other);
    const theirs = await startChat("Not yours", other);
    await page.waitForTimeout(300);
    assert.equal(await page.locator(`.task-item[data-task-sid="${theirs.taskSid}"]`).count(), 0);
  });
});

describe("Content.add", () => {
  test("header and tab fragments render in sortOrder, only where `if` holds, with the task", async () => {
    const agent = agentName("content");
    const page = await openDesk(agent);
    await loadTestPlugin(
      page,
      `class ProbePlugin {
        init(flex) {
          const h = React.createElement;
          const Label = flex.withTaskContext((p) => h("span", { className: "probe", "data-probe": p.name }, p.name + ":" + (p.task ? p.task.taskChannelUniqueName : "none")));
          flex.TaskCanvasHeader.Content.add(h(Label, { key: "late", name: "late" }), { sortOrder: 50 });
          flex.TaskCanvasHeader.Content.add(h(Label, { key: "early", name: "early" }), { sortOrder: 2 });
          flex.TaskCanvasHeader.Content.add(h(Label, { key: "unordered", name: "unordered" }));
          flex.TaskCanvasHeader.Content.add(h(Label, { key: "chat-only", name: "chat-only" }), {
            sortOrder: 10, if: (props) => flex.TaskHelper.isChatBasedTask(props.task) && props.task.taskStatus === "assigned",
          });
          flex.TaskCanvasHeader.Content.add(h(Label, { key: "broken", name: "broken" }), { if: () => { throw new Error("boom"); } });
          flex.TaskCanvasTabs.Content.add(h(flex.Tab, { key: "B", uniqueName: "Second", label: "Second tab" }, h(Label, { name: "tab-b" })), { sortOrder: 20 });
          flex.TaskCanvasTabs.Content.add(h(flex.Tab, { key: "A", uniqueName: "First", label: "First tab" }, h(Label, { name: "tab-a" })), {
            sortOrder: 5, if: (props) => props.task.taskChannelUniqueName === "chat",
          });
        }
      }`,
    );
    await page.waitForSelector(".plugin-status [data-plugin='ProbePlugin'][data-plugin-status='ready']");

    const chat = await startChat("Grace", agent);
    const header = `${canvas(chat.taskSid)} .task-canvas-header .header-start`;
    await page.waitForSelector(`${header} [data-probe="chat-only"]`);
    const order = await page.$$eval(`${header} > *`, (els) => els.map((e) => e.dataset.probe ?? e.className));
    assert.deepEqual(order, ["task-title", "early", "chat-only", "late", "unordered"]);
    assert.equal(await page.textContent(`${header} [data-probe="early"]`), "early:chat");

    const tabs = await page.$$eval(`${canvas(chat.taskSid)} [role=tab]`, (els) => els.map((e) => [e.dataset.tab, e.textContent]));
    assert.deepEqual(tabs, [["Chat", "Chat"], ["First", "First tab"], ["Second", "Second tab"]]);
    await page.click(`${canvas(chat.taskSid)} [data-tab="Second"]`);
    assert.equal(await page.textContent(`${canvas(chat.taskSid)} .tab-content:not([hidden]) [data-probe="tab-b"]`), "tab-b:chat");

    // A non-chat task: no chat-only fragment, no chat-only tab.
    const made = await call("POST", "/sandbox/tasks", { body: { agent, channel: "voice" } });
    await page.click(`.task-item[data-task-sid="${made.body.taskSid}"]`);
    const voiceHeader = `${canvas(made.body.taskSid)} .header-start`;
    await page.waitForSelector(`${voiceHeader} [data-probe="early"]`);
    assert.deepEqual(await page.$$eval(`${voiceHeader} [data-probe]`, (els) => els.map((e) => e.dataset.probe)), ["early", "late", "unordered"]);
    assert.deepEqual(
      await page.$$eval(`${canvas(made.body.taskSid)} [role=tab]`, (els) => els.map((e) => e.dataset.tab)),
      ["Details", "Second"],
    );

    // The fragment with an `if` that depends on status goes away when the task wraps up.
    await page.click(`.task-item[data-task-sid="${chat.taskSid}"]`);
    await page.click(`${canvas(chat.taskSid)} [data-action="WrapupTask"]`);
    await page.waitForSelector(`${canvas(chat.taskSid)} [data-task-status="wrapping"]`);
    assert.equal(await page.locator(`${header} [data-probe="chat-only"]`).count(), 0);

    // Removing by key.
    await page.evaluate(() => Twilio.Flex.TaskCanvasHeader.Content.remove("late"));
    assert.equal(await page.locator(`${header} [data-probe="late"]`).count(), 0);
  });
});

describe("actions", () => {
  test("a before-listener that aborts cancels WrapupTask; removed, the action runs and after-listeners see it", async () => {
    const agent = agentName("actions");
    const page = await openDesk(agent);
    const chat = await startChat("Alan", agent);
    await page.waitForSelector(`${canvas(chat.taskSid)} [data-action="WrapupTask"]:not([disabled])`);
    await loadTestPlugin(
      page,
      `class GuardPlugin {
        init(flex, manager) {
          manager.strings = { ...manager.strings, GuardBlocked: "Task {{sid}} is guarded" };
          flex.Notifications.registerNotification({ id: "GuardBlocked", type: flex.NotificationType.error, content: "GuardBlocked" });
          window.record = { before: [], after: [] };
          window.guard = async (payload, abort) => {
            window.record.before.push(payload.task.taskSid);
            await new Promise((r) => setTimeout(r, 50));
            abort();
            flex.Notifications.showNotification("GuardBlocked", { sid: payload.task.taskSid });
          };
          flex.Actions.addListener("beforeWrapupTask", window.guard);
          flex.Actions.addListener("afterWrapupTask", (payload) => { window.record.after.push([payload.task.taskSid, payload.task.taskStatus]); });
        }
      }`,
    );
    await page.waitForSelector("[data-plugin='GuardPlugin'][data-plugin-status='ready']");

    await page.click(`${canvas(chat.taskSid)} [data-action="WrapupTask"]`);
    const note = page.locator("[data-notification-id='GuardBlocked']");
    await note.waitFor();
    assert.equal(await note.locator(".notification-text").textContent(), `Task ${chat.taskSid} is guarded`);
    assert.equal(await note.getAttribute("role"), "alert");
    const rejected = await page.evaluate((sid) => Twilio.Flex.Actions.invokeAction("WrapupTask", { sid }).then(() => "resolved", (e) => e.message), chat.taskSid);
    assert.equal(rejected, "Action WrapupTask cancelled by before event");
    await page.waitForTimeout(200);
    assert.equal(await page.getAttribute(`.task-item[data-task-sid="${chat.taskSid}"]`, "data-task-status"), "assigned");
    assert.deepEqual(await page.evaluate(() => window.record), { before: [chat.taskSid, chat.taskSid], after: [] });
    const stored = await call("GET", `/sandbox/agents/${agent}/tasks`);
    assert.equal(stored.body.tasks.find((t) => t.taskSid === chat.taskSid).status, "assigned", "the server saw no change");

    await page.evaluate(() => Twilio.Flex.Notifications.dismissNotificationById("GuardBlocked"));
    assert.equal(await note.count(), 0);
    await page.evaluate(() => Twilio.Flex.Actions.removeListener("beforeWrapupTask", window.guard));
    await page.click(`${canvas(chat.taskSid)} [data-action="WrapupTask"]`);
    await page.waitForSelector(`.task-item[data-task-sid="${chat.taskSid}"][data-task-status="wrapping"]`);
    await page.waitForFunction(() => window.record.after.length === 1);
    assert.deepEqual(await page.evaluate(() => window.record.after), [[chat.taskSid, "assigned"]]);

    // CompleteTask through the same dispatcher, with a replacement wrapped around the body.
    await page.evaluate(() => {
      window.replaced = [];
      Twilio.Flex.Actions.replaceAction("CompleteTask", (payload, original) => {
        window.replaced.push(payload.task.taskStatus);
        return original(payload);
      });
    });
    await page.click(`${canvas(chat.taskSid)} [data-action="CompleteTask"]`);
    await page.waitForSelector(`.task-item[data-task-sid="${chat.taskSid}"][data-task-status="completed"]`);
    assert.deepEqual(await page.evaluate(() => window.replaced), ["wrapping"]);

    // An action the sandbox refuses rejects, and the desk says why.
    const refusal = await page.evaluate((sid) => Twilio.Flex.Actions.invokeAction("WrapupTask", { sid }).then(() => "resolved", (e) => e.message), chat.taskSid);
    assert.match(refusal, /only an assigned task can be wrapped up/);
    const unknown = await page.evaluate(() => Twilio.Flex.Actions.invokeAction("NoSuchAction", {}).then(() => "resolved", (e) => e.message));
    assert.equal(unknown, "Action NoSuchAction does not exist");
  });

  test("listener errors are logged, not fatal; async before-listeners are awaited", async () => {
    const agent = agentName("listeners");
    const page = await openDesk(agent);
    const chat = await startChat("Barbara", agent);
    await page.waitForSelector(`.task-item[data-task-sid="${chat.taskSid}"]`);
    const outcome = await page.evaluate(async (sid) => {
      const A = Twilio.Flex.Actions;
      const seen = [];
      const slow = async () => {
        await new Promise((r) => setTimeout(r, 100));
        seen.push("slow-before");
      };
      const throwing = () => {
        throw new Error("listener bug");
      };
      A.addListener("beforeSelectTask", slow);
      A.addListener("beforeSelectTask", throwing);
      A.addListener("afterSelectTask", () => seen.push("after"));
      A.registerAction("Probe", async (p) => p.value * 2);
      const selected = await A.invokeAction("SelectTask", { sid });
      A.removeListener("beforeSelectTask", slow);
      A.removeListener("beforeSelectTask", throwing);
      // "replaceX" listeners wrap the body: inner replacement first registered, outermost last.
      const inner = (p, original) => original({ ...p, value: p.value + 1 });
      const outer = (p, original) => original({ ...p, value: p.value * 10 });
      A.addListener("replaceProbe", inner);
      A.addListener("replaceProbe", outer);
      const probe = await A.invokeAction("Probe", { value: 2 });
      A.removeListener("replaceProbe", outer);
      const probeInnerOnly = await A.invokeAction("Probe", { value: 2 });
      return { seen, selected: selected.taskSid, probe, probeInnerOnly };
    }, chat.taskSid);
    assert.deepEqual(outcome, { seen: ["slow-before", "after"], selected: chat.taskSid, probe: 42, probeInnerOnly: 6 });
  });
});

describe("messages", () => {
  test("SendMessage reaches the web chat live; the invite link is a link only when it is safe", async () => {
    const agent = agentName("send");
    const desk = await openDesk(agent);
    const web = await newPage();
    await web.goto(`${host.url}/sandbox/chat/index.html?agent=${encodeURIComponent(agent)}`);
    assert.equal(await web.inputValue("#agent"), agent);
    await web.waitForSelector(`#agents-hint:has-text("${agent}")`);
    await web.fill("#name", "Katherine");
    await web.click("#start button[type=submit]");
    await web.waitForSelector(`#chat[data-connection="live"]`);

    const taskSid = await desk.locator(".task-item").first().getAttribute("data-task-sid");
    await desk.click(`.task-item[data-task-sid="${taskSid}"]`);
    const transcript = `${canvas(taskSid)} .transcript`;

    // Customer → desk.
    await web.fill("#message", "Hello <b>agent</b>");
    await web.press("#message", "Enter");
    await desk.waitForSelector(`${transcript} .message.from-customer`);
    assert.equal(await desk.textContent(`${transcript} .from-customer .message-body`), "Hello <b>agent</b>");
    assert.equal(await desk.locator(`${transcript} .from-customer b`).count(), 0, "no HTML from message bodies");

    // Desk message box → web chat, through the SendMessage action.
    await desk.evaluate(() => {
      window.sent = [];
      Twilio.Flex.Actions.addListener("afterSendMessage", (p) => window.sent.push(p.body));
    });
    await desk.fill(`${canvas(taskSid)} textarea`, "Hi Katherine");
    await desk.click(`${canvas(taskSid)} .message-input button`);
    await web.waitForSelector("#transcript .message.from-agent");
    assert.equal(await web.textContent("#transcript .from-agent .message-body"), "Hi Katherine");
    // After-listeners run once the desk has the host's answer, which can come after the web
    // chat already shows the message.
    await desk.waitForFunction(() => window.sent.length > 0);
    assert.deepEqual(await desk.evaluate(() => window.sent), ["Hi Katherine"]);

    // A video invite as the plugin sends it: its own origin becomes a link.
    const url = `${host.url}/features/chat-to-video/index.html?code=Ab3dE9x`;
    const sent = await desk.evaluate(
      ({ sid, url }) => {
        const task = Twilio.Flex.TaskHelper.getTaskByTaskSid(sid);
        const conversation = window.sandboxDesk.store.conversationFor(task);
        return Twilio.Flex.Actions.invokeAction("SendMessage", {
          body: `Please join me using this unique video link: ${url}`,
          conversation,
          messageAttributes: { hasVideo: true, videoUrl: url, uniqueCode: "Ab3dE9x" },
        });
      },
      { sid: taskSid, url },
    );
    assert.deepEqual(sent.attributes, { hasVideo: true, videoUrl: url, uniqueCode: "Ab3dE9x" });
    const link = web.locator("#transcript .message[data-has-video] a.video-link");
    await link.waitFor();
    assert.equal(await link.getAttribute("href"), url);
    assert.equal(await link.textContent(), url);
    assert.equal(await web.textContent("#transcript .message[data-has-video] .message-body"), `Please join me using this unique video link: ${url}`);
    await desk.waitForSelector(`${transcript} .message[data-has-video] a.video-link[href="${url}"]`);

    // Unsafe invites stay text: another origin, a javascript: URL, HTML in the URL.
    for (const bad of ["https://evil.example/join", "javascript:alert(1)", `${host.url}/x"><img src=x onerror=alert(1)>`]) {
      await desk.evaluate(
        ({ sid, bad }) => Twilio.Flex.Actions.invokeAction("SendMessage", { conversationSid: Twilio.Flex.TaskHelper.getTaskByTaskSid(sid).conversationSid, body: `Join: ${bad}`, messageAttributes: { hasVideo: true, videoUrl: bad } }),
        { sid: taskSid, bad },
      );
    }
    await web.waitForFunction(() => document.querySelectorAll("#transcript .message[data-has-video]").length === 4);
    const links = await web.$$eval("#transcript a", (as) => as.map((a) => a.getAttribute("href")));
    const sameOrigin = `${host.url}/x%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E`;
    assert.deepEqual(links, [url, sameOrigin], "only same-origin http(s) links, escaped by the URL parser");
    assert.equal(await web.locator("#transcript img").count(), 0);
    assert.match(await web.textContent("#transcript .message:nth-child(4) .message-body"), /^Join: https:\/\/evil\.example\/join$/);

    // A bad SendMessage payload rejects with a reason and sends nothing.
    const bad = await desk.evaluate(() => Twilio.Flex.Actions.invokeAction("SendMessage", { body: "no conversation" }).then(() => "resolved", (e) => e.message));
    assert.match(bad, /needs a conversation/);
  });

  test("the web chat refuses an unknown agent, and ends when the task completes", async () => {
    const agent = agentName("webchat");
    const desk = await openDesk(agent);
    const web = await newPage();
    await web.goto(`${host.url}/sandbox/chat/index.html`);
    await web.fill("#name", "Dorothy");
    await web.fill("#agent", "nobody-at-all");
    await web.click("#start button[type=submit]");
    await web.waitForSelector("#start-error:has-text('No agent named nobody-at-all has signed in')");
    await web.fill("#agent", agent);
    await web.fill("#name", "");
    await web.click("#start button[type=submit]");
    assert.equal(await web.textContent("#start-error"), "Please enter your name.");
    await web.fill("#name", "Dorothy");
    await web.click("#start button[type=submit]");
    await web.waitForSelector(`#chat[data-connection="live"]`);

    const item = desk.locator(".task-item").first();
    await item.waitFor();
    const taskSid = await item.getAttribute("data-task-sid");
    await desk.click(`${canvas(taskSid)} [data-action="CompleteTask"]`);
    await desk.waitForSelector(`.task-item[data-task-sid="${taskSid}"][data-task-status="completed"]`);
    await web.waitForSelector("#chat-status:has-text('The agent has ended this chat.')");
    assert.equal(await web.isDisabled("#message"), true);
  });
});

describe("notifications", () => {
  test("templates fill from the context, close buttons and timeouts dismiss, unknown ids show nothing", async () => {
    const page = await openDesk(agentName("notes"));
    const result = await page.evaluate(() => {
      const { Notifications, NotificationType, Manager } = Twilio.Flex;
      Manager.getInstance().strings.ProbeHello = "Hello {{name}}, {{ count }} new";
      Notifications.registerNotification({ id: "ProbeHello", type: NotificationType.warning, content: "ProbeHello" });
      Notifications.registerNotification({ id: "ProbeLiteral", type: NotificationType.success, content: "Plain text <i>stays</i> text" });
      Notifications.registerNotification({ id: "ProbeBrief", type: NotificationType.information, content: "brief", timeout: 200 });
      let badType = null;
      try {
        Notifications.registerNotification({ id: "Bad", type: "shout", content: "x" });
      } catch (e) {
        badType = e.message;
      }
      const shown = Notifications.showNotification("ProbeHello", { name: "<Ada>", count: 3 });
      Notifications.showNotification("ProbeLiteral");
      Notifications.showNotification("ProbeBrief");
      return { instance: shown && shown.id, unknown: Notifications.showNotification("Nope"), badType, types: { ...NotificationType } };
    });
    assert.deepEqual(result, {
      instance: "ProbeHello",
      unknown: null,
      badType: 'Unknown notification type "shout" for Bad',
      types: { information: "information", success: "success", warning: "warning", error: "error" },
    });
    assert.equal(await page.textContent("[data-notification-id='ProbeHello'] .notification-text"), "Hello <Ada>, 3 new");
    assert.equal(await page.getAttribute("[data-notification-id='ProbeHello']", "class"), "notification notification-warning");
    assert.equal(await page.textContent("[data-notification-id='ProbeLiteral'] .notification-text"), "Plain text <i>stays</i> text");
    assert.equal(await page.locator(".notifications i").count(), 0);
    await page.waitForSelector("[data-notification-id='ProbeBrief']", { state: "detached" });
    await page.click("[data-notification-id='ProbeLiteral'] .notification-close");
    assert.equal(await page.locator("[data-notification-id='ProbeLiteral']").count(), 0);
    assert.equal(await page.evaluate(() => Twilio.Flex.Notifications.isNotificationActive("ProbeHello")), true);
  });

  test("a plugin whose init throws is reported, and the desk keeps working", async () => {
    const agent = agentName("badplugin");
    const page = await openDesk(agent);
    await loadTestPlugin(page, `class BrokenPlugin { init() { throw new Error("cannot start"); } }`);
    await page.waitForSelector("[data-plugin='BrokenPlugin'][data-plugin-status='failed']");
    assert.equal(
      await page.textContent("[data-notification-id='DeskPluginFailed'] .notification-text"),
      "Plugin BrokenPlugin failed to load: cannot start",
    );
    const chat = await startChat("Hedy", agent);
    await page.waitForSelector(`.task-item[data-task-sid="${chat.taskSid}"]`);
  });
});

describe("plugin bundle", () => {
  test("the unmodified built bundle loads through a plain script tag and registers with the runtime", async () => {
    try {
      await access(path.join(paths.site, "plugins/plugin-chat-to-video.js"));
    } catch {
      throw new Error(`plugins/plugin-chat-to-video.js is missing under ${paths.site}: run \`cargo xtask build\``);
    }
    const agent = agentName("bundle");
    const page = await openDesk(agent, { plugins: "/plugins/plugin-chat-to-video.js" });
    await page.waitForSelector(`[data-plugin="plugin-chat-to-video"][data-plugin-status="ready"]`);
    const loaded = await page.evaluate(() => ({
      scripts: [...document.querySelectorAll("script[src]")].map((s) => s.getAttribute("src")),
      notifications: [...Twilio.Flex.Notifications.registeredNotifications.keys()].filter((id) => id.startsWith("ChatToVideo")).sort(),
      guards: ["beforeWrapupTask", "beforeCompleteTask", "afterWrapupTask"].map((e) => Twilio.Flex.Actions.listenerCount(e)),
      strings: typeof Twilio.Flex.Manager.getInstance().strings.PSChatToVideoWrapupBlocked,
    }));
    assert.ok(loaded.scripts.includes("/plugins/plugin-chat-to-video.js"), loaded.scripts.join(", "));
    assert.deepEqual(loaded.notifications, ["ChatToVideoFailedVideoLink", "ChatToVideoWrapupBlocked"]);
    assert.deepEqual(loaded.guards, [1, 1, 1]);
    assert.equal(loaded.strings, "string");

    const chat = await startChat("Radia", agent);
    await page.waitForSelector(`${canvas(chat.taskSid)} .task-canvas-header .c2v-video-button`);
    const made = await call("POST", "/sandbox/tasks", { body: { agent, channel: "voice" } });
    await page.click(`.task-item[data-task-sid="${made.body.taskSid}"]`);
    await page.waitForSelector(`${canvas(made.body.taskSid)}:not([hidden]) .task-canvas-header`);
    assert.equal(await page.locator(`${canvas(made.body.taskSid)} .c2v-video-button`).count(), 0);
    assert.equal(await page.locator(`${canvas(chat.taskSid)} [data-tab="VideoRoom"]`).count(), 0, "no tab before an invite");
  });
});
