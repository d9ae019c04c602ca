/**
 * JPEG encoding as Brayns writes it: stb_image_write's baseline encoder (Brayns' JpegCodec ->
 * StbiHelper::encodeJpeg -> stbi_write_jpg_to_func), reproduced byte for byte because Brayns' own
 * test suite compares snapshot files by length. What stb does, and so what this module does:
 * - quality 0 means 90; quality <= 90 subsamples chroma 2x2 (4:2:0), above keeps it (4:4:4);
 * - the JPEG Annex K luminance/chrominance tables scaled by the IJG quality formula;
 * - the float AAN forward DCT with its scale folded into the quantisation table, every operation
 *   rounded to single precision (stb computes in `float`), coefficients rounded half away from zero;
 * - the Annex K Huffman tables; blocks past the right and bottom edges repeat the last column/row;
 * - alpha is ignored: the RGB of an RGBA pixel is encoded as it is.
 * Conformance is checked against Debian's stb_image_write.h when a C compiler and the header exist
 * (test/render/stb-conformance.test.ts).
 */

const f = Math.fround;

/** Natural (row-major) index -> zigzag position (ITU T.81 figure A.6). */
const ZIGZAG = [
  0, 1, 5, 6, 14, 15, 27, 28, 2, 4, 7, 13, 16, 26, 29, 42, 3, 8, 12, 17, 25, 30, 41, 43, 9, 11, 18, 24, 31, 40, 44, 53, 10, 19, 23, 32,
  39, 45, 52, 54, 20, 22, 33, 38, 46, 51, 55, 60, 21, 34, 37, 47, 50, 56, 59, 61, 35, 36, 48, 49, 57, 58, 62, 63,
];

/** ITU T.81 Annex K.1 quantisation tables (natural order). */
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
  ...new Array<number>(32).fill(99),
];

/** ITU T.81 Annex K.3 Huffman tables: code counts per length 1-16, then the symbols. */
interface HuffmanSpec {
  counts: number[];
  symbols: number[];
}
const DC_LUMA: HuffmanSpec = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA: HuffmanSpec = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA: HuffmanSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91,
    0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a,
    0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53,
    0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
    0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
    0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
    0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2,
    0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA: HuffmanSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14,
    0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17,
    0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
    0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
    0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
    0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
    0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2,
    0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

/** Canonical Huffman codes (T.81 Annex C): symbol -> code, symbol -> length. */
interface HuffmanTable {
  code: Uint16Array;
  length: Uint8Array;
}
function huffmanTable(spec: HuffmanSpec): HuffmanTable {
  const code = new Uint16Array(256);
  const length = new Uint8Array(256);
  let next = 0;
  let k = 0;
  spec.counts.forEach((count, i) => {
    for (let n = 0; n < count; n++) {
      const symbol = spec.symbols[k++]!;
      code[symbol] = next++;
      length[symbol] = i + 1;
    }
    next <<= 1;
  });
  return { code, length };
}
const HT_DC_LUMA = huffmanTable(DC_LUMA);
const HT_DC_CHROMA = huffmanTable(DC_CHROMA);
const HT_AC_LUMA = huffmanTable(AC_LUMA);
const HT_AC_CHROMA = huffmanTable(AC_CHROMA);

/** AAN DCT scale factors times 2*sqrt(2), as stb folds them (single precision). */
const AASF = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379].map((s) => f(f(s) * f(2.828427125)));

const C4 = f(0.707106781);
const C6 = f(0.382683433);
const C2_MINUS_C6 = f(0.5411961);
const C2_PLUS_C6 = f(1.306562965);

/** One 8-point AAN forward DCT over `d[o], d[o+s], ... d[o+7s]`, in place, in single precision. */
function dct8(d: Float32Array, o: number, s: number): void {
  const d0 = d[o]!, d1 = d[o + s]!, d2 = d[o + 2 * s]!, d3 = d[o + 3 * s]!;
  const d4 = d[o + 4 * s]!, d5 = d[o + 5 * s]!, d6 = d[o + 6 * s]!, d7 = d[o + 7 * s]!;
  const tmp0 = f(d0 + d7), tmp7 = f(d0 - d7);
  const tmp1 = f(d1 + d6), tmp6 = f(d1 - d6);
  const tmp2 = f(d2 + d5), tmp5 = f(d2 - d5);
  const tmp3 = f(d3 + d4), tmp4 = f(d3 - d4);
  // Even part.
  const tmp10 = f(tmp0 + tmp3), tmp13 = f(tmp0 - tmp3);
  const tmp11 = f(tmp1 + tmp2), tmp12 = f(tmp1 - tmp2);
  d[o] = f(tmp10 + tmp11);
  d[o + 4 * s] = f(tmp10 - tmp11);
  const z1 = f(f(tmp12 + tmp13) * C4);
  d[o + 2 * s] = f(tmp13 + z1);
  d[o + 6 * s] = f(tmp13 - z1);
  // Odd part.
  const o10 = f(tmp4 + tmp5), o11 = f(tmp5 + tmp6), o12 = f(tmp6 + tmp7);
  const z5 = f(f(o10 - o12) * C6);
  const z2 = f(f(o10 * C2_MINUS_C6) + z5);
  const z4 = f(f(o12 * C2_PLUS_C6) + z5);
  const z3 = f(o11 * C4);
  const z11 = f(tmp7 + z3), z13 = f(tmp7 - z3);
  d[o + 5 * s] = f(z13 + z2);
  d[o + 3 * s] = f(z13 - z2);
  d[o + s] = f(z11 + z4);
  d[o + 7 * s] = f(z11 - z4);
}

/** Entropy-coded segment writer: MSB-first bits, a 0x00 stuffed after every 0xFF. */
class JpegBits {
  bytes: Uint8Array;
  length = 0;
  private buf = 0;
  private count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  byte(b: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  }

  raw(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]!);
  }

  bits(code: number, count: number): void {
    this.count += count;
    this.buf |= code << (24 - this.count);
    while (this.count >= 8) {
      const c = (this.buf >>> 16) & 255;
      this.byte(c);
      if (c === 255) this.byte(0);
      this.buf = (this.buf << 8) & 0xffffff;
      this.count -= 8;
    }
  }
}

interface Quantiser {
  /** Reciprocal quantisation step per natural index, with the DCT scale folded in. */
  scale: Float32Array;
  dc: HuffmanTable;
  ac: HuffmanTable;
}

/** Magnitude category and the value bits of a coefficient (T.81 F.1.2.1). */
function category(value: number): number {
  let magnitude = value < 0 ? -value : value;
  let bits = 1;
  while ((magnitude >>= 1)) bits++;
  return bits;
}

/**
 * Transforms, quantises and entropy-codes the 8x8 block at `block[offset]` (row stride `stride`),
 * whose samples are overwritten. Returns its DC coefficient, the predictor of the next block.
 */
function codeBlock(out: JpegBits, block: Float32Array, offset: number, stride: number, q: Quantiser, previousDc: number, du: Int32Array): number {
  for (let row = 0; row < 8; row++) dct8(block, offset + row * stride, 1);
  for (let col = 0; col < 8; col++) dct8(block, offset + col, stride);
  for (let y = 0, j = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++, j++) {
      const v = f(block[offset + y * stride + x]! * q.scale[j]!);
      du[ZIGZAG[j]!] = Math.trunc(v < 0 ? f(v - 0.5) : f(v + 0.5));
    }
  }
  const diff = du[0]! - previousDc;
  if (diff === 0) {
    out.bits(q.dc.code[0]!, q.dc.length[0]!);
  } else {
    const size = category(diff);
    out.bits(q.dc.code[size]!, q.dc.length[size]!);
    out.bits((diff < 0 ? diff - 1 : diff) & ((1 << size) - 1), size);
  }
  let last = 63;
  while (last > 0 && du[last] === 0) last--;
  if (last === 0) {
    out.bits(q.ac.code[0x00]!, q.ac.length[0x00]!);
    return du[0]!;
  }
  for (let i = 1; i <= last; i++) {
    const start = i;
    while (du[i] === 0 && i <= last) i++;
    let zeros = i - start;
    for (let n = zeros >> 4; n > 0; n--) out.bits(q.ac.code[0xf0]!, q.ac.length[0xf0]!);
    zeros &= 15;
    const value = du[i]!;
    const size = category(value);
    const symbol = (zeros << 4) + size;
    out.bits(q.ac.code[symbol]!, q.ac.length[symbol]!);
    out.bits((value < 0 ? value - 1 : value) & ((1 << size) - 1), size);
  }
  if (last !== 63) out.bits(q.ac.code[0x00]!, q.ac.length[0x00]!);
  return du[0]!;
}

/** The scaled quantisation table in zigzag order (as written in DQT) and its reciprocal scale. */
function quantiser(base: number[], factor: number, dc: HuffmanTable, ac: HuffmanTable): { table: Uint8Array; q: Quantiser } {
  const table = new Uint8Array(64);
  for (let i = 0; i < 64; i++) {
    const step = Math.trunc((base[i]! * factor + 50) / 100);
    table[ZIGZAG[i]!] = Math.min(255, Math.max(1, step));
  }
  const scale = new Float32Array(64);
  for (let row = 0, k = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++, k++) scale[k] = f(1 / f(f(table[ZIGZAG[k]!]! * AASF[row]!) * AASF[col]!));
  }
  return { table, q: { scale, dc, ac } };
}

function segment(marker: number, body: ArrayLike<number>): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 255, ...Array.from(body)];
}

function huffmanSegmentBody(cls: number, spec: HuffmanSpec): number[] {
  return [cls, ...spec.counts, ...spec.symbols];
}

/**
 * Encodes `rgba` (width x height, 4 bytes per pixel, top row first) as stb_image_write does with
 * `stbi_write_jpg(..., comp = 4, quality)`.
 */
export function encodeJpegStb(rgba: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  let q = quality === 0 ? 90 : quality;
  const subsample = q <= 90;
  q = Math.min(100, Math.max(1, q));
  const factor = q < 50 ? Math.trunc(5000 / q) : 200 - q * 2;
  const luma = quantiser(LUMA_QUANT, factor, HT_DC_LUMA, HT_AC_LUMA);
  const chroma = quantiser(CHROMA_QUANT, factor, HT_DC_CHROMA, HT_AC_CHROMA);

  const out = new JpegBits(Math.max(1 << 16, width * height));
  out.raw([0xff, 0xd8]);
  out.raw(segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  out.raw(segment(0xdb, [0, ...luma.table, 1, ...chroma.table]));
  out.raw(segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, subsample ? 0x22 : 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]));
  out.raw(
    segment(0xc4, [
      ...huffmanSegmentBody(0x00, DC_LUMA),
      ...huffmanSegmentBody(0x10, AC_LUMA),
      ...huffmanSegmentBody(0x01, DC_CHROMA),
      ...huffmanSegmentBody(0x11, AC_CHROMA),
    ]),
  );
  out.raw(segment(0xda, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]));

  const mcu = subsample ? 16 : 8;
  const Y = new Float32Array(mcu * mcu);
  const U = new Float32Array(mcu * mcu);
  const V = new Float32Array(mcu * mcu);
  const subU = new Float32Array(64);
  const subV = new Float32Array(64);
  const du = new Int32Array(64);
  const quarter = f(0.25);
  let dcY = 0;
  let dcU = 0;
  let dcV = 0;
  for (let y = 0; y < height; y += mcu) {
    for (let x = 0; x < width; x += mcu) {
      for (let row = y, pos = 0; row < y + mcu; row++) {
        const base = (row < height ? row : height - 1) * width;
        for (let col = x; col < x + mcu; col++, pos++) {
          const p = (base + (col < width ? col : width - 1)) * 4;
          const r = rgba[p]!, g = rgba[p + 1]!, b = rgba[p + 2]!;
          Y[pos] = f(f(f(f(f(0.299) * r) + f(f(0.587) * g)) + f(f(0.114) * b)) - 128);
          U[pos] = f(f(f(f(-0.16874) * r) - f(f(0.33126) * g)) + f(0.5 * b));
          V[pos] = f(f(f(0.5 * r) - f(f(0.41869) * g)) - f(f(0.08131) * b));
        }
      }
      if (subsample) {
        dcY = codeBlock(out, Y, 0, 16, luma.q, dcY, du);
        dcY = codeBlock(out, Y, 8, 16, luma.q, dcY, du);
        dcY = codeBlock(out, Y, 128, 16, luma.q, dcY, du);
        dcY = codeBlock(out, Y, 136, 16, luma.q, dcY, du);
        for (let yy = 0, pos = 0; yy < 8; yy++) {
          for (let xx = 0; xx < 8; xx++, pos++) {
            const j = yy * 32 + xx * 2;
            subU[pos] = f(f(f(f(U[j]! + U[j + 1]!) + U[j + 16]!) + U[j + 17]!) * quarter);
            subV[pos] = f(f(f(f(V[j]! + V[j + 1]!) + V[j + 16]!) + V[j + 17]!) * quarter);
          }
        }
        dcU = codeBlock(out, subU, 0, 8, chroma.q, dcU, du);
        dcV = codeBlock(out, subV, 0, 8, chroma.q, dcV, du);
      } else {
        dcY = codeBlock(out, Y, 0, 8, luma.q, dcY, du);
        dcU = codeBlock(out, U, 0, 8, chroma.q, dcU, du);
        dcV = codeBlock(out, V, 0, 8, chroma.q, dcV, du);
      }
    }
  }
  out.bits(0x7f, 7); // pad the last byte with ones
  out.raw([0xff, 0xd9]);
  return out.bytes.subarray(0, out.length);
}
