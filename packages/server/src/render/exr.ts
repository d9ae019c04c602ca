/**
 * OpenEXR files as Brayns 3.10.1 writes its g-buffers (brayns/utils/image/codecs/ExrCodec.cpp,
 * through tinyexr v1.0.7's SaveEXRImageToMemory / SaveEXRMultipartImageToMemory with the header
 * defaults InitEXRHeader leaves): uncompressed 32-bit float scanlines, one scanline per chunk,
 * rows top-down. One layer is a single-part file; several layers make a multi-part file, one
 * part per layer named after it. A layer's components are named R, G, B, A and stored in the
 * reverse order (A, B, G, R), as Brayns hands them to tinyexr, which is the alphabetical order the
 * format asks for. Same inputs, same bytes as Brayns' files.
 */
export interface ExrLayer {
  /** The part name in a multi-part file (ignored for a single layer). */
  name: string;
  /** 1 to 4 components per pixel, interleaved, rows top-down. */
  components: number;
  data: Float32Array;
}

const COMPONENT_NAMES = ['R', 'G', 'B', 'A'];
const PIXEL_TYPE_FLOAT = 2;

class ByteWriter {
  private readonly chunks: Buffer[] = [];
  length = 0;

  bytes(data: Buffer): void {
    this.chunks.push(data);
    this.length += data.length;
  }

  text(value: string, terminated = true): void {
    this.bytes(Buffer.from(terminated ? `${value}\0` : value, 'latin1'));
  }

  u8(value: number): void {
    this.bytes(Buffer.from([value]));
  }

  i32(...values: number[]): void {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeInt32LE(v, i * 4));
    this.bytes(b);
  }

  f32(...values: number[]): void {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => b.writeFloatLE(v, i * 4));
    this.bytes(b);
  }

  attribute(name: string, type: string, write: (w: ByteWriter) => void): void {
    const value = new ByteWriter();
    write(value);
    this.text(name);
    this.text(type);
    this.i32(value.length);
    this.bytes(value.concat());
  }

  concat(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/** Component names in file order: the last component first. */
function channelNames(components: number): string[] {
  return COMPONENT_NAMES.slice(0, components).reverse();
}

function writeHeader(w: ByteWriter, layer: ExrLayer, width: number, height: number, multipart: boolean): void {
  w.attribute('channels', 'chlist', (a) => {
    for (const name of channelNames(layer.components)) {
      a.text(name);
      a.i32(PIXEL_TYPE_FLOAT);
      // pLinear and three reserved bytes.
      a.bytes(Buffer.alloc(4));
      a.i32(1, 1);
    }
    a.u8(0);
  });
  w.attribute('compression', 'compression', (a) => a.u8(0));
  w.attribute('dataWindow', 'box2i', (a) => a.i32(0, 0, width - 1, height - 1));
  w.attribute('displayWindow', 'box2i', (a) => a.i32(0, 0, width - 1, height - 1));
  w.attribute('lineOrder', 'lineOrder', (a) => a.u8(0));
  w.attribute('pixelAspectRatio', 'float', (a) => a.f32(1));
  w.attribute('screenWindowCenter', 'v2f', (a) => a.f32(0, 0));
  w.attribute('screenWindowWidth', 'float', (a) => a.f32(1));
  if (multipart) {
    w.attribute('name', 'string', (a) => a.text(layer.name, false));
    w.attribute('type', 'string', (a) => a.text('scanlineimage', false));
    w.attribute('chunkCount', 'int', (a) => a.i32(height));
  }
  w.u8(0);
}

/** One scanline chunk's pixel data: each component's row in file order. */
function scanline(layer: ExrLayer, width: number, y: number): Buffer {
  const n = layer.components;
  // EXR is little-endian, like every platform Node.js runs on here (checked once below).
  const out = new Float32Array(width * n);
  let o = 0;
  for (let c = n - 1; c >= 0; c--) {
    for (let x = 0; x < width; x++) out[o++] = layer.data[(y * width + x) * n + c]!;
  }
  return Buffer.from(out.buffer);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeExr(layers: readonly ExrLayer[], width: number, height: number): Buffer {
  if (layers.length === 0) throw new Error('An EXR file needs at least one layer');
  if (!LITTLE_ENDIAN) throw new Error('EXR encoding needs a little-endian platform');
  for (const layer of layers) {
    if (layer.components < 1 || layer.components > 4 || layer.data.length !== width * height * layer.components) {
      throw new Error(`EXR layer '${layer.name}' holds ${layer.data.length} values, expected ${width}x${height}x${layer.components}`);
    }
  }
  const multipart = layers.length > 1;
  const head = new ByteWriter();
  head.bytes(Buffer.from([0x76, 0x2f, 0x31, 0x01]));
  head.bytes(Buffer.from([2, multipart ? 0x10 : 0, 0, 0]));
  for (const layer of layers) writeHeader(head, layer, width, height, multipart);
  if (multipart) head.u8(0);
  const partPrefix = multipart ? 4 : 0;
  const offsets = Buffer.alloc(8 * height * layers.length);
  let offset = head.length + offsets.length;
  const body = new ByteWriter();
  layers.forEach((layer, part) => {
    for (let y = 0; y < height; y++) {
      const pixels = scanline(layer, width, y);
      offsets.writeBigUInt64LE(BigInt(offset), 8 * (part * height + y));
      if (multipart) body.i32(part);
      body.i32(y, pixels.length);
      body.bytes(pixels);
      offset += partPrefix + 8 + pixels.length;
    }
  });
  return Buffer.concat([head.concat(), offsets, body.concat()]);
}
