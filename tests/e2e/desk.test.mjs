// The sandbox agent desktop and the customer web chat in headless Chromium, against a
// freshly started plugin-host: sign-in, the live task list, SendMessage reaching the web chat
// and the web chat's own flow.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { agentName, canvas, deskSandbox } from "./desk-fixture.mjs";

const sandbox = deskSandbox();
const { agentToken, call, newPage, openDesk, startChat } = sandbox;

describe("sign-in", () => {
  test("an empty identity is refused in the page, a too-long one by the server, a good one signs in", async () => {
    const page = await newPage();
    await page.goto(`${sandbox.host.url}/sandbox/desk/index.html?plugins=none`);
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
    const origin = new URL(sandbox.host.url);
    assert.deepEqual(user.custom, {
      serverless_functions_domain: origin.hostname,
      serverless_functions_protocol: "http",
      serverless_functions_port: origin.port,
      features: { chat_to_video_escalation: { enabled: true } },
    });
  });

  test("a desk whose token the sandbox refuses says so instead of showing stale tasks", async () => {
    const page = await newPage();
    await page.goto(`${sandbox.host.url}/sandbox/desk/index.html?plugins=none`);
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
    const r = await fetch(`${sandbox.host.url}/features/chat-to-video-escalation/update-video-state`, {
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

    // Someone else's chat never shows up here: a chat of this agent's started after it does,
    // and the desk's task feed is in order.
    const other = agentName("other");
    await agentToken(other);
    const theirs = await startChat("Not yours", other);
    const mine = await startChat("Yours", agent);
    await page.waitForSelector(`.task-item[data-task-sid="${mine.taskSid}"]`);
    assert.equal(await page.locator(`.task-item[data-task-sid="${theirs.taskSid}"]`).count(), 0);
  });
});

describe("messages", () => {
  test("SendMessage reaches the web chat live; the invite link is a link only when it is safe", async () => {
    const agent = agentName("send");
    const desk = await openDesk(agent);
    const web = await newPage();
    await web.goto(`${sandbox.host.url}/sandbox/chat/index.html?agent=${encodeURIComponent(agent)}`);
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
    const url = `${sandbox.host.url}/features/chat-to-video/index.html?code=Ab3dE9x`;
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
    for (const bad of ["https://evil.example/join", "javascript:alert(1)", `${sandbox.host.url}/x"><img src=x onerror=alert(1)>`]) {
      await desk.evaluate(
        ({ sid, bad }) => Twilio.Flex.Actions.invokeAction("SendMessage", { conversationSid: Twilio.Flex.TaskHelper.getTaskByTaskSid(sid).conversationSid, body: `Join: ${bad}`, messageAttributes: { hasVideo: true, videoUrl: bad } }),
        { sid: taskSid, bad },
      );
    }
    await web.waitForFunction(() => document.querySelectorAll("#transcript .message[data-has-video]").length === 4);
    const links = await web.$$eval("#transcript a", (as) => as.map((a) => a.getAttribute("href")));
    const sameOrigin = `${sandbox.host.url}/x%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E`;
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
    await web.goto(`${sandbox.host.url}/sandbox/chat/index.html`);
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
