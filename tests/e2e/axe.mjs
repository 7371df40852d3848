// An accessibility audit with axe-core (npm), in the page itself: WCAG 2.1 A and AA rules,
// in the light or the dark colour scheme. A test asserts there are no violations.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { paths } from "./harness.mjs";

let source;

/** Violations of WCAG 2.1 A/AA in `page` (within `scope`, a selector, if given) under `scheme`. */
export async function violations(page, { scheme = "light", scope } = {}) {
  source ??= await readFile(path.join(paths.nodeModules, "axe-core/axe.min.js"), "utf8");
  await page.emulateMedia({ colorScheme: scheme });
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ content: source });
  }
  return page.evaluate(async (scope) => {
    const result = await window.axe.run(scope ? document.querySelector(scope) : document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
  }, scope ?? null);
}

/** Fails unless `page` (or `scope`) passes the audit in both colour schemes. */
export async function assertAccessible(page, what, { scope } = {}) {
  for (const scheme of ["light", "dark"]) {
    const found = await violations(page, { scheme, scope });
    assert.deepEqual(found, [], `${what} (${scheme}): ${JSON.stringify(found, null, 2)}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}
