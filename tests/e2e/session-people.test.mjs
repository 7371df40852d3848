// People in a video session, in Chromium, desk and customer page side by side: presence the
// customer can trust (the agent leaving and coming back, by name), the customer leaving and
// coming back for the agent, one customer seat taken over by a second tab with a way back, ten
// wrong codes followed by a valid one, one rating per session, and an accessibility audit of
// every screen in light and dark mode.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { decoding, sessionSandbox, tab } from "./session-fixture.mjs";

const s = sessionSandbox({ CODE_GUESS_BURST: "10", CODE_GUESS_REFILL_SECS: "2" });

const announced = (page, scope = "") => page.locator(`${scope} [data-role="announcement"]`);

test("the customer sees the agent leave and come back, and the agent sees the customer", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk, "Ada");
  const url = await s.sendLink(desk, taskSid);
  const customer = await s.customer(url);
  await customer.waitForSelector(`[data-role="wait-status"]:text-is("Waiting for ${desk.identity} to join...")`);
  await s.agentJoins(desk, taskSid);
  await customer.waitForSelector(`[data-role="wait-status"]:text-is("${desk.identity} is here. Join when you are ready.")`);
  await s.customerJoins(customer);
  // Focus goes to the next sensible control: the call's first control, the agent's Disconnect.
  assert.equal(await customer.evaluate(() => document.activeElement?.dataset.role), "mute");
  assert.equal(await desk.page.evaluate(() => document.activeElement?.className), "c2v-leave");
  await decoding(customer, `[data-role="remote-video"]`);
  // Names, not identities, on both sides.
  assert.equal(await customer.textContent(`[data-role="remote"] .ctv-identity`), desk.identity);
  await desk.page.waitForSelector(`${tab(taskSid)} [data-role="remote"] .ctv-identity:text-is("Ada")`);

  await desk.page.click(`${tab(taskSid)} .c2v-leave`);
  await desk.page.waitForFunction(() => document.activeElement?.className === "c2v-join");
  await customer.waitForSelector(`[data-role="announcement"]:text-is("${desk.identity} left the call.")`);
  assert.equal(await customer.textContent(`[data-role="waiting-for-others"]`), `${desk.identity} left the call.`);
  await desk.page.click(`${tab(taskSid)} .c2v-join`);
  await customer.waitForSelector(`[data-role="announcement"]:text-is("${desk.identity} is back in the call.")`);
  await decoding(customer, `[data-role="remote-video"]`);

  // What the agent does is said to the customer; what the customer does, to the agent.
  await desk.page.click(`${tab(taskSid)} [data-role="mute"]`);
  await customer.waitForSelector(`[data-role="announcement"]:text-is("${desk.identity} muted their microphone.")`);
  await customer.click(`[data-role="leave"]`);
  await customer.waitForFunction(() => document.activeElement?.tagName === "H2");
  await announced(desk.page, tab(taskSid)).filter({ hasText: "Ada left the call." }).waitFor();
  const back = await s.customer(url);
  await s.customerJoins(back);
  await announced(desk.page, tab(taskSid)).filter({ hasText: "Ada is back in the call." }).waitFor();
});

test("a second tab takes the customer's seat; the first says so and can take it back", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const context = await s.context();
  const first = await s.customer(url, context);
  await s.agentJoins(desk, taskSid);
  await s.customerJoins(first);
  const second = await s.customer(url, context);
  await s.customerJoins(second);
  await first.waitForSelector(`[data-role="seat-taken-reason"]:text-is("You joined from another tab or device.")`);
  await decoding(second, `[data-role="remote-video"]`);
  // The agent sees one customer, never a crowd of identities.
  await desk.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, `${tab(taskSid)} [data-role="remote"]`);
  await assertAccessible(first, "the customer page, seat taken over");

  await first.click(`[data-role="rejoin"]`);
  await first.waitForSelector(`[data-role="in-call"]`);
  await second.waitForSelector(`[data-role="seat-taken-reason"]`);
  await decoding(first, `[data-role="remote-video"]`);
  assert.equal(await desk.page.locator(`${tab(taskSid)} [data-role="remote"]`).count(), 1);
});

test("ten wrong codes, then a valid one: the valid code works; more wrong ones say when to retry", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const page = await s.customer(`${s.host.url}/features/chat-to-video/index.html`);
  const tryCode = async (code) => {
    await page.fill("#ctv-code", code);
    await page.click(`[data-role="enter-code"] button[type=submit]`);
  };
  for (let i = 0; i < 10; i++) {
    await tryCode(`Wrong${String(i).padStart(2, "0")}`);
    await page.waitForSelector(`[data-role="code-error"]:has-text("not valid or has expired")`);
  }
  await assertAccessible(page, "the customer page, code refused");
  await tryCode("Wrong10");
  await page.waitForSelector(`[data-role="code-error"]:has-text("Too many attempts. Try again in")`);
  assert.match(await page.textContent(`[data-role="code-error"]`), /^Too many attempts\. Try again in \d+ seconds?\.$/);
  await tryCode(new URL(url).searchParams.get("code"));
  await page.waitForSelector(`[data-role="wait-status"]`);
  await assertAccessible(page, "the customer page, waiting");
});

test("one rating per session: a replayed ticket and a second tab are refused, clearly", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const context = await s.context();
  const customer = await s.customer(url, context);
  const tickets = [];
  customer.on("response", async (res) => {
    if (res.url().endsWith("/client-get-video-token") && res.status() === 200) {
      tickets.push((await res.json()).feedback_ticket);
    }
  });
  await s.agentJoins(desk, taskSid);
  await assertAccessible(desk.page, "the tab, in the call", { scope: tab(taskSid) });
  await s.customerJoins(customer);
  await assertAccessible(customer, "the customer page, in the call");
  await customer.click(`[data-role="leave"]`);
  await customer.waitForSelector(`[data-role="post-call"]`);
  await assertAccessible(customer, "the customer page, post-call");
  await customer.check("#ctv-rating-4");
  await customer.click(`[data-role="submit-rating"]`);
  await customer.waitForSelector(`[data-role="rating-status"]:text-is("Thank you for your feedback.")`);
  await assertAccessible(customer, "the customer page, rated");

  const replay = await fetch(`${s.host.url}/features/chat-to-video-escalation/submit-rating`, {
    method: "POST",
    body: new URLSearchParams({ ticket: tickets[0], rating: "1" }),
  });
  assert.equal(replay.status, 409);
  assert.deepEqual(await replay.json(), { error: "This call has already been rated." });
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-rating-score:text-is("Customer rating: 4/5")`);

  // Wrap-up: the tab stays, as a summary with the rating.
  await desk.page.click(`${tab(taskSid)} .c2v-leave`);
  await desk.page.click(`.task-canvas[data-task-sid="${taskSid}"] [data-action="WrapupTask"]`);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-tab[data-mode="summary"]`);
  assert.equal(await desk.page.textContent(`${tab(taskSid)} .c2v-rating-score`), "Customer rating: 4/5");
  await assertAccessible(desk.page, "the tab, wrapping", { scope: tab(taskSid) });
});

test("every other screen passes the accessibility audit in light and dark mode", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  await desk.page.click(`.task-canvas[data-task-sid="${taskSid}"] [data-tab="VideoRoom"]`);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-join`);
  await assertAccessible(desk.page, "the tab, before joining", { scope: tab(taskSid) });
  const entry = await s.customer(`${s.host.url}/features/chat-to-video/index.html`);
  await entry.waitForSelector(`[data-role="enter-code"]`);
  await assertAccessible(entry, "the customer page, asking for a code");
  const invalid = await s.customer(`${s.host.url}/features/chat-to-video/index.html?code=Nothere`);
  await invalid.waitForSelector(`[data-role="code-error"]:not(:empty)`);
  await assertAccessible(invalid, "the customer page, invalid link");
  await desk.page.click(`.task-canvas[data-task-sid="${taskSid}"] [data-action="CompleteTask"]`);
  const over = await s.customer(url);
  await over.waitForSelector(`[data-role="over-reason"]`);
  await assertAccessible(over, "the customer page, session over");
});
