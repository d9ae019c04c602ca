import { open, type FileHandle } from 'node:fs/promises';

/**
 * A small reader of HDF5 structure (no data): group members and dataset dimensions, found by
 * walking the superblock, object headers, links and symbol tables. Preflight needs only a cell
 * table's length or a SONATA file's populations, and h5wasm (15 MB of WebAssembly) costs several
 * times a bare `node` start-up just to load; this answers from a few kilobytes of the file.
 *
 * It understands the two layouts circuit files come in: superblock 0/1 with version 1 object
 * headers and symbol-table groups (HDF5's default, what h5py and the C++ tools write), and
 * superblock 2/3 with version 2 headers and compact link messages (what h5wasm writes). Anything
 * else (dense link storage in fractal heaps, a damaged file, an unknown version) is `Unsupported`,
 * and the caller asks h5wasm, which also words the errors about broken files.
 */
export class Unsupported extends Error {}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const USER_BLOCK_OFFSETS = [0, 512, 1024, 2048, 4096, 8192];
/** More than any header a circuit file's path walks through; a larger claim means a damaged file. */
const MAX_BLOCK = 1 << 20;
const MAX_CONTINUATIONS = 64;

const MSG_DATASPACE = 0x0001;
const MSG_LINK_INFO = 0x0002;
const MSG_LINK = 0x0006;
const MSG_CONTINUATION = 0x0010;
const MSG_SYMBOL_TABLE = 0x0011;

interface Message {
  type: number;
  /** Bit 1: the data is a reference to a shared message elsewhere, not the message itself. */
  flags: number;
  data: Buffer;
}

/** A continuation block to read; `flags` are the version 2 header's (null for version 1). */
interface Continuation {
  at: number;
  length: number;
  flags: number | null;
}

/** What an object header says about the object: its links (a group) and its dimensions (a dataset). */
interface HeaderObject {
  links: Map<string, number> | null;
  dims: number[] | null;
}

export class Hdf5Header {
  private constructor(
    private readonly file: FileHandle,
    private readonly base: number,
    private readonly offsetSize: number,
    private readonly lengthSize: number,
    private readonly root: number,
  ) {}

  /** Opens `path` and reads its superblock; `Unsupported` when it is not one this reader knows. */
  static async open(path: string): Promise<Hdf5Header> {
    const file = await open(path, 'r');
    try {
      for (const at of USER_BLOCK_OFFSETS) {
        const head = await readAt(file, at, 96);
        if (head.length < 48 || !head.subarray(0, 8).equals(SIGNATURE)) continue;
        const version = head[8]!;
        if (version === 0 || version === 1) {
          const offsetSize = head[13]!;
          const lengthSize = head[14]!;
          checkSizes(offsetSize, lengthSize);
          // Then base, free-space, end-of-file and driver addresses, and the root's symbol table entry.
          let p = version === 0 ? 24 : 28;
          const base = uint(head, p, offsetSize);
          p += 4 * offsetSize;
          const root = uint(head, p + offsetSize, offsetSize);
          return new Hdf5Header(file, base, offsetSize, lengthSize, root);
        }
        if (version === 2 || version === 3) {
          const offsetSize = head[9]!;
          const lengthSize = head[10]!;
          checkSizes(offsetSize, lengthSize);
          const base = uint(head, 12, offsetSize);
          const root = uint(head, 12 + 3 * offsetSize, offsetSize);
          return new Hdf5Header(file, base, offsetSize, lengthSize, root);
        }
        throw new Unsupported(`superblock version ${version}`);
      }
      throw new Unsupported('no HDF5 signature');
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /**
   * The object at `path` (like `nodes/default`): a group's member names, a dataset's dimensions
   * (null for the other kind); null when nothing is there.
   */
  async find(path: string): Promise<{ members: string[] | null; dims: number[] | null } | null> {
    const object = await this.resolve(path);
    // Sorted by name, as HDF5 (and h5wasm's keys()) list a group's members.
    return object && { members: object.links && [...object.links.keys()].sort(), dims: object.dims };
  }

  private async resolve(path: string): Promise<HeaderObject | null> {
    let object = await this.object(this.root);
    for (const name of path.split('/').filter(Boolean)) {
      const address = object.links?.get(name);
      if (address === undefined) return null;
      object = await this.object(address);
    }
    return object;
  }

  private async object(address: number): Promise<HeaderObject> {
    const messages = await this.messages(address);
    let links: Map<string, number> | null = null;
    let dims: number[] | null = null;
    for (const { type, flags, data } of messages) {
      if (flags & 0x02 && (type === MSG_DATASPACE || type === MSG_LINK || type === MSG_LINK_INFO || type === MSG_SYMBOL_TABLE)) throw new Unsupported('shared header message');
      if (type === MSG_DATASPACE) dims = this.dataspace(data);
      else if (type === MSG_LINK) {
        links ??= new Map();
        const link = this.link(data);
        if (link) links.set(link.name, link.address);
      } else if (type === MSG_LINK_INFO) {
        links ??= new Map();
        // Dense storage: the links live in a fractal heap indexed by a version 2 B-tree.
        const heapAt = 2 + (data[1]! & 1 ? 8 : 0);
        if (!isUndefined(data, heapAt, this.offsetSize)) throw new Unsupported('dense link storage (fractal heap)');
      } else if (type === MSG_SYMBOL_TABLE) {
        links = await this.symbolTable(uint(data, 0, this.offsetSize), uint(data, this.offsetSize, this.offsetSize));
      }
    }
    return { links, dims };
  }

  /** Every message of an object header, continuation blocks included. */
  private async messages(address: number): Promise<Message[]> {
    const at = this.base + address;
    const prefix = await readAt(this.file, at, 48);
    const out: Message[] = [];
    const blocks: Continuation[] = [];
    if (prefix.subarray(0, 4).toString('latin1') === 'OHDR') {
      if (prefix[4] !== 2) throw new Unsupported(`object header version ${prefix[4]}`);
      const flags = prefix[5]!;
      let p = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
      const sizeBytes = 1 << (flags & 3);
      const size = uint(prefix, p, sizeBytes);
      p += sizeBytes;
      const block = await readAt(this.file, at + p, size);
      this.v2Messages(block, flags, out, blocks);
    } else {
      if (prefix[0] !== 1) throw new Unsupported(`object header version ${prefix[0]}`);
      const size = prefix.readUInt32LE(8);
      const block = await readAt(this.file, at + 16, size);
      this.v1Messages(block, out, blocks);
    }
    for (let i = 0; i < blocks.length; i++) {
      if (i >= MAX_CONTINUATIONS) throw new Unsupported('too many header continuations');
      const { at: where, length, flags } = blocks[i]!;
      const block = await readAt(this.file, this.base + where, length);
      if (flags !== null) {
        // Signature, messages, checksum.
        if (block.subarray(0, 4).toString('latin1') !== 'OCHK') throw new Unsupported('bad continuation block');
        this.v2Messages(block.subarray(4, block.length - 4), flags, out, blocks);
      } else this.v1Messages(block, out, blocks);
    }
    return out;
  }

  private v1Messages(block: Buffer, out: Message[], blocks: Continuation[]): void {
    for (let p = 0; p + 8 <= block.length; ) {
      const type = block.readUInt16LE(p);
      const size = block.readUInt16LE(p + 2);
      const data = block.subarray(p + 8, p + 8 + size);
      if (data.length < size) throw new Unsupported('truncated header message');
      if (type === MSG_CONTINUATION) blocks.push({ ...this.continuation(data), flags: null });
      else out.push({ type, flags: block[p + 4]!, data });
      p += 8 + size;
    }
  }

  private v2Messages(block: Buffer, flags: number, out: Message[], blocks: Continuation[]): void {
    const headerSize = 4 + (flags & 0x04 ? 2 : 0);
    for (let p = 0; p + headerSize <= block.length; ) {
      const type = block[p]!;
      const size = block.readUInt16LE(p + 1);
      const data = block.subarray(p + headerSize, p + headerSize + size);
      if (data.length < size) throw new Unsupported('truncated header message');
      if (type === MSG_CONTINUATION) blocks.push({ ...this.continuation(data), flags });
      else out.push({ type, flags: block[p + 3]!, data });
      p += headerSize + size;
    }
  }

  private continuation(data: Buffer): { at: number; length: number } {
    return { at: uint(data, 0, this.offsetSize), length: uint(data, this.offsetSize, this.lengthSize) };
  }

  private dataspace(data: Buffer): number[] {
    const version = data[0]!;
    const rank = data[1]!;
    const start = version === 1 ? 8 : version === 2 ? 4 : -1;
    if (start < 0) throw new Unsupported(`dataspace version ${version}`);
    // Version 2 type 2 is a null dataspace: no elements.
    if (version === 2 && data[3] === 2) return [];
    return Array.from({ length: rank }, (_, i) => uint(data, start + i * this.lengthSize, this.lengthSize));
  }

  /** A hard link's name and target; null for soft and external links (no object in this file to read). */
  private link(data: Buffer): { name: string; address: number } | null {
    if (data[0] !== 1) throw new Unsupported(`link message version ${data[0]}`);
    const flags = data[1]!;
    let p = 2;
    let linkType = 0;
    if (flags & 0x08) linkType = data[p++]!;
    if (flags & 0x04) p += 8;
    if (flags & 0x10) p += 1;
    const lengthBytes = 1 << (flags & 3);
    const nameLength = uint(data, p, lengthBytes);
    p += lengthBytes;
    const name = data.toString('utf8', p, p + nameLength);
    p += nameLength;
    if (linkType !== 0) return null;
    return { name, address: uint(data, p, this.offsetSize) };
  }

  /** The members of an old-style group: a version 1 B-tree of symbol table nodes, names in a local heap. */
  private async symbolTable(btree: number, heapAddress: number): Promise<Map<string, number>> {
    const heap = await readAt(this.file, this.base + heapAddress, 8 + 2 * this.lengthSize + this.offsetSize);
    if (heap.subarray(0, 4).toString('latin1') !== 'HEAP') throw new Unsupported('bad local heap');
    const heapSize = uint(heap, 8, this.lengthSize);
    const heapData = await readAt(this.file, this.base + uint(heap, 8 + 2 * this.lengthSize, this.offsetSize), heapSize);
    const links = new Map<string, number>();
    const nodes = [btree];
    for (let visited = 0; nodes.length > 0; visited++) {
      if (visited > 4096) throw new Unsupported('group B-tree too large');
      const address = nodes.shift()!;
      const head = await readAt(this.file, this.base + address, 8 + 2 * this.offsetSize);
      if (head.subarray(0, 4).toString('latin1') !== 'TREE' || head[4] !== 0) throw new Unsupported('bad group B-tree node');
      const level = head[5]!;
      const used = head.readUInt16LE(6);
      // Keys (heap offsets, lengthSize) and children (addresses) alternate: key, child, key, ..., key.
      const entries = await readAt(this.file, this.base + address + head.length, (used + 1) * this.lengthSize + used * this.offsetSize);
      for (let i = 0; i < used; i++) {
        const child = uint(entries, this.lengthSize + i * (this.lengthSize + this.offsetSize), this.offsetSize);
        if (level > 0) nodes.push(child);
        else await this.symbolNode(child, heapData, links);
      }
    }
    return links;
  }

  private async symbolNode(address: number, heap: Buffer, links: Map<string, number>): Promise<void> {
    const head = await readAt(this.file, this.base + address, 8);
    if (head.subarray(0, 4).toString('latin1') !== 'SNOD') throw new Unsupported('bad symbol table node');
    const count = head.readUInt16LE(6);
    const entrySize = 2 * this.offsetSize + 24;
    const entries = await readAt(this.file, this.base + address + 8, count * entrySize);
    for (let i = 0; i < count; i++) {
      const nameOffset = uint(entries, i * entrySize, this.offsetSize);
      const end = heap.indexOf(0, nameOffset);
      if (end < 0) throw new Unsupported('unterminated name in local heap');
      links.set(heap.toString('utf8', nameOffset, end), uint(entries, i * entrySize + this.offsetSize, this.offsetSize));
    }
  }
}

/**
 * The answer from the HDF5 structure alone (this module), or undefined when that
 * reader does not understand the file or finds something unexpected: then h5wasm reads it, and
 * words the error if the file is broken.
 */
export async function fromHdf5Header<T>(path: string, read: (file: Hdf5Header) => Promise<T | undefined>): Promise<T | undefined> {
  let file: Hdf5Header;
  try {
    file = await Hdf5Header.open(path);
  } catch {
    return undefined;
  }
  try {
    return await read(file);
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

function checkSizes(offsetSize: number, lengthSize: number): void {
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) throw new Unsupported(`offset/length sizes ${offsetSize}/${lengthSize}`);
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  if (!Number.isSafeInteger(position) || position < 0 || length < 0 || length > MAX_BLOCK) throw new Unsupported(`read of ${length} bytes at ${position}`);
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  // A short read (a header near the end of the file) is fine; fields past it fail in `uint`.
  return buffer.subarray(0, bytesRead);
}

/** A little-endian unsigned integer of 1-8 bytes (exact up to 2^53; larger is a damaged file here). */
function uint(buffer: Buffer, at: number, size: number): number {
  if (at + size > buffer.length) throw new Unsupported('field past the end of its block');
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + buffer[at + i]!;
  if (!Number.isSafeInteger(value)) throw new Unsupported('address beyond 2^53');
  return value;
}

function isUndefined(buffer: Buffer, at: number, size: number): boolean {
  for (let i = 0; i < size; i++) if (buffer[at + i] !== 0xff) return false;
  return true;
}
