/**
 * PNG encoding as Brayns writes it: stb_image_write's own encoder (Brayns' PngCodec ->
 * StbiHelper::encodePng -> stbi_write_png_to_func). Reproduced because Brayns' own test suite
 * compares snapshot files by length, and libpng/zlib output is far from stb's: stb picks each
 * row's filter by the smallest sum of |signed byte| over the five filters, then compresses with a
 * single fixed-Huffman deflate block, a 16384-bucket hash of 3-byte prefixes keeping at most
 * 2 * quality (quality 8) candidates per bucket, and one-step lazy matching
 * (nothings/stb stb_image_write.h: stbi_write_png_to_mem, stbiw__encode_png_line, stbi_zlib_compress).
 */

import { pngChunk } from '@render-recipes/protocol';

const QUALITY = 8;
const ZHASH = 16384;
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258, 259];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577, 32768];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

function bitrev(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = (r << 1) | (code & 1);
    code >>= 1;
  }
  return r;
}

/** Fixed Huffman codes (RFC 1951 3.2.6), already bit-reversed for an LSB-first writer. */
const FIXED_CODE = new Uint16Array(288);
const FIXED_BITS = new Uint8Array(288);
for (let n = 0; n < 288; n++) {
  const [base, first, bits] = n <= 143 ? [0x30, 0, 8] : n <= 255 ? [0x190, 144, 9] : n <= 279 ? [0, 256, 7] : [0xc0, 280, 8];
  FIXED_CODE[n] = bitrev(base + n - first, bits);
  FIXED_BITS[n] = bits;
}

/** Length 3-258 and distance 1-32768 -> their code's index: stb's linear scans, done once. */
const LENGTH_CODE = new Uint8Array(259);
for (let len = 3; len <= 258; len++) {
  let j = 0;
  while (len > LENGTH_BASE[j + 1]! - 1) j++;
  LENGTH_CODE[len] = j;
}
const DIST_CODE = new Uint8Array(32769);
for (let dist = 1, j = 0; dist <= 32768; dist++) {
  while (dist > DIST_BASE[j + 1]! - 1) j++;
  DIST_CODE[dist] = j;
}
const DIST_CODE_REVERSED = Uint8Array.from({ length: 30 }, (_, j) => bitrev(j, 5));

class BitWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  private buf = 0;
  private count = 0;

  push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }

  add(code: number, bits: number): void {
    this.buf |= code << this.count;
    this.count += bits;
    while (this.count >= 8) {
      this.push(this.buf & 0xff);
      this.buf >>>= 8;
      this.count -= 8;
    }
  }

  padToByte(): void {
    while (this.count > 0) this.add(0, 1);
  }
}

function zhash(d: Uint8Array, i: number): number {
  let h = (d[i]! + (d[i + 1]! << 8) + (d[i + 2]! << 16)) >>> 0;
  h = (h ^ (h << 3)) >>> 0;
  h = (h + (h >>> 5)) >>> 0;
  h = (h ^ (h << 4)) >>> 0;
  h = (h + (h >>> 17)) >>> 0;
  h = (h ^ (h << 25)) >>> 0;
  h = (h + (h >>> 6)) >>> 0;
  return h & (ZHASH - 1);
}

function matchLength(d: Uint8Array, a: number, b: number, limit: number): number {
  const max = Math.min(limit, 258);
  let i = 0;
  while (i < max && d[a + i] === d[b + i]) i++;
  return i;
}

/** stbi_zlib_compress at quality 8. */
export function stbZlib(data: Uint8Array): Uint8Array {
  const n = data.length;
  const out = new BitWriter();
  out.push(0x78);
  out.push(0x5e);
  out.add(1, 1);
  out.add(1, 2);
  const slots = 2 * QUALITY;
  const table = new Int32Array(ZHASH * slots);
  const counts = new Uint8Array(ZHASH);
  const huff = (sym: number) => out.add(FIXED_CODE[sym]!, FIXED_BITS[sym]!);
  let i = 0;
  while (i < n - 3) {
    let h = zhash(data, i);
    // stb keeps the last candidate of the longest length (its test is d >= best): scanning from
    // the newest keeps the first of the longest, and a match as long as possible ends the scan.
    const cap = Math.min(258, n - i);
    let best = 2;
    let bestloc = -1;
    let base = h * slots;
    for (let j = counts[h]! - 1; j >= 0; j--) {
      const at = table[base + j]!;
      // A candidate beats `best` only if its byte at offset `best` matches (zlib's own shortcut):
      // skipping the others changes no choice.
      if (at > i - 32768 && data[at + best] === data[i + best]) {
        const d = matchLength(data, at, i, n - i);
        if (d > best) {
          best = d;
          bestloc = at;
          if (d === cap) break;
        }
      }
    }
    if (counts[h] === slots) {
      table.copyWithin(base, base + QUALITY, base + slots);
      counts[h] = QUALITY;
    }
    table[base + counts[h]!] = i;
    counts[h]!++;
    // A longest-possible match cannot be beaten by the next position's.
    if (bestloc >= 0 && best < Math.min(258, n - i - 1)) {
      h = zhash(data, i + 1);
      base = h * slots;
      for (let j = 0; j < counts[h]!; j++) {
        const at = table[base + j]!;
        if (at > i - 32767 && data[at + best] === data[i + 1 + best] && matchLength(data, at, i + 1, n - i - 1) > best) {
          bestloc = -1;
          break;
        }
      }
    }
    if (bestloc >= 0) {
      const dist = i - bestloc;
      let j = LENGTH_CODE[best]!;
      huff(j + 257);
      if (LENGTH_EXTRA[j]) out.add(best - LENGTH_BASE[j]!, LENGTH_EXTRA[j]!);
      j = DIST_CODE[dist]!;
      out.add(DIST_CODE_REVERSED[j]!, 5);
      if (DIST_EXTRA[j]) out.add(dist - DIST_BASE[j]!, DIST_EXTRA[j]!);
      i += best;
    } else {
      huff(data[i]!);
      i++;
    }
  }
  for (; i < n; i++) huff(data[i]!);
  huff(256);
  out.padToByte();
  let body = out.bytes.subarray(0, out.length);
  // stb stores the data uncompressed when deflate made it bigger.
  if (out.length > n + 2 + Math.floor((n + 32766) / 32767) * 5) {
    const raw = new BitWriter();
    raw.push(0x78);
    raw.push(0x5e);
    for (let j = 0; j < n; ) {
      const len = Math.min(32767, n - j);
      raw.push(n - j === len ? 1 : 0);
      raw.push(len & 0xff);
      raw.push((len >> 8) & 0xff);
      raw.push(~len & 0xff);
      raw.push((~len >> 8) & 0xff);
      for (let k = 0; k < len; k++) raw.push(data[j + k]!);
      j += len;
    }
    body = raw.bytes.subarray(0, raw.length);
  }
  let s1 = 1;
  let s2 = 0;
  for (let j = 0; j < n; ) {
    const end = Math.min(n, j + 5552);
    for (; j < end; j++) {
      s1 += data[j]!;
      s2 += s1;
    }
    s1 %= 65521;
    s2 %= 65521;
  }
  const result = new Uint8Array(body.length + 4);
  result.set(body);
  result.set([(s2 >> 8) & 0xff, s2 & 0xff, (s1 >> 8) & 0xff, s1 & 0xff], body.length);
  return result;
}

/** |v| of the byte v & 255 read as signed: what stb sums to pick a row's filter. */
const ABS_SIGNED = Uint8Array.from({ length: 256 }, (_, v) => Math.abs((v << 24) >> 24));

/**
 * stb's filter choice for the row at px[z...]: the first of the five filters with the smallest sum
 * of |signed byte|. `up[u...]` is the row above (a zero row for the first one, which is what stb's
 * no-row-above forms of up, average and Paeth amount to).
 */
function chooseFilter(px: Uint8Array, z: number, up: Uint8Array, u: number, stride: number, bpp: number, paethOut: Uint8Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  // The first pixel has nothing to its left: sub is none, and Paeth predicts from above.
  for (let i = 0; i < bpp; i++) {
    const v = px[z + i]!;
    const b = up[u + i]!;
    s0 += ABS_SIGNED[v]!;
    s1 += ABS_SIGNED[v]!;
    s2 += ABS_SIGNED[(v - b) & 255]!;
    s3 += ABS_SIGNED[(v - (b >> 1)) & 255]!;
    paethOut[i] = b;
    s4 += ABS_SIGNED[(v - b) & 255]!;
  }
  for (let i = bpp; i < stride; i++) {
    const v = px[z + i]!;
    const a = px[z + i - bpp]!;
    const b = up[u + i]!;
    const c = up[u + i - bpp]!;
    s0 += ABS_SIGNED[v]!;
    s1 += ABS_SIGNED[(v - a) & 255]!;
    s2 += ABS_SIGNED[(v - b) & 255]!;
    s3 += ABS_SIGNED[(v - ((a + b) >> 1)) & 255]!;
    const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - c - c);
    const predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    paethOut[i] = predicted;
    s4 += ABS_SIGNED[(v - predicted) & 255]!;
  }
  // Integer sums: a row's stays far below 2^31 (255 per byte).
  const sums = [s0, s1, s2, s3, s4];
  let best = 0;
  for (let t = 1; t < 5; t++) if (sums[t]! < sums[best]!) best = t;
  return best;
}

/**
 * The row at px[z...] under filter `type` into out[at...] (`up[u...]` as in chooseFilter; `paeth`
 * holds the row's Paeth predictions, which chooseFilter computed).
 */
function writeFiltered(px: Uint8Array, z: number, up: Uint8Array, u: number, stride: number, bpp: number, type: number, paeth: Uint8Array, out: Uint8Array, at: number): void {
  if (type === 0) {
    out.set(px.subarray(z, z + stride), at);
    return;
  }
  if (type === 4) {
    for (let i = 0; i < stride; i++) out[at + i] = px[z + i]! - paeth[i]!;
    return;
  }
  for (let i = 0; i < bpp; i++) {
    const v = px[z + i]!;
    const b = up[u + i]!;
    out[at + i] = type === 1 ? v : type === 2 ? v - b : v - (b >> 1);
  }
  if (type === 1) for (let i = bpp; i < stride; i++) out[at + i] = px[z + i]! - px[z + i - bpp]!;
  else if (type === 2) for (let i = bpp; i < stride; i++) out[at + i] = px[z + i]! - up[u + i]!;
  else for (let i = bpp; i < stride; i++) out[at + i] = px[z + i]! - ((px[z + i - bpp]! + up[u + i]!) >> 1);
}

/** RGBA8 pixels, top row first, to a PNG file as stb_image_write writes it. */
export function encodePngStb(rgba: Uint8Array, width: number, height: number): Buffer {
  const bpp = 4;
  const stride = width * bpp;
  const filtered = new Uint8Array((stride + 1) * height);
  const zeros = new Uint8Array(stride);
  const paethRow = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const z = y * stride;
    const up = y === 0 ? zeros : rgba;
    const u = y === 0 ? 0 : z - stride;
    const type = chooseFilter(rgba, z, up, u, stride, bpp, paethRow);
    const o = y * (stride + 1);
    filtered[o] = type;
    writeFiltered(rgba, z, up, u, stride, bpp, type, paethRow, filtered, o + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', stbZlib(filtered)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
