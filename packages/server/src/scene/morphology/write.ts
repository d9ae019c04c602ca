import { writeFile } from 'node:fs/promises';
import { loadH5wasm } from '../hdf5.js';
import { neuriteTypeCode, type Morphology } from './model.js';

/**
 * Writers for the three formats, used by the sample generator and the tests: the same
 * morphology written in each format reads back as the same morphology (up to text precision).
 * Child sections are written without the parent-joint duplicate in SWC/ASC (readers add it back)
 * and with it in H5 (the format stores it).
 */
export interface SwcOptions {
  /**
   * How a soma contour is written: `chain` keeps its points as a chain of soma samples (MorphIO
   * reads that as a cylinder stack, which Brayns 3.x draws with the contour's zero widths, so the
   * soma is invisible there); `three-point` writes the NeuroMorpho three-point soma. Default chain.
   */
  contourSoma?: 'chain' | 'three-point';
}

export function toSwc(morphology: Morphology, options: SwcOptions = {}): string {
  const lines = ['# written by render-recipes', '# id type x y z radius parent'];
  const { sections } = morphology;
  const soma = options.contourSoma === 'three-point' ? swcSoma(morphology.soma) : { ...morphology.soma, threePoint: false };
  let id = 0;
  let somaRoot = -1;
  for (let i = 0; i < soma.diameters.length; i++) {
    id++;
    // A soma chain, except the NeuroMorpho form where both outer points hang off the centre.
    const parent = i === 0 ? -1 : soma.threePoint ? somaRoot : id - 1;
    lines.push(swcLine(id, 1, soma.points, i, (soma.diameters[i] as number) / 2, parent));
    if (i === 0) somaRoot = id;
  }
  const lastId = new Int32Array(sections.length);
  sections.forEach((section, s) => {
    let parent = section.parent < 0 ? somaRoot : (lastId[section.parent] as number);
    const skip = section.parent < 0 ? 0 : 1;
    for (let i = skip; i < section.diameters.length; i++) {
      id++;
      lines.push(swcLine(id, neuriteTypeCode(section.type), section.points, i, (section.diameters[i] as number) / 2, parent));
      parent = id;
    }
    lastId[s] = parent;
  });
  return `${lines.join('\n')}\n`;
}

/**
 * SWC has no soma contour: the usual conversion writes the NeuroMorpho three-point soma (centre,
 * then centre ± r along y, r = mean distance of the contour to its centre), which MorphIO-based
 * readers (and Brayns 3.x) draw as a solid soma.
 */
function swcSoma(soma: Morphology['soma']): Morphology['soma'] & { threePoint: boolean } {
  const n = soma.diameters.length;
  if (soma.kind !== 'contour' || n < 3) return { ...soma, threePoint: false };
  const c = [0, 1, 2].map((axis) => soma.points.filter((_, k) => k % 3 === axis).reduce((a, b) => a + b, 0) / n) as [number, number, number];
  let r = 0;
  for (let i = 0; i < n; i++) r += Math.hypot((soma.points[3 * i] as number) - c[0], (soma.points[3 * i + 1] as number) - c[1], (soma.points[3 * i + 2] as number) - c[2]) / n;
  return {
    kind: 'three-point',
    points: Float32Array.from([c[0], c[1], c[2], c[0], c[1] - r, c[2], c[0], c[1] + r, c[2]]),
    diameters: Float32Array.from([2 * r, 2 * r, 2 * r]),
    threePoint: true,
  };
}

export function toAsc(morphology: Morphology): string {
  const out: string[] = ['; written by render-recipes', '(ImageCoords Filename "none")', ''];
  const { soma, sections } = morphology;
  if (soma.diameters.length > 0) {
    out.push('("CellBody"', '  (Color Red)', '  (CellBody)');
    for (let i = 0; i < soma.diameters.length; i++) out.push(`  ${ascPoint(soma.points, i, soma.diameters[i] as number)}`);
    out.push(')', '');
  }
  const children = sections.map((_, s) => sections.flatMap((c, i) => (c.parent === s ? [i] : [])));
  const tag = { axon: 'Axon', basal: 'Dendrite', apical: 'Apical', custom: 'Dendrite' } as const;
  const writeSection = (s: number, indent: string): void => {
    const section = sections[s];
    if (section === undefined) return;
    const skip = section.parent < 0 ? 0 : 1;
    for (let i = skip; i < section.diameters.length; i++) out.push(`${indent}${ascPoint(section.points, i, section.diameters[i] as number)}`);
    const kids = children[s] ?? [];
    if (kids.length === 0) {
      out.push(`${indent}Normal`);
      return;
    }
    out.push(`${indent}(`);
    kids.forEach((kid, k) => {
      if (k > 0) out.push(`${indent}|`);
      writeSection(kid, `${indent}  `);
    });
    out.push(`${indent})`);
  };
  sections.forEach((section, s) => {
    if (section.parent >= 0) return;
    out.push(`( (Color Yellow)`, `  (${tag[section.type]})`);
    writeSection(s, '  ');
    out.push(')', '');
  });
  return `${out.join('\n')}\n`;
}

/** MorphIO h5v1: /points N×4 (x, y, z, diameter), /structure M×3 (offset, type, parent), /metadata. */
export async function writeH5Morphology(morphology: Morphology, path: string): Promise<void> {
  const h5wasm = (await loadH5wasm()).default;
  const points: number[] = [];
  const structure: number[] = [];
  const { soma, sections } = morphology;
  const push = (xyz: Float32Array, d: Float32Array): void => {
    for (let i = 0; i < d.length; i++) points.push(xyz[3 * i] as number, xyz[3 * i + 1] as number, xyz[3 * i + 2] as number, d[i] as number);
  };
  const somaRow = soma.diameters.length > 0 ? 0 : -1;
  if (somaRow === 0) {
    structure.push(0, 1, -1);
    push(soma.points, soma.diameters);
  }
  const rowOf = (s: number): number => s + (somaRow === 0 ? 1 : 0);
  sections.forEach((section) => {
    structure.push(points.length / 4, neuriteTypeCode(section.type), section.parent < 0 ? somaRow : rowOf(section.parent));
    push(section.points, section.diameters);
  });
  await writeFile(path, ''); // h5wasm's node build needs a path it may truncate
  const file = new h5wasm.File(path, 'w');
  try {
    file.create_dataset({ name: 'points', data: Float32Array.from(points), shape: [points.length / 4, 4] });
    file.create_dataset({ name: 'structure', data: Int32Array.from(structure), shape: [structure.length / 3, 3] });
    const metadata = file.create_group('metadata');
    metadata.create_attribute('version', new Uint32Array([1, 3]));
    metadata.create_attribute('cell_family', new Uint32Array([0]));
  } finally {
    file.close();
  }
}

function swcLine(id: number, type: number, xyz: Float32Array, i: number, radius: number, parent: number): string {
  return `${id} ${type} ${fmt(xyz[3 * i])} ${fmt(xyz[3 * i + 1])} ${fmt(xyz[3 * i + 2])} ${fmt(radius)} ${parent}`;
}

function ascPoint(xyz: Float32Array, i: number, diameter: number): string {
  return `(${fmt(xyz[3 * i])} ${fmt(xyz[3 * i + 1])} ${fmt(xyz[3 * i + 2])} ${fmt(diameter)})`;
}

function fmt(value: number | undefined): string {
  // 9 significant digits always round-trip a float32.
  return Number((value ?? 0).toPrecision(9)).toString();
}
