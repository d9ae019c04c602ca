import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { circuitError } from '../circuit-error.js';
import type { SpikeTable } from './spike-table.js';

/**
 * The BBP ASCII spike report (out.dat): an optional `/scatter` header, then one `time gid` pair per
 * line (time in ms). Lines starting with `/` or `#` are headers/comments.
 */

const CHUNK = 50_000;

export async function readOutDat(path: string, signal: AbortSignal, onProgress: (amount: number) => void): Promise<SpikeTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw circuitError(`Cannot open spike report ${path}`, error);
  }
  const lines = text.split('\n');
  const times = new Float64Array(lines.length);
  const gids = new Uint32Array(lines.length);
  let count = 0;
  for (let start = 0; start < lines.length; start += CHUNK) {
    signal.throwIfAborted();
    const end = Math.min(lines.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const line = (lines[i] ?? '').trim();
      if (line === '' || line.startsWith('/') || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      const time = Number(fields[0]);
      const gid = Number(fields[1]);
      if (fields.length < 2 || !Number.isFinite(time) || !Number.isInteger(gid) || gid < 0) {
        throw circuitError(`Cannot read spike report ${path}, line ${i + 1}: expected 'time gid', found '${line}'`);
      }
      times[count] = time;
      gids[count] = gid;
      count++;
    }
    onProgress(end / lines.length);
    if (end < lines.length) await yieldToEventLoop();
  }
  return { source: path, times: times.slice(0, count), gids: gids.slice(0, count) };
}
