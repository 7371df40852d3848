// The WebAssembly module, inlined: Flex's deploy uploads only the bundle, so the
// `.wasm` travels inside it (deflated at build time, see build.mjs) and is
// instantiated without fetching anything.
import { initSync } from "chat-to-video-wasm";
import embedded from "chat-to-video-wasm/chat_to_video_bg.wasm?deflated";
import { inflateEmbedded } from "./embedded-wasm";

let loaded = false;

/** Inflates, checks and instantiates the module once; later calls are no-ops. Throws if the embedded copy is damaged. */
export function loadWasm(): void {
  if (loaded) return;
  initSync({ module: inflateEmbedded(embedded) });
  loaded = true;
}
