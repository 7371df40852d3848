// The WebAssembly module, inlined: Flex's deploy uploads only the bundle, so the `.wasm`
// travels inside it (gzipped at build time, see build.mjs) and is instantiated without
// fetching anything. Inflating (`DecompressionStream`) and compiling (`WebAssembly.compile`)
// both run off the main thread; only linking the compiled module is synchronous, in a task of
// its own.
import { initSync } from "chat-to-video-wasm";
import embedded from "chat-to-video-wasm/chat_to_video_bg.wasm?gzipped";
import { inflateEmbedded } from "./embedded-wasm";
import { yieldToPage } from "./yield";

let loading: Promise<void> | undefined;

/**
 * Inflates, checks, compiles and instantiates the module once; later calls share the same
 * promise. Rejects if the embedded copy is damaged (a damaged copy stays damaged).
 */
export function loadWasm(): Promise<void> {
  loading ??= (async () => {
    const module = await WebAssembly.compile(await inflateEmbedded(embedded));
    await yieldToPage();
    initSync({ module });
    await yieldToPage();
  })();
  return loading;
}
