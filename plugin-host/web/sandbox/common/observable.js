// What the desk's stores share: components subscribe and re-render on every change.
export class Observable {
  constructor() {
    this.subscribers = new Set();
  }

  /** Calls `fn` after every change; answers the function that stops it. */
  subscribe(fn) {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  changed() {
    for (const fn of [...this.subscribers]) fn();
  }
}
