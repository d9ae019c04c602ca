import { RenderRecipesError } from '../errors.js';

/**
 * R2/R3 binary messages: `[u32 LE length N][N bytes of JSON-RPC text][attachment]`. The attachment
 * is a view into the received frame, never a copy, so a full-HD PNG costs its own bytes only once.
 */
export interface BinaryMessage {
  json: string;
  attachment: Buffer;
}

export function decodeBinaryMessage(frame: Buffer): BinaryMessage {
  if (frame.length < 4) {
    throw new RenderRecipesError('PROTOCOL', `received a ${frame.length}-byte binary frame, expected at least the 4-byte JSON length header`);
  }
  const size = frame.readUInt32LE(0);
  if (size > frame.length - 4) {
    throw new RenderRecipesError(
      'PROTOCOL',
      `received a binary frame whose header announces ${size} bytes of JSON but only ${frame.length - 4} follow`,
    );
  }
  return { json: frame.toString('utf8', 4, 4 + size), attachment: frame.subarray(4 + size) };
}

export function encodeBinaryMessage(json: string, attachment: Buffer): Buffer {
  const text = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(text.length, 0);
  return Buffer.concat([header, text, attachment]);
}
