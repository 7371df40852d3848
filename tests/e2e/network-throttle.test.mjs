// The network quality indicator under real traffic shaping, in the sandbox: a call between the
// agent's tab and the customer's page measures good or excellent on an open loopback; a token
// bucket (`tc … tbf`) throttles it and both sides' indicators fall to bad or below average, in
// their words and tooltips; the shaping removed, they rise again.
//
// The shaping is real: the file runs the host and Chromium in a network namespace of its own
// (`unshare -n`), whose loopback nothing else uses, so `tc` can throttle it without touching
// the machine's. Run by hand or by `node --test` over the directory, the file re-executes
// itself inside a new namespace (as root, or with the right to create one); node's test runner
// still reads its results, as the inner process inherits the outer one's output. Without
// `unshare` (util-linux), `ip` or `tc` (iproute2), or the right to use them, the test fails
// and says which is missing.
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { meet, sandboxPerFile, setUpChat, waitFor } from "./video-fixture.mjs";

/** Set in the re-executed process: it is inside the namespace. */
const INSIDE = "CHAT_TO_VIDEO_NETWORK_NAMESPACE";

/** What the namespace needs: the program, and the Debian package that has it. */
const PROGRAMS = [
  ["unshare", "util-linux"],
  ["ip", "iproute2"],
  ["tc", "iproute2"],
];

/**
 * The shaping: 150 kbit/s for everything on the namespace's loopback (both directions of the
 * call share it), a queue of 50 ms beyond which packets are dropped. The sender's bandwidth
 * estimate falls under 200 kbit/s (`bitrate_cap`: at most 2, "below average") and the queue
 * adds round trips of some 500 ms (MOS under 3: 1, "bad"); an open loopback measures 5.
 */
const SHAPING = ["tbf", "rate", "150kbit", "burst", "4kb", "latency", "50ms"];

const MEASURED = /^Network quality: ([1-5]) of 5 \((bad|below average|average|good|excellent)\)$/;

if (process.env[INSIDE] === "1") {
  throttleTests();
} else {
  enterNamespace();
}

/** Whether `program` is an executable on PATH. */
function onPath(program) {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs this file again inside a new network namespace with its loopback up, passing its
 * output through, and exits as it does; or, when that cannot work here, fails a test that
 * says why.
 */
function enterNamespace() {
  const needs = "the network throttling test runs in a network namespace of its own";
  const missing = PROGRAMS.filter(([program]) => !onPath(program));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))];
    test("the network indicator under throttling: unshare, ip and tc are there", () => {
      assert.fail(
        `${needs}, and ${missing.map(([p, pkg]) => `${p} (Debian's ${pkg})`).join(", ")} ` +
          `${missing.length === 1 ? "is" : "are"} not on PATH: apt-get install -y ${packages.join(" ")} ` +
          "(cargo xtask test installs them when run as root)",
      );
    });
    return;
  }
  // The namespace, its loopback and a token bucket on it, tried before the test needs them.
  const probe = spawnSync(
    "unshare",
    ["-n", "sh", "-c", `ip link set lo up && tc qdisc add dev lo root ${SHAPING.join(" ")} && tc qdisc del dev lo root`],
    { encoding: "utf8" },
  );
  if (probe.status !== 0) {
    test("the network indicator under throttling: a network namespace with a shaped loopback", () => {
      assert.fail(
        `${needs}, and creating one with a token bucket on its loopback failed ` +
          `(unshare -n, ip link set lo up, tc qdisc add dev lo root tbf: ${(probe.stderr || probe.error || `exit ${probe.status}`).toString().trim()}); ` +
          "run it as root (or with CAP_SYS_ADMIN and CAP_NET_ADMIN) on a kernel with the tbf qdisc",
      );
    });
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    "unshare",
    ["-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", process.execPath, ...process.execArgv, self],
    { stdio: "inherit", env: { ...process.env, [INSIDE]: "1" } },
  );
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function throttleTests() {
  const ctx = sandboxPerFile();
  const tc = (...args) => promisify(execFile)("tc", args);

  /** The indicator's state: its level, its words, its tooltip and how many bars are filled. */
  const indicator = (page, role) =>
    page.$eval(`[data-role="${role}"]`, (e) => ({
      level: Number(e.dataset.level),
      label: e.getAttribute("aria-label") ?? "",
      title: e.title,
      filled: e.querySelectorAll("[data-on]").length,
    }));

  /** A measured level that the words, the tooltip and the bars all show. */
  const shown = (q) => {
    const words = MEASURED.exec(q.label);
    return Boolean(words) && Number(words[1]) === q.level && q.title === q.label && q.filled === q.level;
  };

  test("the network indicator falls when the connection is throttled and rises again when the throttle is lifted", async (t) => {
    const chat = await setUpChat(ctx.host, "tess");
    const { agent, customer } = await meet(ctx.browser, ctx.host, chat);
    // Each side's tile of the other and its self view: in a two-person call all four measure
    // the one connection.
    const indicators = [
      ["the agent's tile of the customer", agent.page, "remote-quality"],
      ["the agent's self view", agent.page, "local-quality"],
      ["the customer's tile of the agent", customer.page, "remote-quality"],
      ["the customer's self view", customer.page, "local-quality"],
    ];
    const each = (what, timeout, until) =>
      Promise.all(
        indicators.map(([who, page, role], i) =>
          waitFor(
            async () => {
              const q = await indicator(page, role);
              return shown(q) && until(q, i) && q;
            },
            `${who}: ${what}`,
            timeout,
          ),
        ),
      );
    let shaped = false;
    try {
      const open = await each("good or excellent on the open loopback", 20_000, (q) => q.level >= 4);

      await tc("qdisc", "add", "dev", "lo", "root", ...SHAPING);
      shaped = true;
      const throttledAt = Date.now();
      const throttled = await each(
        "below what it was, at most below average, while throttled",
        20_000,
        (q, i) => q.level < open[i].level && q.level <= 2,
      );

      const fell = (Date.now() - throttledAt) / 1000;
      await tc("qdisc", "del", "dev", "lo", "root");
      shaped = false;
      const liftedAt = Date.now();
      // The sender's bandwidth estimate climbs back a few percent a second: "average" again
      // takes some 15 s, excellent some 35 s.
      const lifted = await each(
        "average or better again once the throttle is lifted",
        40_000,
        (q, i) => q.level >= 3 && q.level > throttled[i].level,
      );

      const rose = (Date.now() - liftedAt) / 1000;
      t.diagnostic(`all four fell within ${fell.toFixed(1)} s of the throttle and rose within ${rose.toFixed(1)} s of lifting it`);
      indicators.forEach(([who], i) =>
        t.diagnostic(`${who}: ${open[i].level} open, ${throttled[i].level} throttled, ${lifted[i].level} lifted`),
      );
      assert.deepEqual(agent.errors, []);
      assert.deepEqual(customer.errors, []);
    } finally {
      if (shaped) await tc("qdisc", "del", "dev", "lo", "root");
      await agent.close();
      await customer.close();
    }
  });
}
