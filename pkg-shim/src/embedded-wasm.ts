// The `.wasm` bytes travel inside the bundle deflated (raw DEFLATE, see embed-wasm.mjs) and
// base64-encoded, with their length and CRC-32 taken at build time. This turns them back into
// the module's bytes without holding Flex's main thread for more than a slice at a time: base64
// is decoded a slice at a time into the browser's own `DecompressionStream` (which inflates off
// the main thread), the CRC-32 is taken a slice at a time, and the page gets a turn between
// slices (Flex awaits the promise `init` returns). Anything that does not match what was built
// is refused.

/** What the build embeds: the deflated module as base64, and what it must inflate to. */
export interface EmbeddedWasm {
  readonly base64: string;
  readonly byteLength: number;
  readonly crc32: number;
}

import { yieldToPage } from "./yield";

const CORRUPT = "the embedded WebAssembly module is corrupt";
/** Base64 characters decoded per slice (a multiple of 4: 12 KiB of bytes, about a millisecond). */
const BASE64_SLICE = 1 << 14;
/** Bytes per CRC-32 slice (about a millisecond). */
const CRC_SLICE = 1 << 15;

/** The module's bytes, or a rejection with an Error saying how the embedded copy is damaged. */
export async function inflateEmbedded({ base64, byteLength, crc32: expected }: EmbeddedWasm): Promise<Uint8Array<ArrayBuffer>> {
  const inflater = new DecompressionStream("deflate-raw");
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
    throw new Error(`${CORRUPT}: it does not inflate (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    await feeding;
  }
  if (over || filled !== byteLength) {
    const got = over ? `more than ${byteLength}` : String(filled);
    throw new Error(`${CORRUPT}: it inflates to ${got} bytes, ${byteLength} expected`);
  }
  let crc = CRC_START;
  for (let at = 0; at < bytes.length; at += CRC_SLICE) {
    crc = crc32Update(crc, bytes.subarray(at, at + CRC_SLICE));
    await yieldToPage();
  }
  const actual = crc32Finish(crc);
  if (actual !== expected) {
    throw new Error(`${CORRUPT}: CRC-32 ${hex(actual)}, ${hex(expected)} expected`);
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

let table: Uint32Array | undefined;
const CRC_START = 0xffffffff;

/** CRC-32 (ISO-HDLC, as zlib and gzip compute it), as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  return crc32Finish(crc32Update(CRC_START, bytes));
}

function crc32Update(crc: number, bytes: Uint8Array): number {
  table ??= makeTable();
  for (let i = 0; i < bytes.length; i++) {
    crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
  return crc;
}

function crc32Finish(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
