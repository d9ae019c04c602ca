import { createReadStream } from 'node:fs';
import { circuitError } from '../circuit-error.js';

/**
 * First and last time of an out.dat (`time gid` lines, `/` and `#` headers), streamed: only the
 * time column is parsed, nothing is kept per spike.
 */
export async function outDatTimeRange(path: string): Promise<{ start: number; end: number; count: number }> {
  let start = Infinity;
  let end = -Infinity;
  let count = 0;
  let rest = '';
  let lineNumber = 0;
  const take = (line: string): void => {
    lineNumber++;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('/') || trimmed.startsWith('#')) return;
    const time = Number.parseFloat(trimmed);
    if (!Number.isFinite(time)) throw circuitError(`Cannot read spike report ${path}, line ${lineNumber}: expected 'time gid', found '${line.trim()}'`);
    if (time < start) start = time;
    if (time > end) end = time;
    count++;
  };
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = rest + (chunk as string);
      let from = 0;
      for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
        take(text.slice(from, newline));
        from = newline + 1;
      }
      rest = text.slice(from);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'RenderRecipesError') throw error;
    throw circuitError(`Cannot open spike report ${path}`, error);
  }
  take(rest);
  return count === 0 ? { start: 0, end: 0, count } : { start, end, count };
}
