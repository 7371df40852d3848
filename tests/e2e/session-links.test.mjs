// One video session per task, in Chromium, desk and customer page side by side: the link sent
// again before and during a call, a deliberate new link retiring the old one live, and every way
// the task leaves the agent (Complete without wrap-up, TaskRouter canceling it, the room's empty
// timeout) ending the session for the open customer page; and the page saying why the call
// ended when the session's end arrives after the room's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { canvas, decoding, sessionSandbox, tab } from "./session-fixture.mjs";

const s = sessionSandbox({ SANDBOX_MINUTE_SECS: "0.3", VIDEO_EMPTY_ROOM_TIMEOUT: "1" });

const overReason = (page) => page.locator(`[data-role="over-reason"]`);

test("the button sends the same link before and during a call; a new link retires the old one live", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const first = await s.sendLink(desk, taskSid);
  const again = await s.sendLink(desk, taskSid);
  assert.equal(again, first, "before the call: the same link");

  const waiting = await s.customer(first);
  await s.agentJoins(desk, taskSid);
  await s.customerJoins(waiting);
  await decoding(waiting, `[data-role="remote-video"]`);
  const during = await s.sendLink(desk, taskSid);
  assert.equal(during, first, "during the call: the same link");
  // A page opened on the re-sent link joins the very same call.
  assert.equal(await waiting.isVisible(`[data-role="in-call"]`), true);

  // The agent leaves and sends a deliberate new link: the old one is retired at once.
  const other = await s.customer(first);
  await other.waitForSelector(`[data-role="wait-status"]`);
  await desk.page.click(`${tab(taskSid)} .c2v-leave`);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-new-link:not([hidden])`);
  const before = await desk.page.locator(`${canvas(taskSid)} .message[data-has-video="true"]`).count();
  await desk.page.click(`${tab(taskSid)} .c2v-new-link`);
  const fresh = await s.newestInvite(desk, taskSid, before);
  assert.notEqual(fresh, first);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-notice:text-is("A new link was sent to the customer.")`);
  await other.waitForSelector(`[data-role="over-reason"]`);
  assert.equal(
    await overReason(other).textContent(),
    "This link was replaced by a newer one. Use the latest link in the chat.",
  );
  // The customer who was in the call lands on the post-call page, told why.
  await waiting.waitForSelector(`[data-role="post-call"] [data-role="end-reason"]`);
  assert.match(await waiting.textContent(`[data-role="end-reason"]`), /replaced by a newer one/);
  // The new link works.
  const freshPage = await s.customer(fresh);
  await freshPage.waitForSelector(`[data-role="wait-status"]:text-is("Waiting for ${desk.identity} to join...")`);
});

test("Complete without wrap-up ends the session: the waiting customer is told at once", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const customer = await s.customer(url);
  await customer.waitForSelector(`[data-role="wait-status"]`);
  await desk.page.click(`${canvas(taskSid)} [data-action="CompleteTask"]`);
  await desk.page.waitForSelector(`.task-item[data-task-sid="${taskSid}"][data-task-status="completed"]`);
  await customer.waitForSelector(`[data-role="over-reason"]`);
  assert.equal(await overReason(customer).textContent(), "This video call has ended.");
  const late = await s.customer(url);
  await late.waitForSelector(`[data-role="over-reason"]:text-is("This video call has ended.")`);
});

test("TaskRouter canceling the task ends the session by the host's own sweep", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const customer = await s.customer(url);
  await customer.waitForSelector(`[data-role="wait-status"]`);
  const r = await s.api("POST", `/sandbox/tasks/${taskSid}/timeout`);
  assert.equal(r.body.status, "canceled");
  await customer.waitForSelector(`[data-role="over-reason"]:text-is("This video call has ended.")`, { timeout: 5_000 });
});

test("when the room's empty timeout ends the session, Join offers a new link instead", async () => {
  const { desk, taskSid, url, customer } = await s.inCall();
  await customer.click(`[data-role="leave"]`);
  await desk.page.click(`${tab(taskSid)} .c2v-leave`);
  // Empty for one sandbox minute: the room completes and the host ends the session.
  const again = await s.customer(url);
  await again.waitForSelector(`[data-role="over-reason"]:text-is("This video call has ended because nobody was in it.")`, { timeout: 10_000 });
  await desk.page.click(`${tab(taskSid)} .c2v-join`);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-error:text-is("This video session has ended. Send a new link to start another.")`);
  assert.equal(await desk.page.isVisible(`${tab(taskSid)} .c2v-new-link`), true);
});

test("when the session's end arrives after the room's, the post-call screen updates why the call ended", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const customer = await s.page();
  // The live document's messages to the page are held back on request, as a slow Sync would.
  let holding = false;
  const held = [];
  let toPage;
  await customer.routeWebSocket(/\/sandbox\/documents\/[^/]+\/live/, (ws) => {
    const server = ws.connectToServer();
    const pass = (m) => (m.close ? ws.close(m.close) : ws.send(m));
    server.onMessage((m) => (holding ? held.push(m) : pass(m)));
    server.onClose((code, reason) => {
      const m = { close: { code, reason } };
      return holding ? held.push(m) : pass(m);
    });
    toPage = pass;
  });
  await customer.goto(url);
  await s.agentJoins(desk, taskSid);
  await s.customerJoins(customer);
  holding = true;
  // The agent leaves and wraps up: the session ends (its document first, then the room).
  await desk.page.click(`${tab(taskSid)} .c2v-leave`);
  await desk.page.waitForSelector(`${canvas(taskSid)} [data-attribute="videoRoom"]:text-is("disconnected")`);
  await desk.page.click(`${canvas(taskSid)} [data-action="WrapupTask"]`);
  await customer.waitForSelector(`[data-role="end-reason"]:text-is("The video call was ended by the agent.")`);
  assert.ok(held.length > 0, "the session's end was held back");
  holding = false;
  for (const m of held.splice(0)) toPage(m);
  await customer.waitForSelector(`[data-role="end-reason"]:text-is("This video call has ended.")`);
  assert.equal(await customer.locator(`[data-role="end-reason"]`).count(), 1);
  assert.equal(await customer.isVisible(`[data-role="submit-rating"]`), true, "the rating form stays");
});
