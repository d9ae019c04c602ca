/**
 * A minimal OpenEXR reader for the tests, written from the file format's documentation (magic,
 * version flags, attribute headers, offset tables, scanline chunks), not from the server's
 * encoder: enough for uncompressed FLOAT scanline files, single- or multi-part.
 */
export interface ExrPart {
  name: string | null;
  attributes: Map<string, { type: string; value: Buffer }>;
  channels: string[];
  width: number;
  height: number;
  /** Channel name -> values, rows top-down. */
  pixels: Map<string, Float32Array>;
}

export interface ExrFile {
  multipart: boolean;
  parts: ExrPart[];
}

function cString(data: Buffer, at: number): [string, number] {
  const end = data.indexOf(0, at);
  return [data.toString('latin1', at, end), end + 1];
}

export function readExr(data: Buffer): ExrFile {
  if (data.readUInt32LE(0) !== 20000630) throw new Error('not an OpenEXR file');
  const flags = data.readUInt32LE(4);
  if ((flags & 0xff) !== 2) throw new Error(`unsupported version ${flags & 0xff}`);
  const multipart = (flags & 0x1000) !== 0;
  let at = 8;
  const parts: ExrPart[] = [];
  for (;;) {
    if (data[at] === 0) {
      at += 1;
      break;
    }
    const attributes = new Map<string, { type: string; value: Buffer }>();
    while (data[at] !== 0) {
      const [name, afterName] = cString(data, at);
      const [type, afterType] = cString(data, afterName);
      const size = data.readInt32LE(afterType);
      attributes.set(name, { type, value: data.subarray(afterType + 4, afterType + 4 + size) });
      at = afterType + 4 + size;
    }
    at += 1;
    const chlist = attributes.get('channels')!.value;
    const channels: string[] = [];
    for (let c = 0; chlist[c] !== 0; ) {
      const [name, next] = cString(chlist, c);
      if (chlist.readInt32LE(next) !== 2) throw new Error(`channel ${name} is not FLOAT`);
      channels.push(name);
      c = next + 16;
    }
    if (attributes.get('compression')!.value[0] !== 0) throw new Error('compressed files are not supported');
    const box = attributes.get('dataWindow')!.value;
    const width = box.readInt32LE(8) - box.readInt32LE(0) + 1;
    const height = box.readInt32LE(12) - box.readInt32LE(4) + 1;
    const name = attributes.get('name')?.value.toString('latin1') ?? null;
    parts.push({ name, attributes, channels, width, height, pixels: new Map() });
    if (!multipart) break;
  }
  // Offset tables, one per part, one entry per scanline.
  const offsets = parts.map((part) => {
    const table: number[] = [];
    for (let y = 0; y < part.height; y++, at += 8) table.push(Number(data.readBigUInt64LE(at)));
    return table;
  });
  parts.forEach((part, index) => {
    for (const channel of part.channels) part.pixels.set(channel, new Float32Array(part.width * part.height));
    for (const offset of offsets[index]!) {
      let o = offset;
      if (multipart) {
        if (data.readUInt32LE(o) !== index) throw new Error('chunk of another part');
        o += 4;
      }
      const y = data.readInt32LE(o);
      const size = data.readInt32LE(o + 4);
      if (size !== part.width * part.channels.length * 4) throw new Error(`scanline ${y} holds ${size} bytes`);
      o += 8;
      for (const channel of part.channels) {
        const values = part.pixels.get(channel)!;
        for (let x = 0; x < part.width; x++, o += 4) values[y * part.width + x] = data.readFloatLE(o);
      }
    }
  });
  return { multipart, parts };
}
