// `<file>.wasm?deflated` is the module as build.mjs embeds it: raw DEFLATE as base64, with
// the length and CRC-32 of the original bytes. A plain `.wasm` import has no loader.
declare module "*.wasm?deflated" {
  const embedded: import("./embedded-wasm").EmbeddedWasm;
  export default embedded;
}
