// The code's TTL bounds how long an unused link can be used to join, not how long a call may
// last: in Chromium, with a 5-second TTL, a joined call goes on (and the agent ends it for
// everyone), while an unused link expires and the agent is offered a new one in place.
import assert from "node:assert/strict";
import { test } from "node:test";
import { canvas, decoding, sessionSandbox, tab } from "./session-fixture.mjs";

const s = sessionSandbox({ VIDEO_CODE_TTL: "5" });

const overReason = (page) => page.locator(`[data-role="over-reason"]`);

test("a call goes on past a short code TTL, and the agent can end it for everyone", async () => {
  const { desk, taskSid, url, customer } = await s.inCall();
  // The code's 5 seconds run out while the call goes on. A link another agent sends after it
  // and nobody uses proves it: once the host has ended that session as expired, this code's
  // 5 seconds are over too, and the host's sweep has looked at both sessions since.
  const other = await s.desk("unused");
  const unusedUrl = await s.sendLink(other, await s.chat(other));
  const unused = await s.customer(unusedUrl);
  await unused.waitForSelector(`[data-role="over-reason"]`, { timeout: 15_000 });
  assert.equal(await overReason(unused).textContent(), "This link has expired. Please ask the agent for a new link.");
  await unused.close();
  await decoding(customer, `[data-role="remote-video"]`);
  await decoding(desk.page, `${tab(taskSid)} [data-role="remote-video"]`);
  // An unused link of the same age would be refused; a page opened on this one is not: a
  // customer joined it.
  const reload = await s.customer(url);
  await reload.waitForSelector(`[data-role="wait-status"]:has-text("is here")`);
  await reload.close();

  await desk.page.click(`${tab(taskSid)} .c2v-end-all`);
  await customer.waitForSelector(`[data-role="end-reason"]:text-is("The video call was ended by the agent.")`);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-status:text-is("This video session has ended. Send a new link to start another.")`);
  assert.equal(await desk.page.isVisible(`${tab(taskSid)} .c2v-join`), false, "no Join where it cannot work");
  assert.equal(await desk.page.isVisible(`${tab(taskSid)} .c2v-new-link`), true);
});

test("an unused link expires; the agent is told so and sends a new one in place", async () => {
  const desk = await s.desk();
  const taskSid = await s.chat(desk);
  const url = await s.sendLink(desk, taskSid);
  const customer = await s.customer(url);
  await customer.waitForSelector(`[data-role="wait-status"]`);
  // Nobody joins within the code's 5 seconds: the host ends the session, the page says so.
  await customer.waitForSelector(`[data-role="over-reason"]`, { timeout: 10_000 });
  assert.equal(await overReason(customer).textContent(), "This link has expired. Please ask the agent for a new link.");
  await desk.page.click(`${canvas(taskSid)} [data-tab="VideoRoom"]`);
  await desk.page.click(`${tab(taskSid)} .c2v-join`);
  await desk.page.waitForSelector(
    `${tab(taskSid)} .c2v-error:text-is("The video link expired before the customer joined. Send a new link to try again.")`,
  );
  assert.equal(await desk.page.isVisible(`${tab(taskSid)} .c2v-join`), false);
  const before = await desk.page.locator(`${canvas(taskSid)} .message[data-has-video="true"]`).count();
  await desk.page.click(`${tab(taskSid)} .c2v-new-link`);
  const fresh = await s.newestInvite(desk, taskSid, before);
  assert.notEqual(fresh, url);
  await desk.page.waitForSelector(`${tab(taskSid)} .c2v-join:not([hidden])`);
});

