// String templates as Flex keeps them in `manager.strings`: text with `{{name}}`
// placeholders filled from a context. Results are plain text, rendered as text nodes.

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

export function fillTemplate(source, context = {}) {
  if (typeof source === "function") return String(source(context));
  return String(source).replace(PLACEHOLDER, (_, path) => {
    const value = path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), context);
    return value == null ? "" : String(value);
  });
}

/** A string key of `strings` becomes its template filled with `context`; other text stays as is. */
export function resolveText(strings, keyOrText, context) {
  if (typeof keyOrText !== "string") return "";
  const template = strings && Object.hasOwn(strings, keyOrText) ? strings[keyOrText] : keyOrText;
  return fillTemplate(template, context);
}
