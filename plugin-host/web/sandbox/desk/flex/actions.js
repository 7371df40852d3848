// The actions dispatcher: named actions, before/after listeners that may be async and may
// abort, replacements chained around the built-in body. Same ordering and outcomes as
// Flex's ActionsManager: before-listeners all run (their errors are logged, not fatal),
// an abort rejects the invocation, the body's error rejects it, after-listeners run last
// and their errors are logged. The tests' Flex stand-ins (tests/e2e/fixtures/flex-double.js,
// tests/common/doubles.js) are built on this class too.

const PHASES = ["before", "after", "replace"];

export class ActionsManager {
  constructor() {
    this.actions = new Map();
    this.payloadUpdates = new Map();
    this.replaced = new Map();
    this.listeners = new Map();
    this.pending = [];
  }

  registerAction(name, action, payloadUpdate) {
    if (typeof name !== "string" || name === "") throw new TypeError("An action needs a name");
    if (typeof action !== "function") throw new TypeError(`Action ${name} needs a function`);
    this.actions.set(name, action);
    if (typeof payloadUpdate === "function") this.payloadUpdates.set(name, payloadUpdate);
    else this.payloadUpdates.delete(name);
  }

  /** Replaces an action's body; `fn(payload, original)` where `original` runs the previous body. */
  replaceAction(name, fn) {
    if (typeof fn !== "function") throw new TypeError(`replaceAction(${name}) needs a function`);
    const list = this.replaced.get(name) ?? [];
    list.push(fn);
    this.replaced.set(name, list);
  }

  /** `beforeX` / `afterX` listeners; `replaceX` is the same as `replaceAction("X", fn)`. */
  addListener(event, listener) {
    if (typeof listener !== "function") throw new TypeError(`Listener for ${String(event)} must be a function`);
    const replaced = splitEvent(event);
    if (replaced?.phase === "replace") {
      this.replaceAction(replaced.action, listener);
      return this;
    }
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  on(event, listener) {
    return this.addListener(event, listener);
  }

  removeListener(event, listener) {
    const replaced = splitEvent(event);
    const map = replaced?.phase === "replace" ? this.replaced : this.listeners;
    const key = replaced?.phase === "replace" ? replaced.action : event;
    const list = map.get(key);
    if (!list) return this;
    const at = list.lastIndexOf(listener);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) map.delete(key);
    return this;
  }

  removeAllListeners(event) {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  listenerCount(event) {
    return (this.listeners.get(event) ?? []).length;
  }

  /** Invocations of `name` still running, as `{action, payload}`. */
  findPendingActions(name) {
    return this.pending.filter((p) => p.action === name);
  }

  async invokeAction(name, payload = {}) {
    const body = this.actions.get(name);
    if (!body) throw new Error(`Action ${name} does not exist`);
    if (this.pending.some((p) => p.action === name && p.payload === payload)) {
      throw new Error(`Action ${name} is pending`);
    }
    const update = this.payloadUpdates.get(name);
    if (update) payload = update(payload);

    const invocation = { action: name, payload };
    this.pending.push(invocation);
    try {
      let aborted = false;
      const abort = () => {
        aborted = true;
      };
      await this.emit(`before${name}`, payload, abort);
      if (aborted) throw new Error(`Action ${name} cancelled by before event`);

      let result;
      try {
        result = await this.runBody(name, body, payload);
      } catch (err) {
        const message = typeof err === "string" ? err : err?.message ?? String(err);
        const wrapped = new Error(message);
        wrapped.cause = err;
        throw wrapped;
      }

      await this.emit(`after${name}`, payload);
      return result;
    } finally {
      const at = this.pending.indexOf(invocation);
      if (at >= 0) this.pending.splice(at, 1);
    }
  }

  runBody(name, body, payload) {
    const chain = this.replaced.get(name) ?? [];
    // The last replacement runs first; each gets the one before it as `original`.
    const call = (index, p) => (index >= 0 ? chain[index](p, (next) => call(index - 1, next ?? p)) : body(p));
    return call(chain.length - 1, payload);
  }

  /** Runs every listener of `event`; waits for the async ones; logs, never throws. */
  async emit(event, ...args) {
    const list = [...(this.listeners.get(event) ?? [])];
    await Promise.all(
      list.map((listener) => {
        try {
          return Promise.resolve(listener(...args)).catch((err) => console.error(`Error on ${event}:`, err));
        } catch (err) {
          console.error(`Error on ${event}:`, err);
          return undefined;
        }
      }),
    );
  }
}

function splitEvent(event) {
  if (typeof event !== "string") return undefined;
  for (const phase of PHASES) {
    if (event.startsWith(phase) && event.length > phase.length) {
      return { phase, action: event.slice(phase.length) };
    }
  }
  return undefined;
}
