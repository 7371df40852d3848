// Dynamic content of a container (`TaskCanvasHeader.Content`, `TaskCanvasTabs.Content`):
// fragments added with `add(element, {sortOrder, if, align})`, removed by key, rendered
// in sortOrder (insertion order on ties, unordered ones last) and only where `if(props)`
// holds. A container's own children take part under the same rules.
import { React } from "../../common/h.js";
import { Observable } from "../../common/observable.js";

export class ContentStore extends Observable {
  constructor(name) {
    super();
    this.name = name;
    this.fragments = [];
    this.removals = [];
    this.seq = 0;
  }

  add(element, options = {}) {
    if (!React.isValidElement(element)) {
      throw new TypeError(`${this.name}.Content.add needs a React element`);
    }
    if (element.key === null || element.key === undefined) {
      console.warn(`${this.name}.Content.add: the element has no key; give every added component a key`);
    }
    const key = element.key ?? `${this.name}-fragment-${this.seq}`;
    if (options.replace) this.removals.push({ key: "*", options: {} });
    this.fragments = this.fragments.filter((f) => f.key !== key);
    this.fragments.push({ key, element, options: { ...options }, seq: this.seq++ });
    this.changed();
  }

  replace(element, options = {}) {
    this.add(element, { ...options, replace: true });
  }

  /** Removes an added fragment, or hides a built-in child with that key (where `if` holds). */
  remove(key, options = {}) {
    const before = this.fragments.length;
    this.fragments = this.fragments.filter((f) => f.key !== key);
    if (this.fragments.length === before) this.removals.push({ key, options: { ...options } });
    this.changed();
  }

  /**
   * The elements to render for `props`: the container's `defaults` (fragments it owns,
   * `{key, element, options}`) and the added ones, filtered by `if` and sorted.
   */
  resolve(props, defaults = []) {
    const removed = (key) =>
      this.removals.some((r) => (r.key === "*" || r.key === key) && holds(r.options.if, props, this.name, key));
    const own = defaults
      .filter((d) => !removed(d.key))
      .map((d, i) => ({ ...d, seq: -defaults.length + i }));
    return [...own, ...this.fragments]
      .filter((f) => holds(f.options.if, props, this.name, f.key))
      .sort((a, b) => order(a) - order(b) || a.seq - b.seq)
      .map((f) => ({
        key: f.key,
        align: f.options.align ?? "start",
        element: f.options.noChildProps ? f.element : React.cloneElement(f.element, { ...childProps(props), key: f.key }),
      }));
  }
}

function order(fragment) {
  const n = fragment.options.sortOrder;
  return typeof n === "number" && Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

function holds(predicate, props, container, key) {
  if (typeof predicate !== "function") return true;
  try {
    return Boolean(predicate(props));
  } catch (err) {
    console.error(`${container}: the "if" of ${String(key)} threw; not rendering it`, err);
    return false;
  }
}

function childProps(props) {
  const out = {};
  for (const name of ["task", "conversation", "manager"]) {
    if (props[name] !== undefined) out[name] = props[name];
  }
  return out;
}
