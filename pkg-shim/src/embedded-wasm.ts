// The `.wasm` bytes travel inside the bundle deflated (raw DEFLATE, see build.mjs) with
// their length and CRC-32 taken at build time. This expands them synchronously — Flex
// calls `init` synchronously, so the async `DecompressionStream` cannot be used — and
// refuses anything that does not match what was built.
import { inflateSync } from "fflate";

/** What the build embeds: the deflated module and what it must inflate to. */
export interface EmbeddedWasm {
  readonly deflated: Uint8Array;
  readonly byteLength: number;
  readonly crc32: number;
}

const CORRUPT = "the embedded WebAssembly module is corrupt";

/** The module's bytes, or an Error saying how the embedded copy is damaged. */
export function inflateEmbedded({ deflated, byteLength, crc32: expected }: EmbeddedWasm): Uint8Array {
  // One byte of slack: an inflater writing into a fixed buffer stops at its end, so a
  // stream longer than expected shows up as a full buffer instead of passing as exact.
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(deflated, { out: new Uint8Array(byteLength + 1) });
  } catch (err) {
    throw new Error(`${CORRUPT}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (bytes.length !== byteLength) {
    const got = bytes.length > byteLength ? `more than ${byteLength}` : String(bytes.length);
    throw new Error(`${CORRUPT}: it inflates to ${got} bytes, ${byteLength} expected`);
  }
  const actual = crc32(bytes);
  if (actual !== expected) {
    throw new Error(`${CORRUPT}: CRC-32 ${hex(actual)}, ${hex(expected)} expected`);
  }
  return bytes;
}

let table: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC, as zlib and gzip compute it), as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  table ??= makeTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
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
