// `h(type, props, ...children)`: React.createElement from the page's React 17 UMD build,
// so the desk is plain JavaScript with no build step.
export const React = window.React;
export const ReactDOM = window.ReactDOM;

if (!React || !ReactDOM) {
  throw new Error("React 17 and ReactDOM 17 must be loaded before the desk (see /vendor/)");
}

export function h(type, props, ...children) {
  return React.createElement(type, props, ...children);
}

/** Re-renders the calling component whenever `source.subscribe` fires; returns `read()`. */
export function useSubscription(source, read) {
  const [, force] = React.useReducer((n) => n + 1, 0);
  React.useEffect(() => source.subscribe(force), [source]);
  return read();
}
