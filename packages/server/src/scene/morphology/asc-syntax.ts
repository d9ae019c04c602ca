import { morphologyError } from './errors.js';

/**
 * The s-expression layer of Neurolucida ASCII files: lists, atoms and the `|` that separates
 * sibling branches. Comments (`;` to end of line) and spines (`<( … )>`) are dropped here, so
 * the interpreter (asc.ts) only sees structure.
 */
export type AscNode = AscList | AscAtom | AscBar;

export interface AscList {
  kind: 'list';
  items: AscNode[];
  line: number;
}

export interface AscAtom {
  kind: 'atom';
  /** Numbers as numbers; symbols and quoted strings as text (`quoted` tells them apart). */
  value: number | string;
  quoted: boolean;
  line: number;
}

export interface AscBar {
  kind: 'bar';
  line: number;
}

export function parseAscSyntax(text: string, path: string): AscNode[] {
  const root: AscList = { kind: 'list', items: [], line: 1 };
  const stack: AscList[] = [root];
  let spineDepth = 0;
  let line = 1;
  let i = 0;
  const top = (): AscList => stack[stack.length - 1] as AscList;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/[\s,]/.test(c)) {
      i++;
    } else if (c === '<') {
      spineDepth++;
      i++;
    } else if (c === '>') {
      if (spineDepth === 0) throw morphologyError(path, `line ${line}: '>' without a matching '<'`);
      spineDepth--;
      i++;
    } else if (c === '(') {
      const list: AscList = { kind: 'list', items: [], line };
      // Spine contents are parsed for balance but attached nowhere.
      if (spineDepth === 0) top().items.push(list);
      stack.push(list);
      i++;
    } else if (c === ')') {
      if (stack.length === 1) throw morphologyError(path, `line ${line}: ')' without a matching '('`);
      stack.pop();
      i++;
    } else if (c === '|') {
      if (spineDepth === 0) top().items.push({ kind: 'bar', line });
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw morphologyError(path, `line ${line}: unterminated string`);
      const value = text.slice(i + 1, end);
      if (spineDepth === 0) top().items.push({ kind: 'atom', value, quoted: true, line });
      line += value.split('\n').length - 1;
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s,;()|<>"]/.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      const number = Number(word);
      if (spineDepth === 0) {
        top().items.push({ kind: 'atom', value: Number.isFinite(number) ? number : word, quoted: false, line });
      }
      i = j;
    }
  }
  if (stack.length > 1) {
    throw morphologyError(path, `unbalanced parentheses: the '(' opened on line ${top().line} is never closed`);
  }
  return root.items;
}

