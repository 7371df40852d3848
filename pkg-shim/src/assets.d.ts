// `<file>.wasm?gzipped` is the module as build.mjs embeds it: gzip (whose trailer holds the
// CRC-32 and length of the original bytes) as base64, with the length. A plain `.wasm` import has no loader.
declare module "*.wasm?gzipped" {
  const embedded: import("./embedded-wasm").EmbeddedWasm;
  export default embedded;
}
