// The agent's call tools in a sandbox room, in headless Chromium with fake camera, microphone
// and screen: the agent shares a screen from the Video Room tab and the customer's page shows
// it as the large picture (the camera small beside it) with frames advancing, and the
// browser's own "stop sharing" ends it; each tile and self view carries a network quality
// indicator in words that falls to "connection lost" when the other side's transport is cut;
// the customer's video pops out into picture-in-picture and back; and the call screen with
// these controls passes the accessibility audit in light and dark.
import assert from "node:assert/strict";
import { test } from "node:test";
import { violations } from "./axe.mjs";
import {
  openAgent,
  openCustomer,
  sandboxPerFile,
  setUpChat,
  text,
  waitFor,
  waitForRemoteVideo,
  meet,
} from "./video-fixture.mjs";

const ctx = sandboxPerFile();

/** Decoded frames of the video with `role` (HTMLVideoElement.getVideoPlaybackQuality). */
const frames = (page, role) =>
  page.$eval(`video[data-role="${role}"]`, (v) => v.getVideoPlaybackQuality().totalVideoFrames);

/** The indicator's state: its level, its words and how many bars are filled. */
const quality = (page, role) =>
  page.$eval(`[data-role="${role}"]`, (e) => ({
    level: e.dataset.level,
    label: e.getAttribute("aria-label"),
    role: e.getAttribute("role"),
    filled: e.querySelectorAll("[data-on]").length,
  }));

const MEASURED = /^Network quality: [1-5] of 5 \((bad|below average|average|good|excellent)\)$/;

test("the agent shares a screen from the tab: the customer sees it large, the camera small, until the browser's own stop", async () => {
  const chat = await setUpChat(ctx.host, "sam");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    const share = agent.page.getByRole("group", { name: "Call controls" }).getByRole("button", { name: "Share screen" });
    assert.equal(await share.getAttribute("aria-pressed"), "false");
    assert.equal(await share.locator("svg").count(), 1);
    await share.click();
    await waitForRemoteVideo(customer.page, "remote-screen");
    const stop = agent.page.locator('[data-role="screen"]');
    assert.equal(await stop.getAttribute("aria-pressed"), "true");
    assert.equal(await text(agent.page, '[data-role="screen"]'), "Stop sharing");
    await customer.page.waitForFunction((name) => document.querySelector('[data-role="announcement"]')?.textContent === `${name} is sharing their screen.`, chat.identity);
    const layout = await customer.page.$eval('[data-role="remote"]', (tile) => {
      const box = (role) => tile.querySelector(`video[data-role="${role}"]`).getBoundingClientRect();
      const screen = tile.querySelector('video[data-role="remote-screen"]');
      return {
        screen: tile.dataset.screen ?? null,
        screenWidth: box("remote-screen").width,
        cameraWidth: box("remote-video").width,
        // The large slot holds the screen track, not the camera's.
        screenTrack: screen.srcObject.getVideoTracks()[0].id,
        cameraTrack: tile.querySelector('video[data-role="remote-video"]').srcObject.getVideoTracks()[0].id,
      };
    });
    assert.equal(layout.screen, "on");
    assert.notEqual(layout.screenTrack, layout.cameraTrack);
    assert.ok(layout.screenWidth > 2 * layout.cameraWidth, `the screen is the large picture: ${JSON.stringify(layout)}`);
    const first = await frames(customer.page, "remote-screen");
    await waitFor(async () => (await frames(customer.page, "remote-screen")) > first + 5, `screen frames advance past ${first}`);
    // The agent sees their own share as a second small preview.
    assert.equal(await agent.page.$eval('video[data-role="local-screen"]', (v) => v.hidden), false);

    // The browser's own "Stop sharing" ends the captured track: the SDK-less page hears `ended`.
    await agent.page.evaluate(() => {
      const screen = window.__capturedTracks.filter((t) => t.kind === "video" && t.readyState === "live").pop();
      screen.dispatchEvent(new Event("ended"));
    });
    await customer.page.waitForFunction(() => document.querySelector('video[data-role="remote-screen"]')?.hidden === true);
    await agent.page.waitForFunction(() => document.querySelector('[data-role="screen"]')?.getAttribute("aria-pressed") === "false");
    assert.equal(await text(agent.page, '[data-role="screen"]'), "Share screen");
    assert.equal(await agent.page.$eval('video[data-role="local-screen"]', (v) => v.hidden), true);
    assert.equal(await customer.page.$eval('[data-role="remote"]', (t) => t.dataset.screen ?? null), null, "the camera is large again");
    assert.deepEqual(agent.errors, []);
    assert.deepEqual(customer.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("every tile and self view shows its network quality in words, and a cut transport shows as connection lost", async () => {
  const chat = await setUpChat(ctx.host, "nia");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    for (const page of [agent.page, customer.page]) {
      for (const role of ["remote-quality", "local-quality"]) {
        const q = await waitFor(async () => {
          const q = await quality(page, role);
          return MEASURED.test(q.label ?? "") && q;
        }, `${role} measured`);
        assert.equal(q.role, "img");
        assert.equal(q.filled, Number(q.level), `${JSON.stringify(q)}: as many bars as the level`);
        assert.equal(await page.$eval(`[data-role="${role}"]`, (e) => e.title), q.label, "the words are the tooltip too");
      }
    }
    // Cut: the customer's transport closes (media stops, signaling stays up).
    await customer.page.evaluate(() => window.__peerConnections.forEach((pc) => pc.close()));
    const cut = await waitFor(
      async () => {
        const q = await quality(agent.page, "remote-quality");
        return q.level === "0" && q;
      },
      "the agent sees the customer's connection lost",
      15_000,
    );
    assert.equal(cut.label, "Connection lost: nothing has been received for a few seconds.");
    assert.equal(cut.filled, 0);
    assert.equal((await quality(agent.page, "local-quality")).level, "0", "the agent's own quality is that of the link");
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

test("the agent pops the customer's video out into picture-in-picture and back", async () => {
  const chat = await setUpChat(ctx.host, "pia");
  const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
  try {
    assert.equal(await agent.page.evaluate(() => document.pictureInPictureEnabled), true);
    assert.equal(await customer.page.locator('[data-role="picture-in-picture"]').count(), 0, "only the agent's tab has it");
    const pip = agent.page.locator('[data-role="remote"] [data-role="picture-in-picture"]');
    assert.equal(await pip.getAttribute("aria-pressed"), "false");
    assert.equal(await pip.textContent(), "Pop out video");
    await pip.click();
    await agent.page.waitForFunction(() => document.pictureInPictureElement === document.querySelector('video[data-role="remote-video"]'));
    await agent.page.waitForFunction(() => document.querySelector('[data-role="picture-in-picture"]').getAttribute("aria-pressed") === "true");
    assert.equal(await pip.textContent(), "Return video");
    await pip.click();
    await agent.page.waitForFunction(() => document.pictureInPictureElement === null);
    await agent.page.waitForFunction(() => document.querySelector('[data-role="picture-in-picture"]').getAttribute("aria-pressed") === "false");
    // Closing the floating window from its own controls shows on the button too.
    await pip.click();
    await agent.page.waitForFunction(() => document.querySelector('[data-role="picture-in-picture"]').getAttribute("aria-pressed") === "true");
    await agent.page.evaluate(() => document.exitPictureInPicture());
    await agent.page.waitForFunction(() => document.querySelector('[data-role="picture-in-picture"]').getAttribute("aria-pressed") === "false");
    assert.equal(await pip.textContent(), "Pop out video");
    assert.deepEqual(agent.errors, []);
  } finally {
    await agent.close();
    await customer.close();
  }
});

for (const isLight of [true, false]) {
  test(`the call screen with sharing, network quality and picture-in-picture passes axe (${isLight ? "light" : "dark"})`, async () => {
    const scheme = isLight ? "light" : "dark";
    const chat = await setUpChat(ctx.host, `axel-${scheme}`);
    const agent = await openAgent(ctx.browser, ctx.host, chat, undefined, { configuration: { theme: { isLight } } });
    const customer = await openCustomer(ctx.browser, ctx.host, chat.code, undefined, { colorScheme: scheme });
    try {
      await agent.page.click("button.c2v-join");
      await customer.page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
      await customer.page.click('[data-role="join"]');
      await waitForRemoteVideo(customer.page);
      await waitForRemoteVideo(agent.page);
      await agent.page.click('[data-role="screen"]');
      await waitForRemoteVideo(customer.page, "remote-screen");
      for (const page of [agent.page, customer.page]) {
        await waitFor(async () => MEASURED.test((await quality(page, "remote-quality")).label ?? ""), "quality measured");
      }
      assert.equal(await agent.page.locator('[data-role="picture-in-picture"]').isVisible(), true);
      assert.deepEqual(await violations(agent.page, { scope: ".c2v-tab" }), [], "the agent's tab");
      assert.deepEqual(await violations(customer.page, { scheme }), [], "the customer's page");
      // The new controls are targets of at least 44 × 44 px like the others.
      const small = await agent.page.$$eval('[data-role="picture-in-picture"], [data-role="screen"]', (bs) =>
        bs.map((b) => b.getBoundingClientRect()).filter((r) => r.width < 44 || r.height < 44).length,
      );
      assert.equal(small, 0);
    } finally {
      await agent.close();
      await customer.close();
    }
  });
}
