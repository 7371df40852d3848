// The `.wasm` bytes travel inside the bundle gzipped (zopfli, see embed-wasm.mjs) and
// base64-encoded, with their length taken at build time. This turns them back into the module's
// bytes without holding Flex's main thread for more than a slice at a time: base64 is decoded a
// slice at a time into the browser's own `DecompressionStream("gzip")`, which inflates off the
// main thread and checks gzip's trailer (the CRC-32 and length of the original bytes), and the
// page gets a turn between slices (Flex awaits the promise `init` returns). Anything that does
// not match what was built is refused.

/** What the build embeds: the gzipped module as base64, and how many bytes it must inflate to. */
export interface EmbeddedWasm {
  readonly base64: string;
  readonly byteLength: number;
}

import { yieldToPage } from "./yield";

const CORRUPT = "the embedded WebAssembly module is corrupt";
/** Base64 characters decoded per slice (a multiple of 4: 12 KiB of bytes, about a millisecond). */
const BASE64_SLICE = 1 << 14;

/** The module's bytes, or a rejection with an Error saying how the embedded copy is damaged. */
export async function inflateEmbedded({ base64, byteLength }: EmbeddedWasm): Promise<Uint8Array<ArrayBuffer>> {
  const inflater = new DecompressionStream("gzip");
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  let notBase64: unknown;
  const feeding = (async () => {
    try {
      // Not even the first slice in the caller's task: Flex's start-up goes on first.
      await yieldToPage();
      for (let at = 0; at < base64.length; at += BASE64_SLICE) {
        let slice: Uint8Array<ArrayBuffer>;
        try {
          slice = fromBase64(base64.slice(at, at + BASE64_SLICE));
        } catch (err) {
          notBase64 = err;
          throw err;
        }
        await writer.write(slice);
        await yieldToPage();
      }
      await writer.close();
    } catch (err) {
      // The reader sees the failure (or has cancelled, having seen enough).
      await writer.abort(err).catch(() => {});
    }
  })();

  const bytes = new Uint8Array(byteLength);
  let filled = 0;
  let over = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // A stream longer than the build's is refused as soon as it overflows, not buffered.
      if (filled + value.length > byteLength) {
        over = true;
        await reader.cancel();
        break;
      }
      bytes.set(value, filled);
      filled += value.length;
    }
  } catch (err) {
    if (notBase64 !== undefined) throw new Error(`${CORRUPT}: it is not base64`);
    // The inflater's refusal: a damaged stream, or a trailer whose CRC-32 or length differs.
    throw new Error(`${CORRUPT}: it does not inflate (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    await feeding;
  }
  if (over || filled !== byteLength) {
    const got = over ? `more than ${byteLength}` : String(filled);
    throw new Error(`${CORRUPT}: it inflates to ${got} bytes, ${byteLength} expected`);
  }
  return bytes;
}

/** The browser's own decoder where it has one (`Uint8Array.fromBase64`), else `atob`. */
function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;
  if (native !== undefined) return native(text);
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
