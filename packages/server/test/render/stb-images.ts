/** Test images and a JPEG header reader shared by the encoder tests. */

export interface TestImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * `gradient`: gradients beside a transparent flat area (every PNG filter and match kind);
 * `noise`: seeded random bytes, alpha included (long Huffman codes, 0xFF bytes to stuff).
 */
export function testImage(width: number, height: number, kind: 'gradient' | 'noise', seed = 7): TestImage {
  const rgba = new Uint8Array(width * height * 4);
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (kind === 'noise') rgba.set([random(), random(), random(), random()], o);
      else rgba.set(x < width / 3 ? [17, 35, 90, 0] : [(x * 4) & 255, (y * 6) & 255, (x * y) & 255, 255], o);
    }
  }
  return { width, height, rgba };
}

export interface JpegHeader {
  width: number;
  height: number;
  /** Quantisation tables as stored (zigzag order). */
  luma: number[];
  chroma: number[];
  /** The first component's sampling factors byte: 0x22 = chroma subsampled 2x2, 0x11 = none. */
  lumaSampling: number;
}

/** Reads the DQT and SOF0 segments of a baseline JPEG. */
export function jpegHeader(bytes: Uint8Array): JpegHeader {
  const tables = new Map<number, number[]>();
  let sof: Uint8Array | undefined;
  let at = 2;
  while (at + 4 <= bytes.length && sof === undefined) {
    if (bytes[at] !== 0xff) throw new Error(`no marker at byte ${at}`);
    const marker = bytes[at + 1]!;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xdb) {
      for (let i = 0; i < body.length; i += 65) tables.set(body[i]! & 15, [...body.subarray(i + 1, i + 65)]);
    } else if (marker === 0xc0) {
      sof = body;
    }
    at += 2 + length;
  }
  if (!sof) throw new Error('no SOF0 segment');
  return {
    height: (sof[1]! << 8) | sof[2]!,
    width: (sof[3]! << 8) | sof[4]!,
    luma: tables.get(0) ?? [],
    chroma: tables.get(1) ?? [],
    lumaSampling: sof[7]!,
  };
}
