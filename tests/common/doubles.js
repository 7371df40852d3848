// Test doubles for the parts that cannot exist in these suites: Flex itself and the functions
// server. Shared by tests/node.rs and tests/web.rs.

// A controllable `fetch`: records every request and lets the test answer or fail each one.
export class FetchDouble {
  constructor() {
    this.calls = [];
    this.original = globalThis.fetch;
    globalThis.fetch = (url, init) => this.handle(url, init || {});
  }

  handle(url, init) {
    return new Promise((resolve, reject) => {
      const headers = init.headers || {};
      const call = {
        url: String(url),
        method: init.method || 'GET',
        body: init.body === undefined || init.body === null ? '' : String(init.body),
        bodyIsForm: typeof URLSearchParams !== 'undefined' && init.body instanceof URLSearchParams,
        contentType: headers['Content-Type'] || '',
        signal: init.signal || null,
        settled: false,
        resolve,
        reject,
      };
      if (call.signal) {
        if (call.signal.aborted) {
          call.settled = true;
          reject(new DOMException('The operation was aborted.', 'AbortError'));
        }
        call.signal.onabort = () => {
          if (!call.settled) {
            call.settled = true;
            reject(new DOMException('The operation was aborted.', 'AbortError'));
          }
        };
      }
      this.calls.push(call);
    });
  }

  restore() { globalThis.fetch = this.original; }
  count() { return this.calls.length; }
  pending() { return this.calls.filter((c) => !c.settled).length; }
  url(i) { return this.calls[i].url; }
  method(i) { return this.calls[i].method; }
  contentType(i) { return this.calls[i].contentType; }
  bodyIsForm(i) { return this.calls[i].bodyIsForm; }
  // The decoded form fields, as [[name, value], ...] in order.
  fields(i) { return Array.from(new URLSearchParams(this.calls[i].body).entries()); }
  field(i, name) {
    const v = new URLSearchParams(this.calls[i].body).get(name);
    return v === null ? undefined : v;
  }
  aborted(i) { return !!(this.calls[i].signal && this.calls[i].signal.aborted); }
  respond(i, status, bodyText) {
    const c = this.calls[i];
    if (c.settled) throw new Error('request ' + i + ' already settled');
    c.settled = true;
    c.resolve(new Response(bodyText, { status, headers: { 'Content-Type': 'application/json' } }));
  }
  fail(i) {
    const c = this.calls[i];
    if (c.settled) throw new Error('request ' + i + ' already settled');
    c.settled = true;
    c.reject(new TypeError('Failed to fetch'));
  }
}

// A recording stand-in for the Flex module: `Actions` is the sandbox desk's ActionsManager
// (`actions`, made by tests/common/mod.rs) with a SendMessage that records each invocation
// and refuses it on demand; Notifications records the ids shown.
export class FlexDouble {
  constructor(actions) {
    this.invoked = [];
    this.shown = [];
    this.rejectSendMessage = false;
    actions.registerAction('SendMessage', async (payload) => {
      this.invoked.push({ name: 'SendMessage', payload });
      if (this.rejectSendMessage) throw new Error('SendMessage refused');
    });
    this.flex = {
      Actions: actions,
      Notifications: {
        showNotification: (id) => { this.shown.push(id); },
      },
    };
  }

  object() { return this.flex; }
  setRejectSendMessage(on) { this.rejectSendMessage = on; }
  invokedCount() { return this.invoked.length; }
  invokedName(i) { return this.invoked[i].name; }
  invokedPayload(i) { return this.invoked[i].payload; }
  shownIds() { return this.shown.slice(); }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function keys(obj) {
  return Object.keys(obj);
}

// Counts live event listeners by wrapping EventTarget.prototype.add/removeEventListener.
export function instrumentListeners() {
  if (globalThis.__c2vListeners) return;
  const entries = [];
  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  const capture = (o) => (typeof o === 'boolean' ? o : !!(o && o.capture));
  const find = (t, type, l, c) =>
    entries.findIndex((e) => e[0] === t && e[1] === type && e[2] === l && e[3] === c);
  proto.addEventListener = function (type, listener, options) {
    if (listener && find(this, type, listener, capture(options)) < 0) {
      entries.push([this, type, listener, capture(options)]);
    }
    return add.call(this, type, listener, options);
  };
  proto.removeEventListener = function (type, listener, options) {
    const i = find(this, type, listener, capture(options));
    if (i >= 0) entries.splice(i, 1);
    return remove.call(this, type, listener, options);
  };
  globalThis.__c2vListeners = entries;
}

export function liveListenerCount() {
  return globalThis.__c2vListeners ? globalThis.__c2vListeners.length : -1;
}
