import { parseAscSyntax, type AscList, type AscNode } from './asc-syntax.js';
import { morphologyError } from './errors.js';
import { SampleList, contourSomaKind, withParentJoint, type Morphology, type MorphologySection, type NeuriteType } from './model.js';

/** Deepest branch nesting read; deeper files are refused instead of exhausting the call stack. */
const MAX_DEPTH = 2000;

/**
 * Neurolucida ASCII (.asc): a soma contour `("CellBody" (x y z d) …)` or `((CellBody) …)`, and
 * neurite trees `((Dendrite) | (Axon) | (Apical) (x y z d) … ( branch | branch ))`. Everything
 * else (image settings, markers such as `(Dot …)`, properties such as `(Color Red)`, end words
 * such as `Normal`, spines) is skipped. Like MorphIO, a child branch gets its parent's last sample
 * prepended, and a branch holding only that duplicate is dropped.
 */
export function parseAsc(text: string, path: string): Morphology {
  const forms = parseAscSyntax(text, path);
  const soma = new SampleList();
  let somaLine = 0;
  const sections: MorphologySection[] = [];
  const samples: SampleList[] = [];

  for (const form of forms) {
    if (form.kind !== 'list') continue;
    const tag = formTag(form);
    if (tag === null) continue;
    if (tag === 'soma') {
      if (somaLine > 0) {
        throw morphologyError(path, `line ${form.line}: a second CellBody (the first is on line ${somaLine}); only one soma is supported`);
      }
      somaLine = form.line;
      for (const item of form.items) {
        if (item.kind === 'list' && isPoint(item)) pushPoint(soma, item, path);
      }
      continue;
    }
    readBranch(form.items, tag, -1, 0);
  }
  return { path, soma: { kind: contourSomaKind(soma.length), points: soma.points(), diameters: soma.diameters() }, sections };

  function readBranch(items: AscNode[], type: NeuriteType, parent: number, depth: number): void {
    if (depth > MAX_DEPTH) throw morphologyError(path, `branches nested more than ${MAX_DEPTH} levels deep`);
    let list = new SampleList();
    let forks: AscNode[][] = [];
    for (const item of items) {
      if (item.kind !== 'list') continue;
      if (isPoint(item)) {
        if (forks.length > 0) throw morphologyError(path, `line ${item.line}: a point after the branches of its section`);
        pushPoint(list, item, path);
      } else if (isBranchGroup(item)) {
        forks = splitAtBars(item.items);
      }
    }
    if (parent >= 0) {
      list = withParentJoint(list, samples[parent] as SampleList);
      if (list.length < 2) return;
    } else if (list.length === 0) {
      return;
    }
    const index = sections.length;
    samples.push(list);
    sections.push({ type, points: list.points(), diameters: list.diameters(), parent });
    for (const fork of forks) readBranch(fork, type, index, depth + 1);
  }
}

/** 'soma', a neurite type, or null for forms that are not part of the neuron. */
function formTag(form: AscList): 'soma' | NeuriteType | null {
  const head = form.items[0];
  if (head?.kind === 'atom' && head.quoted && head.value === 'CellBody') return 'soma';
  for (const item of form.items) {
    if (item.kind !== 'list' || item.items.length !== 1) continue;
    const only = item.items[0];
    if (only?.kind !== 'atom' || only.quoted) continue;
    switch (only.value) {
      case 'CellBody':
        return 'soma';
      case 'Axon':
        return 'axon';
      case 'Dendrite':
        return 'basal';
      case 'Apical':
        return 'apical';
    }
  }
  return null;
}

function isPoint(list: AscList): boolean {
  return list.items[0]?.kind === 'atom' && typeof list.items[0].value === 'number';
}

/** A list of sibling branches starts with a sub-list or a bar; markers and properties start with a word. */
function isBranchGroup(list: AscList): boolean {
  const head = list.items[0];
  return head !== undefined && (head.kind === 'bar' || head.kind === 'list');
}

function splitAtBars(items: AscNode[]): AscNode[][] {
  const groups: AscNode[][] = [[]];
  for (const item of items) {
    if (item.kind === 'bar') groups.push([]);
    else (groups[groups.length - 1] as AscNode[]).push(item);
  }
  return groups;
}

function pushPoint(target: SampleList, point: AscList, path: string): void {
  const numbers: number[] = [];
  for (const item of point.items) {
    if (item.kind === 'atom' && typeof item.value === 'number') numbers.push(item.value);
    else break;
  }
  if (numbers.length < 3) {
    throw morphologyError(path, `line ${point.line}: a point needs x y z and a diameter, found ${numbers.length} numbers`);
  }
  const [x, y, z, d] = numbers as [number, number, number, number | undefined];
  target.push(x, y, z, d ?? 0);
}
