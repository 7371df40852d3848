// Bundle entry: hands the plugin class to Flex as soon as the script runs.
//
// The embedded module is imported first so that the bundle begins with it: its base64 and the
// script then compress as two runs of their own instead of sharing deflate's blocks (about
// 800 B less of the gzipped bundle; docs/performance.md, item 14). `wasm.ts` uses it.
import "chat-to-video-wasm/chat_to_video_bg.wasm?gzipped";
import { loadPlugin } from "./flex-plugin";
import { ChatToVideoPlugin } from "./plugin";

loadPlugin(ChatToVideoPlugin);
