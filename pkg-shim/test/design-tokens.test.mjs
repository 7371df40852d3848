// The look's values are Paste's: the generated tokens (the customer page's tokens.css and the
// stylesheet's src/web/tokens.rs) are exactly what the pinned @twilio-paste/design-tokens gives.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { OUTPUTS, USED } from "../design-tokens.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("the design tokens and icons packages are pinned to one version", async () => {
  const pkg = JSON.parse(await readFile(path.join(repo, "package.json"), "utf8"));
  for (const name of ["@twilio-paste/design-tokens", "@twilio-paste/icons"]) {
    assert.match(pkg.devDependencies[name], /^\d+\.\d+\.\d+$/, name);
  }
});

test("the generated token files are what the package gives (node pkg-shim/design-tokens.mjs)", async () => {
  for (const { file, make } of OUTPUTS) {
    assert.equal(await readFile(file, "utf8"), await make(), path.relative(repo, file));
  }
});

test("every token the stylesheets use is generated, and every generated one is used", async () => {
  const sheets = [
    await readFile(path.join(repo, "plugin-host/web/features/chat-to-video/customer.css"), "utf8"),
    await readFile(path.join(repo, "src/web/style.rs"), "utf8"),
  ].join("\n");
  const kebab = (n) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/(\D)(\d)/g, "$1-$2");
  const generated = new Set(USED.map((n) => `--paste-${kebab(n)}`));
  const used = new Set(sheets.match(/--paste-[a-z0-9-]+/g));
  for (const name of used) assert.ok(generated.has(name), `${name} is used but not generated`);
  for (const name of generated) assert.ok(used.has(name), `${name} is generated but never used`);
});

test("the stylesheet inside Flex carries only the tokens it uses, dark ones only where they differ", async () => {
  const { LIGHT, DARK } = Object.fromEntries(
    [...(await readFile(path.join(repo, "src/web/tokens.rs"), "utf8")).matchAll(/pub const (\w+): &str = "\\\n([^"]*)";/g)].map(
      ([, name, body]) => [name, new Map(body.split(";\\\n").filter(Boolean).map((d) => d.split(/:(.*)/s).slice(0, 2)))],
    ),
  );
  const css = await readFile(path.join(repo, "src/web/style.rs"), "utf8");
  const used = new Set(css.match(/--paste-[a-z0-9-]+/g));
  assert.deepEqual([...LIGHT.keys()].sort(), [...used].filter((n) => n.length > "--paste-".length).sort());
  assert.ok(DARK.size > 0);
  for (const [name, value] of DARK) {
    assert.ok(LIGHT.has(name), `${name} is dark only`);
    assert.notEqual(value, LIGHT.get(name), `${name} is the same in both themes`);
  }
});
