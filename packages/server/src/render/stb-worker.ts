/**
 * Worker entry of the stb-compatible encoders: Brayns' PNG/JPEG bytes cost seconds of CPU per
 * full-HD frame, which on the server's main thread would stall tile dispatch of the next render.
 */
import { parentPort } from 'node:worker_threads';
import { encodeJpegStb } from './jpeg-stb.js';
import { encodePngStb } from './png-stb.js';

export interface StbTask {
  id: number;
  format: 'png' | 'jpg';
  rgba: Uint8Array;
  width: number;
  height: number;
  quality: number;
}

export type StbReply = { id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; message: string };

parentPort?.on('message', (task: StbTask) => {
  let reply: StbReply;
  try {
    const { format, rgba, width, height, quality } = task;
    const bytes = format === 'png' ? encodePngStb(rgba, width, height) : encodeJpegStb(rgba, width, height, quality);
    reply = { id: task.id, ok: true, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  } catch (error) {
    reply = { id: task.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  // Encoded bytes move to the main thread without a copy; a Buffer may sit in Node's shared pool,
  // which cannot be transferred.
  const owned = reply.ok && reply.bytes.byteLength === reply.bytes.buffer.byteLength && !(reply.bytes.buffer instanceof SharedArrayBuffer);
  parentPort!.postMessage(reply, owned && reply.ok ? [reply.bytes.buffer as ArrayBuffer] : []);
});
