// A live WebSocket to the sandbox: authenticates with its first message, hands every event
// to `onEvent`, and reconnects with backoff (the server sends a fresh snapshot each time)
// unless the server refused the token.

const REFUSED = new Set([4401, 4403, 4404]);

export function wsUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export class LiveSocket {
  constructor(path, token, { onEvent, onStatus = () => {} }) {
    this.path = path;
    this.token = token;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.delay = 250;
    this.closed = false;
    this.socket = null;
    this.timer = null;
  }

  start() {
    if (this.closed) return;
    this.onStatus("connecting");
    const socket = new WebSocket(wsUrl(this.path));
    this.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "auth", token: this.token }));
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        console.error(`live ${this.path}: not JSON`, event.data);
        return;
      }
      if (data.type === "ready") {
        this.delay = 250;
        this.onStatus("live");
      }
      this.onEvent(data);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      if (REFUSED.has(event.code)) {
        this.closed = true;
        this.onStatus("refused", event.reason || "The server refused this connection.");
        return;
      }
      this.onStatus("reconnecting");
      this.timer = setTimeout(() => this.start(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    });
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, "closed");
  }
}
