// The call's look, photographed: the customer page on a phone (the wait with its pre-join
// preview, the agent there and Join ready, the call, the agent's shared screen, the rating) and the agent's Video Room tab
// before Join (its preview and device lists) and in a call and sharing, each in the light and the dark scheme (Flex's theme
// for the tab), into docs/screenshots/look-*.png (the README's pictures). Needs the build
// (`cargo xtask build`); run `npm run screenshots` in tests/e2e.
import path from "node:path";
import { repoRoot } from "./harness.mjs";
import { launchVideoChromium, openAgent, openCustomer, setUpChat, startSandbox, waitForRemoteVideo } from "./video-fixture.mjs";

const OUT = process.env.SCREENSHOTS_DIR ?? path.join(repoRoot, "docs/screenshots");
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const DESK = { viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 };
const shot = (page, name, locator) => (locator ? page.locator(locator) : page).screenshot({ path: path.join(OUT, `look-${name}.png`) });

/** The pre-join preview has decoded a frame. */
const previewPlays = (page) =>
  page.waitForFunction(() => {
    const v = document.querySelector('video[data-role="preview"]');
    return Boolean(v && !v.hidden && v.videoWidth > 0);
  });

const browser = await launchVideoChromium();
const host = await startSandbox({ BRAND_NAME: "Owl Shoes", BRAND_LOGO_URL: "/sandbox/common/demo-logo.svg", BRAND_ACCENT_COLOR: "#0263e0" });
try {
  for (const scheme of ["light", "dark"]) {
    const chat = await setUpChat(host, `alice-${scheme}`);
    const agent = await openAgent(browser, host, chat, undefined, {
      configuration: { theme: { isLight: scheme === "light" } },
      contextOptions: { ...DESK, colorScheme: scheme },
    });
    const customer = await openCustomer(browser, host, chat.code, undefined, { ...PHONE, colorScheme: scheme });
    try {
      const page = customer.page;
      await page.getByRole("img", { name: "Owl Shoes" }).waitFor();
      await page.waitForSelector('[data-role="wait-status"]:text-matches("Waiting for .+ to join")');
      await previewPlays(page);
      await shot(page, `customer-wait-${scheme}`);
      await previewPlays(agent.page);
      await shot(agent.page, `desk-prejoin-${scheme}`, ".c2v-tab");
      await agent.page.click("button.c2v-join");
      await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
      await page.getByRole("meter", { name: "Microphone level" }).waitFor();
      await shot(page, `customer-prejoin-${scheme}`);
      await page.getByRole("button", { name: "Join Video Room" }).click();
      await waitForRemoteVideo(page);
      await waitForRemoteVideo(agent.page);
      await page.getByRole("button", { name: "Mute", exact: true }).click();
      await page.getByRole("button", { name: "Unmute", exact: true }).waitFor();
      // The network quality indicators measured (a level in words, not "not measured yet").
      for (const p of [page, agent.page]) {
        await p.waitForFunction(() => /[1-5] of 5/.test(document.querySelector('[data-role="remote-quality"]')?.getAttribute("aria-label") ?? ""));
      }
      await shot(page, `customer-call-${scheme}`);
      await shot(agent.page, `desk-call-${scheme}`, ".c2v-tab");
      // The agent shares a screen: the customer sees it large, the agent's camera small.
      await agent.page.click('[data-role="screen"]');
      await waitForRemoteVideo(page, "remote-screen");
      await shot(page, `customer-agent-sharing-${scheme}`);
      await shot(agent.page, `desk-sharing-${scheme}`, ".c2v-tab");
      await page.getByRole("button", { name: "Leave", exact: true }).click();
      await page.getByRole("heading", { name: "Your call has ended" }).waitFor();
      await shot(page, `customer-rating-${scheme}`);
    } finally {
      await agent.close();
      await customer.close();
    }
  }
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await host.stop();
}
