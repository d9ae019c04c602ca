import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Morphology, MorphologySection, NeuriteType } from '../scene/morphology/model.js';
import { toAsc, toSwc, writeH5Morphology } from '../scene/morphology/write.js';

export type SampleMorphologyFormat = 'swc' | 'asc' | 'h5';

export interface SampleMorphologyOptions {
  /** How many different neurons (default 3). Names are `sample_pyramidal_<i>`. */
  count?: number;
  /** Formats written for each neuron (default all three, same shape in each). */
  formats?: SampleMorphologyFormat[];
  /**
   * How the SWC files hold the soma (see `SwcOptions`): `three-point` gives a soma Brayns 3.x
   * draws; `chain` (default, the bytes of the committed sample circuit) one it only draws in R1/R2.
   */
  swcSoma?: 'chain' | 'three-point';
}

/**
 * Writes a few synthetic pyramidal-like neurons (soma contour, apical dendrite with a tuft,
 * basal dendrites, an axon with collaterals) into `dir`, each as `<name>.swc`, `<name>.asc`
 * and `<name>.h5` describing the same morphology. Returns the names (without extension), which
 * is what a circuit's morphology column holds. Deterministic: same inputs, same files.
 */
export async function generateSampleMorphologies(dir: string, options: SampleMorphologyOptions = {}): Promise<string[]> {
  const count = options.count ?? 3;
  const formats = options.formats ?? ['swc', 'asc', 'h5'];
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `sample_pyramidal_${i}`;
    const morphology = sampleNeuron(i, name);
    for (const format of formats) {
      await writeSampleMorphology(morphology, join(dir, `${name}.${format}`), format, options.swcSoma ?? 'chain');
    }
    names.push(name);
  }
  return names;
}

export async function writeSampleMorphology(
  morphology: Morphology,
  path: string,
  format: SampleMorphologyFormat,
  swcSoma: 'chain' | 'three-point' = 'chain',
): Promise<void> {
  if (format === 'h5') await writeH5Morphology(morphology, path);
  else await writeFile(path, format === 'swc' ? toSwc(morphology, { contourSoma: swcSoma }) : toAsc(morphology));
}

/**
 * The synthetic neuron number `variant`: soma of radius ~8 µm at the origin, apical trunk up +y
 * (~350 µm) ending in a tuft, four basal dendrites around the soma, axon down -y with two
 * collaterals. Values are rounded so that text formats represent them exactly.
 */
export function sampleNeuron(variant: number, name = `sample_pyramidal_${variant}`): Morphology {
  const random = lcg(variant + 1);
  const sections: MorphologySection[] = [];
  const somaRadius = 7 + (variant % 3);
  const somaPoints: number[] = [];
  const somaDiameters: number[] = [];
  for (let i = 0; i < 8; i++) {
    const a = (i / 8) * 2 * Math.PI;
    somaPoints.push(round(somaRadius * Math.cos(a)), round(somaRadius * Math.sin(a)), 0);
    somaDiameters.push(0);
  }

  const grow = (type: NeuriteType, parent: number, start: number[], dir: number[], length: number, d0: number, d1: number): number => {
    const steps = Math.max(2, Math.round(length / 10));
    const pts: number[] = [];
    const ds: number[] = [];
    const unit = normalise(dir);
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      // A little deterministic wiggle so the neurite does not look ruler-drawn.
      const wiggle = i === 0 ? 0 : (random() - 0.5) * 2;
      pts.push(
        round((start[0] as number) + (unit[0] as number) * length * t + wiggle),
        round((start[1] as number) + (unit[1] as number) * length * t),
        round((start[2] as number) + (unit[2] as number) * length * t - wiggle),
      );
      ds.push(roundDiameter(d0 + (d1 - d0) * t));
    }
    // The first sample of a child is its parent's last one (the duplicate MorphIO keeps), width included.
    const parentSection = sections[parent];
    if (parentSection !== undefined) ds[0] = parentSection.diameters[parentSection.diameters.length - 1] as number;
    sections.push({ type, parent, points: Float32Array.from(pts), diameters: Float32Array.from(ds) });
    return sections.length - 1;
  };
  const end = (s: number): number[] => {
    const section = sections[s] as MorphologySection;
    const n = section.diameters.length - 1;
    return [section.points[3 * n] as number, section.points[3 * n + 1] as number, section.points[3 * n + 2] as number];
  };
  const fork = (type: NeuriteType, parent: number, dirs: number[][], length: number, d0: number, d1: number): number[] =>
    dirs.map((dir) => grow(type, parent, end(parent), dir, length * (0.8 + 0.4 * random()), d0, d1));

  const tilt = (random() - 0.5) * 0.3;
  const trunk = grow('apical', -1, [0, somaRadius, 0], [tilt, 1, 0], 250 + 50 * random(), 4, 2.5);
  for (const branch of fork('apical', trunk, [[-0.6, 1, 0.2], [0.6, 1, -0.2]], 90, 2, 1.2)) {
    fork('apical', branch, [[-0.5, 1, 0.4], [0.5, 1, -0.4]], 50, 1, 0.6);
  }
  for (let b = 0; b < 4; b++) {
    const a = (b / 4) * 2 * Math.PI + random();
    const dir = [Math.cos(a), -0.4 - 0.3 * random(), Math.sin(a)];
    const start = [round(somaRadius * Math.cos(a)), 0, round(somaRadius * Math.sin(a))];
    const root = grow('basal', -1, start, dir, 60 + 30 * random(), 1.6, 1);
    fork('basal', root, [[dir[0] as number, -0.8, (dir[2] as number) + 0.6], [(dir[0] as number) + 0.6, -0.8, dir[2] as number]], 60, 0.9, 0.5);
  }
  const axon = grow('axon', -1, [0, -somaRadius, 0], [0.05, -1, 0], 150 + 40 * random(), 1.2, 1);
  for (const branch of fork('axon', axon, [[0.7, -1, 0], [-0.3, -1, 0.5]], 120, 0.8, 0.5)) {
    fork('axon', branch, [[0.5, -1, 0.5], [-0.5, -1, -0.5]], 60, 0.5, 0.4);
  }
  return {
    path: name,
    soma: { kind: 'contour', points: Float32Array.from(somaPoints), diameters: Float32Array.from(somaDiameters) },
    sections: depthFirst(sections),
  };
}

/** MorphIO numbers sections depth-first whatever the format; the H5 file is written in that order too. */
function depthFirst(sections: MorphologySection[]): MorphologySection[] {
  const out: MorphologySection[] = [];
  const visit = (s: number, parent: number): void => {
    const section = sections[s] as MorphologySection;
    const index = out.length;
    out.push({ ...section, parent });
    sections.forEach((child, c) => {
      if (child.parent === s) visit(c, index);
    });
  };
  sections.forEach((section, s) => {
    if (section.parent < 0) visit(s, -1);
  });
  return out;
}

function lcg(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function normalise(v: number[]): number[] {
  const n = Math.hypot(...v) || 1;
  return v.map((c) => c / n);
}

/** Multiples of 1/64 are exact in float32 and in short decimal text. */
function round(value: number): number {
  return Math.round(value * 64) / 64 + 0; // + 0 turns -0 into 0
}

/** Even multiples of 1/64, so that SWC's radius (d/2) is exact too. */
function roundDiameter(value: number): number {
  return Math.round(value * 32) / 32;
}
