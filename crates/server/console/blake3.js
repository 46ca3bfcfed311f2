// BLAKE3 (hash mode, 32-byte output), one-shot, in plain JavaScript.
// Written from the BLAKE3 specification (https://github.com/BLAKE3-team/BLAKE3-specs)
// for the console's "verify here" check; no keyed or derive-key modes, no XOF.

const IV = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const PERM = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;
const BLOCK_LEN = 64;
const CHUNK_LEN = 1024;

// The compression function: 16 words of state out.
function compress(cv, m, counter, blockLen, flags) {
  const s = new Uint32Array(16);
  s.set(cv, 0);
  s[8] = IV[0]; s[9] = IV[1]; s[10] = IV[2]; s[11] = IV[3];
  s[12] = counter >>> 0;
  s[13] = Math.floor(counter / 0x100000000) >>> 0;
  s[14] = blockLen;
  s[15] = flags;
  let w = Uint32Array.from(m);
  const g = (a, b, c, d, x, y) => {
    s[a] = s[a] + s[b] + x;
    s[d] = ((s[d] ^ s[a]) >>> 16) | ((s[d] ^ s[a]) << 16);
    s[c] = s[c] + s[d];
    s[b] = ((s[b] ^ s[c]) >>> 12) | ((s[b] ^ s[c]) << 20);
    s[a] = s[a] + s[b] + y;
    s[d] = ((s[d] ^ s[a]) >>> 8) | ((s[d] ^ s[a]) << 24);
    s[c] = s[c] + s[d];
    s[b] = ((s[b] ^ s[c]) >>> 7) | ((s[b] ^ s[c]) << 25);
  };
  for (let r = 0; r < 7; r++) {
    g(0, 4, 8, 12, w[0], w[1]);
    g(1, 5, 9, 13, w[2], w[3]);
    g(2, 6, 10, 14, w[4], w[5]);
    g(3, 7, 11, 15, w[6], w[7]);
    g(0, 5, 10, 15, w[8], w[9]);
    g(1, 6, 11, 12, w[10], w[11]);
    g(2, 7, 8, 13, w[12], w[13]);
    g(3, 4, 9, 14, w[14], w[15]);
    if (r < 6) {
      const p = new Uint32Array(16);
      for (let i = 0; i < 16; i++) p[i] = w[PERM[i]];
      w = p;
    }
  }
  for (let i = 0; i < 8; i++) {
    s[i] ^= s[i + 8];
    s[i + 8] ^= cv[i];
  }
  return s;
}

// Up to 64 bytes, zero-padded, as 16 little-endian words.
function blockWords(bytes, off, len) {
  const w = new Uint32Array(16);
  for (let i = 0; i < len; i++) w[i >> 2] |= bytes[off + i] << (8 * (i & 3));
  return w;
}

// What a chunk or a parent node leaves before the last compression: as a
// chaining value for the tree, or with ROOT as the hash itself.
function chunkOutput(bytes, off, len, counter) {
  let cv = IV;
  const blocks = Math.max(1, Math.ceil(len / BLOCK_LEN));
  for (let b = 0; b < blocks; b++) {
    const start = off + b * BLOCK_LEN;
    const blen = Math.min(BLOCK_LEN, off + len - start);
    let flags = 0;
    if (b === 0) flags |= CHUNK_START;
    if (b === blocks - 1) {
      flags |= CHUNK_END;
      return { cv, words: blockWords(bytes, start, blen), counter, blen, flags };
    }
    cv = compress(cv, blockWords(bytes, start, blen), counter, blen, flags).subarray(0, 8);
  }
  throw new Error('unreachable');
}

function parentOutput(left, right) {
  const words = new Uint32Array(16);
  words.set(left, 0);
  words.set(right, 8);
  return { cv: IV, words, counter: 0, blen: BLOCK_LEN, flags: PARENT };
}

const chainingValue = (o) => compress(o.cv, o.words, o.counter, o.blen, o.flags).subarray(0, 8);

/** BLAKE3 of `input` (Uint8Array or string, UTF-8), 32 bytes. */
export function blake3(input) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const chunks = Math.max(1, Math.ceil(bytes.length / CHUNK_LEN));
  const stack = [];
  for (let c = 0; c < chunks - 1; c++) {
    let cv = chainingValue(chunkOutput(bytes, c * CHUNK_LEN, CHUNK_LEN, c));
    // Merge completed subtrees: one merge per trailing zero bit of the count.
    let total = c + 1;
    while ((total & 1) === 0) {
      cv = chainingValue(parentOutput(stack.pop(), cv));
      total >>= 1;
    }
    stack.push(cv);
  }
  const lastOff = (chunks - 1) * CHUNK_LEN;
  let out = chunkOutput(bytes, lastOff, bytes.length - lastOff, chunks - 1);
  while (stack.length > 0) out = parentOutput(stack.pop(), chainingValue(out));
  const s = compress(out.cv, out.words, 0, out.blen, out.flags | ROOT);
  const digest = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    digest[4 * i] = s[i] & 0xff;
    digest[4 * i + 1] = (s[i] >>> 8) & 0xff;
    digest[4 * i + 2] = (s[i] >>> 16) & 0xff;
    digest[4 * i + 3] = (s[i] >>> 24) & 0xff;
  }
  return digest;
}

export function toHex(bytes) {
  let h = '';
  for (const b of bytes) h += b.toString(16).padStart(2, '0');
  return h;
}

export function fromHex(hex) {
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})*$/.test(hex)) throw new Error('not lowercase hex: ' + hex);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

export const blake3Hex = (input) => toHex(blake3(input));
