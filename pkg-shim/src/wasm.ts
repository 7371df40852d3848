// The WebAssembly module, inlined: Flex's deploy uploads only the bundle, so the
// `.wasm` bytes travel inside it and are instantiated without fetching anything.
import { initSync } from "chat-to-video-wasm";
import wasmBytes from "chat-to-video-wasm/chat_to_video_bg.wasm";

/** Instantiates the module once; later calls are no-ops. */
export function loadWasm(): void {
  initSync({ module: wasmBytes });
}
