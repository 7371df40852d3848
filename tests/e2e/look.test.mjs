// The call's look: the customer page's header (the company's logo and name from BRAND_*, the
// agent's name), the accent colour with the text colour chosen for it, the call's controls as
// icon buttons with visible labels and at least 44 × 44 px on a phone, and the accessibility
// audit (axe-core, WCAG 2.1 AA) on every screen in the light and the dark colour scheme; in the
// agent's tab, Flex's light and dark themes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertAccessible, violations } from "./axe.mjs";
import { openAgent, openCustomer, sandboxPerFile, setUpChat, waitForRemoteVideo } from "./video-fixture.mjs";

const BRAND = { BRAND_NAME: "Owl Shoes", BRAND_LOGO_URL: "/sandbox/common/demo-logo.svg", BRAND_ACCENT_COLOR: "#F2BE5A" };
const ctx = sandboxPerFile(BRAND);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

/** Every visible button (and rating choice) of `page` smaller than 44 × 44 CSS px. */
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("button, .ctv-rating fieldset label")]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ what: e.textContent.trim() || e.outerHTML.slice(0, 60), box: e.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 44 || box.height < 44)
      .map(({ what, box }) => `${what}: ${Math.round(box.width)} × ${Math.round(box.height)}`),
  );
}

test("the customer page on a phone: branded header, 44 px targets and no axe violations on the wait, the call and the rating", async () => {
  const chat = await setUpChat(ctx.host, "hana");
  const agent = await openAgent(ctx.browser, ctx.host, chat);
  const customer = await openCustomer(ctx.browser, ctx.host, chat.code, undefined, PHONE);
  try {
    const page = customer.page;
    await page.waitForSelector(`[data-role="wait-status"]:text-is("Waiting for ${chat.identity} to join...")`);
    await page.getByRole("img", { name: "Owl Shoes" }).waitFor();
    assert.equal(await page.locator('[data-role="agent-name"]').textContent(), `Your agent: ${chat.identity}`);
    // The accent and the text colour the page picked for it (dark text on a light yellow).
    const accent = await page.evaluate(() => {
      const s = getComputedStyle(document.documentElement);
      return [s.getPropertyValue("--ctv-accent").trim(), s.getPropertyValue("--ctv-accent-text").trim()];
    });
    assert.deepEqual(accent, ["#f2be5a", "#000000"]);
    await assertAccessible(page, "the wait");
    assert.deepEqual(await smallTargets(page), []);

    await agent.page.click("button.c2v-join");
    await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
    await page.getByRole("button", { name: "Join Video Room" }).click();
    await waitForRemoteVideo(page);
    const controls = page.getByRole("group", { name: "Call controls" });
    for (const name of ["Mute", "Stop Camera", "Share screen", "Leave"]) {
      const button = controls.getByRole("button", { name, exact: true });
      assert.equal(await button.locator("svg").count(), 1, `${name} has its icon`);
      assert.equal(await button.locator(".ctv-label").textContent(), name, `${name}'s label is visible text`);
    }
    assert.equal(await controls.getByRole("button", { name: "Mute", exact: true }).getAttribute("aria-pressed"), "false");
    const leaveColour = await controls.getByRole("button", { name: "Leave" }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(leaveColour, "rgb(214, 31, 31)", "Leave is in Paste's destructive colour");
    // Remote large, self-view small in a corner of it.
    const [stage, self] = await Promise.all([page.locator(".ctv-call").boundingBox(), page.locator('[data-role="local-video"]').boundingBox()]);
    assert.ok(self.width < stage.width / 2 && self.x > stage.x + stage.width / 2, JSON.stringify({ stage, self }));
    await assertAccessible(page, "the call");
    assert.deepEqual(await smallTargets(page), []);

    await controls.getByRole("button", { name: "Leave" }).click();
    await page.getByRole("heading", { name: "Your call has ended" }).waitFor();
    await assertAccessible(page, "the rating");
    assert.deepEqual(await smallTargets(page), []);
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

for (const isLight of [true, false]) {
  test(`the agent's tab in Flex's ${isLight ? "light" : "dark"} theme: Paste's tokens, 44 px controls, no axe violations`, async () => {
    const chat = await setUpChat(ctx.host, `ivy-${isLight ? "light" : "dark"}`);
    // The company's accent from ui_attributes.custom_data.branding, on Join with dark text.
    const branding = { accent_color: "#F2BE5A" };
    const agent = await openAgent(ctx.browser, ctx.host, chat, undefined, { configuration: { theme: { isLight } }, branding });
    try {
      const page = agent.page;
      const tab = page.locator(".c2v-tab");
      assert.equal(await tab.getAttribute("data-theme"), isLight ? "light" : "dark");
      const join = await page.locator("button.c2v-join").evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
      assert.deepEqual(join, ["rgb(242, 190, 90)", "rgb(0, 0, 0)"]);
      const background = await tab.evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.equal(background, isLight ? "rgb(255, 255, 255)" : "rgb(13, 19, 28)", "Paste's body background");
      assert.deepEqual(await violations(page, { scope: ".c2v-tab" }), [], "before joining");
      await page.click("button.c2v-join");
      await page.waitForSelector('[data-role="local-video"]', { timeout: 15_000 });
      const controls = page.getByRole("group", { name: "Call controls" });
      assert.equal(await controls.getByRole("button", { name: "Mute", exact: true }).locator("svg").count(), 1);
      assert.deepEqual(await violations(page, { scope: ".c2v-tab" }), [], "in the call");
      assert.deepEqual(await smallTargets(page), []);
      assert.deepEqual(agent.errors, []);
    } finally {
      await agent.close();
    }
  });
}
