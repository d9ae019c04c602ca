import { morphologyError } from './errors.js';
import { SampleList, neuriteTypeFromCode, withParentJoint, type Morphology, type MorphologySection, type NeuriteType, type SomaKind } from './model.js';

interface SwcRow {
  id: number;
  type: number;
  x: number;
  y: number;
  z: number;
  radius: number;
  parent: number;
  line: number;
}

/**
 * SWC: one sample per line, `id type x y z radius parent` (type 1 soma, 2 axon, 3 basal,
 * 4 apical), `#` comments. Ids need not be sorted; a parent must exist. Sections are cut where
 * a sample forks or the type changes, as MorphIO does, and SWC radii become diameters.
 */
export function parseSwc(text: string, path: string): Morphology {
  const rows = readRows(text, path);
  const byId = new Map<number, SwcRow>();
  for (const row of rows) {
    if (byId.has(row.id)) throw morphologyError(path, `line ${row.line}: sample id ${row.id} is used twice`);
    byId.set(row.id, row);
  }
  const children = new Map<number, SwcRow[]>();
  for (const row of rows) {
    if (row.parent < 0) continue;
    if (!byId.has(row.parent)) {
      throw morphologyError(path, `line ${row.line}: parent id ${row.parent} of sample ${row.id} does not exist`);
    }
    const list = children.get(row.parent);
    if (list) list.push(row);
    else children.set(row.parent, [row]);
  }

  const soma = new SampleList();
  for (const row of rows) if (row.type === 1) soma.push(row.x, row.y, row.z, 2 * row.radius);

  const sections: MorphologySection[] = [];
  const samples: SampleList[] = [];
  // Each pending entry starts a section at `first`, child of section `parent` (-1 = root).
  const pending: { first: SwcRow; parent: number }[] = [];
  for (const row of rows) {
    if (row.type === 1) continue;
    const parentRow = row.parent < 0 ? undefined : byId.get(row.parent);
    if (parentRow === undefined || parentRow.type === 1) pending.push({ first: row, parent: -1 });
  }
  pending.reverse();
  while (pending.length > 0) {
    const { first, parent } = pending.pop() as { first: SwcRow; parent: number };
    const type = sectionType(first, path);
    let list = new SampleList();
    let current = first;
    for (;;) {
      list.push(current.x, current.y, current.z, 2 * current.radius);
      const next = children.get(current.id) ?? [];
      if (next.length === 1 && next[0]?.type === current.type) {
        current = next[0];
        continue;
      }
      const index = sections.length;
      if (parent >= 0) list = withParentJoint(list, samples[parent] as SampleList);
      samples.push(list);
      sections.push({ type, points: list.points(), diameters: list.diameters(), parent });
      for (let i = next.length - 1; i >= 0; i--) {
        const child = next[i] as SwcRow;
        if (child.type === 1) throw morphologyError(path, `line ${child.line}: soma sample ${child.id} has a neurite parent`);
        pending.push({ first: child, parent: index });
      }
      break;
    }
  }
  const kind = swcSomaKind(rows, children);
  return { path, soma: { kind, points: soma.points(), diameters: soma.diameters() }, sections };
}

/** MorphIO's SWC soma rule: 1 point a sphere, 3 points with one centre and two children the NeuroMorpho cylinder. */
function swcSomaKind(rows: SwcRow[], children: Map<number, SwcRow[]>): SomaKind {
  const soma = rows.filter((row) => row.type === 1);
  if (soma.length === 1) return 'single';
  if (soma.length < 3) return 'none';
  if (soma.length === 3) {
    const centre = soma.find((row) => (children.get(row.id) ?? []).filter((c) => c.type === 1).length === 2);
    if (centre !== undefined) return 'three-point';
  }
  return 'cylinders';
}

function sectionType(row: SwcRow, path: string): NeuriteType {
  const type = neuriteTypeFromCode(row.type);
  if (type === null) throw morphologyError(path, `line ${row.line}: unknown sample type ${row.type}`);
  return type;
}

function readRows(text: string, path: string): SwcRow[] {
  const rows: SwcRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const content = (lines[i] ?? '').replace(/#.*/, '').trim();
    if (content === '') continue;
    const fields = content.split(/\s+/);
    if (fields.length !== 7) {
      throw morphologyError(path, `line ${i + 1}: expected 7 columns (id type x y z radius parent), found ${fields.length}`);
    }
    const values = fields.map(Number);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw morphologyError(path, `line ${i + 1}: column ${bad + 1} is not a number: '${fields[bad]}'`);
    const [id, type, x, y, z, radius, parent] = values as [number, number, number, number, number, number, number];
    rows.push({ id, type, x, y, z, radius, parent, line: i + 1 });
  }
  if (rows.length === 0) throw morphologyError(path, 'no samples (the file is empty or only comments)');
  return rows;
}
