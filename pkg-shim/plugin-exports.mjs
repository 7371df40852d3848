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

// What the bundle released to Flex must not call: the sandbox's WebRTC mesh (cargo feature
// `sandbox`), which only the sandbox host's desk uses. Every method the module calls is a
// function of wasm-bindgen's glue (`arg0.setRemoteDescription(arg1)`); the module's own import
// names say nothing (the build shortens them, xtask/src/imports.rs). In the plugin, only the
// mesh calls these `RTCPeerConnection` methods (the twilio-video SDK makes its own peer
// connections, in its own script).

/**
 * `RTCPeerConnection` methods only the sandbox's mesh calls (it makes offers and answers with
 * `setLocalDescription()` through `Reflect`, so that one is not an import of its own).
 */
export const SANDBOX_MESH_METHODS = ["setRemoteDescription", "addIceCandidate"];

/** The mesh's methods that `js` (the glue, or a bundle holding it) calls; empty when none. */
export function sandboxMeshCalls(js) {
  return SANDBOX_MESH_METHODS.filter((m) => js.includes(`.${m}(`));
}
