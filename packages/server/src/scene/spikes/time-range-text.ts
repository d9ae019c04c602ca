import { forEachByteLine } from '../byte-lines.js';
import { circuitError } from '../circuit-error.js';

/**
 * First and last time of an out.dat (`time gid` lines, `/` and `#` headers), streamed as bytes
 * (see forEachByteLine): only the time column is parsed and nothing is kept per spike.
 */

const SPACE = 32;
const TAB = 9;
const CR = 13;
const SLASH = 47;
const HASH = 35;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const PLUS = 43;

const isBlank = (code: number): boolean => code === SPACE || code === TAB || code === CR || code === 11 || code === 12;

/** 10^k for k <= 22 are exact doubles: a mantissa below 2^53 divided by one is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_DIGITS = 15;

/**
 * The number at the start of a line's first field, as `Number.parseFloat` reads it. Plain decimals
 * (`12.345`, up to 15 digits) are computed from the bytes (exactly, see POW10); anything else (an
 * exponent, more digits, `Infinity`, junk) is handed to parseFloat, so the result never differs.
 */
function leadingNumber(bytes: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  const sign = bytes[i];
  if (sign === MINUS || sign === PLUS) {
    negative = sign === MINUS;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      if (seenDot) fraction++;
    } else if (c === DOT && !seenDot) {
      seenDot = true;
    } else {
      break;
    }
  }
  const next = i < end ? bytes[i]! : SPACE;
  // The fast path covers a field that ends here (blank or end of line) with few enough digits.
  if (digits > 0 && digits <= MAX_DIGITS && (isBlank(next) || i === end)) {
    const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
    return negative ? -value : value;
  }
  return Number.parseFloat(bytes.toString('latin1', start, end));
}

export async function outDatTimeRange(path: string): Promise<{ start: number; end: number; count: number }> {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  let lineNumber = 0;
  const take = (bytes: Buffer, from: number, to: number): void => {
    lineNumber++;
    let a = from;
    while (a < to && isBlank(bytes[a]!)) a++;
    if (a === to || bytes[a] === SLASH || bytes[a] === HASH) return;
    const time = leadingNumber(bytes, a, to);
    if (!Number.isFinite(time)) {
      throw circuitError(`Cannot read spike report ${path}, line ${lineNumber}: expected 'time gid', found '${bytes.toString('utf8', from, to).trim()}'`);
    }
    if (time < first) first = time;
    if (time > last) last = time;
    count++;
  };
  try {
    await forEachByteLine(path, take);
  } catch (error) {
    if (error instanceof Error && error.name === 'RenderRecipesError') throw error;
    throw circuitError(`Cannot open spike report ${path}`, error);
  }
  return count === 0 ? { start: 0, end: 0, count } : { start: first, end: last, count };
}
