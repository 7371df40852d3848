// What the plugin's module must not export: the customer page's entry points. The customer page
// is a module of its own (cargo feature `customer`, served by the host); if one of its exports
// is in the module embedded in the bundle, the customer page's code came back into the plugin.

/** Exports only the customer page's module has (`#[wasm_bindgen(js_name = ...)]` in src/web/customer). */
export const CUSTOMER_PAGE_EXPORTS = ["mountCustomerPage"];

/** The customer page's exports found in `wasm` (the module's bytes); empty when there are none. */
export function customerPageExports(wasm) {
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
  return exports.filter((name) => CUSTOMER_PAGE_EXPORTS.includes(name));
}
