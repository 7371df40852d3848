// The customer page speaks the browser's language: Spanish under a Spanish locale (the wait,
// the call's controls and the post-call rating), English under an English one, with
// `<html lang>` to match.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openAgent, openCustomer, sandboxPerFile, setUpChat, text, waitForRemoteVideo } from "./video-fixture.mjs";

const ctx = sandboxPerFile();

const WORDS = {
  "es-ES": {
    lang: "es",
    waiting: (agent) => `Esperando a que se una ${agent}...`,
    here: (agent) => `${agent} ya está aquí. Únase cuando esté listo.`,
    join: "Unirse a la videollamada",
    call: "Videollamada",
    controls: ["Silenciar", "Apagar cámara", "Compartir pantalla", "Salir"],
    muted: "Activar micrófono",
    ended: "Su llamada ha finalizado",
    send: "Enviar valoración",
    lists: ["Cámara", "Micrófono", "Altavoz"],
    meter: "Nivel del micrófono",
    blur: "Desenfocar fondo",
    blurHint: "Desenfoca lo que hay detrás de usted; la otra persona le ve nítido y la habitación difuminada.",
    stopBlur: "Quitar desenfoque",
    devices: "Dispositivos",
  },
  "en-US": {
    lang: "en",
    waiting: (agent) => `Waiting for ${agent} to join...`,
    here: (agent) => `${agent} is here. Join when you are ready.`,
    join: "Join Video Room",
    call: "Video call",
    controls: ["Mute", "Stop Camera", "Share screen", "Leave"],
    muted: "Unmute",
    ended: "Your call has ended",
    send: "Send feedback",
    lists: ["Camera", "Microphone", "Speaker"],
    meter: "Microphone level",
    blur: "Blur background",
    blurHint: "Blur what is behind you; the other person sees you sharp and the room soft.",
    stopBlur: "Stop blur",
    devices: "Devices",
  },
};

for (const [locale, words] of Object.entries(WORDS)) {
  test(`under a ${locale} browser the customer page speaks ${words.lang}: the wait, the call and the rating`, async () => {
    const chat = await setUpChat(ctx.host, `agent-${words.lang}`);
    const agent = await openAgent(ctx.browser, ctx.host, chat);
    const customer = await openCustomer(ctx.browser, ctx.host, chat.code, undefined, { locale });
    try {
      const page = customer.page;
      await page.waitForSelector(`[data-role="wait-status"]:text-is("${words.waiting(chat.identity)}")`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), words.lang);
      assert.equal(await page.getByRole("button", { name: words.join }).count(), 1);

      await agent.page.click("button.c2v-join");
      await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
      assert.equal(await text(page, '[data-role="wait-status"]'), words.here(chat.identity));
      await page.getByRole("button", { name: words.join }).click();
      await waitForRemoteVideo(page);

      assert.equal(await page.getByRole("region", { name: words.call }).count(), 1);
      for (const name of words.controls) {
        assert.equal(await page.getByRole("button", { name, exact: true }).count(), 1, name);
      }
      await page.getByRole("button", { name: words.controls[0], exact: true }).click();
      await page.getByRole("button", { name: words.muted, exact: true }).waitFor();

      await page.getByRole("button", { name: words.controls[3], exact: true }).click();
      await page.getByRole("heading", { name: words.ended }).waitFor();
      assert.equal(await page.getByRole("button", { name: words.send }).count(), 1);
      assert.deepEqual(customer.errors, []);
    } finally {
      await agent.close();
      await customer.close();
    }
  });
}

for (const [locale, words] of Object.entries(WORDS)) {
  test(`under a ${locale} browser the pre-join screen, the blur toggle and the Devices control speak ${words.lang}`, async () => {
    const chat = await setUpChat(ctx.host, `devices-${words.lang}`);
    const agent = await openAgent(ctx.browser, ctx.host, chat);
    const customer = await openCustomer(ctx.browser, ctx.host, chat.code, undefined, { locale });
    try {
      const page = customer.page;
      // The pre-join screen: its lists by their visible labels, the meter by its name, Join.
      await page.waitForFunction(() => document.querySelector('video[data-role="preview"]')?.videoWidth > 0);
      for (const name of words.lists) {
        assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, `the pre-join ${name} list`);
      }
      assert.equal(await page.getByRole("meter", { name: words.meter, exact: true }).count(), 1, "the microphone meter");
      assert.equal(await page.getByRole("button", { name: words.join, exact: true }).count(), 1);

      await agent.page.click("button.c2v-join");
      await page.waitForFunction(() => document.querySelector('[data-role="join"]')?.disabled === false);
      await page.getByRole("button", { name: words.join, exact: true }).click();
      await waitForRemoteVideo(page);

      // The blur toggle: its label and its tooltip, and its label once on.
      const blur = page.getByRole("button", { name: words.blur, exact: true });
      assert.equal(await blur.count(), 1, "the blur toggle");
      assert.equal(await blur.getAttribute("title"), words.blurHint);
      // The Devices control and the lists it opens.
      const devices = page.getByRole("button", { name: words.devices, exact: true });
      await devices.click();
      const panel = page.getByRole("group", { name: words.devices, exact: true });
      await panel.waitFor();
      for (const name of words.lists) {
        assert.equal(await panel.getByLabel(name, { exact: true }).count(), 1, `the in-call ${name} list`);
      }
      await blur.click();
      await page.getByRole("button", { name: words.stopBlur, exact: true }).waitFor({ timeout: 20_000 });
      assert.equal(await text(page, '[data-role="call-error"]'), "", "blur started");
      assert.deepEqual(customer.errors, []);
    } finally {
      await agent.close();
      await customer.close();
    }
  });
}
