// `element(type, props, ...children)`: a DOM element from the arguments React.createElement
// takes, so one view definition builds either. `data-*` and `aria-*` props become
// attributes, the others are set as properties (`className`, `href`, `dateTime`, ...);
// `key` is React's and is skipped, as are undefined props and null children. Text
// children become text nodes, never HTML.
export function element(type, props, ...children) {
  const el = document.createElement(type);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (name === "key" || value === undefined || value === null) continue;
    if (name.startsWith("data-") || name.startsWith("aria-")) el.setAttribute(name, value);
    else el[name] = value;
  }
  for (const child of children) {
    if (child !== undefined && child !== null && child !== false) el.append(child);
  }
  return el;
}
