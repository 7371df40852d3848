// The sandbox agent desktop's Flex runtime in headless Chromium, against a freshly started
// plugin-host: Content.add ordering and `if`, actions with before/after listeners and abort,
// notifications, and the built plugin bundle loading. Plugins here are small test plugins
// handed to Twilio.Flex.Plugins.init, and the real bundle.
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { agentName, canvas, deskSandbox, loadTestPlugin } from "./desk-fixture.mjs";
import { paths } from "./harness.mjs";

const { call, openDesk, startChat } = deskSandbox();

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
    // Both blocked invocations are over (the desk's Actions keeps every running one): nothing
    // of theirs can still change the task.
    await page.waitForFunction(() => Twilio.Flex.Actions.findPendingActions("WrapupTask").length === 0);
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
    assert.deepEqual(loaded.notifications, ["ChatToVideoFailedVideoLink", "ChatToVideoRatingReceived", "ChatToVideoWrapupBlocked"]);
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
