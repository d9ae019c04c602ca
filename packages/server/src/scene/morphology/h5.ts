import { isRenderRecipesError } from '@render-recipes/protocol';
import { morphologyError } from './errors.js';
import { contourSomaKind, neuriteTypeFromCode, type Morphology, type MorphologySection } from './model.js';
import { openH5, readNumbers, type H5File } from './h5-file.js';

/**
 * HDF5 morphologies (MorphIO "h5v1"): `/points` is N×4 float (x, y, z, diameter); `/structure`
 * is M×3 int (first point offset, section type, parent section). The soma is the section of
 * type 1; neurite sections whose parent is the soma (or -1) are roots. Section points run from
 * their offset to the next section's offset. Child sections already carry the parent's last
 * point (the format stores the duplicate), which is what the model expects.
 */
export async function readH5Morphology(path: string): Promise<Morphology> {
  const file = await openH5(path, (detail, cause) => morphologyError(path, detail, cause));
  try {
    return fromFile(file, path);
  } catch (error) {
    if (isRenderRecipesError(error)) throw error;
    throw morphologyError(path, `HDF5 read failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, error);
  } finally {
    file.close();
  }
}

function fromFile(file: H5File, path: string): Morphology {
  const points = readTable(file, path, 'points', 4);
  const structure = readTable(file, path, 'structure', 3);
  const pointCount = points.length / 4;
  const sectionCount = structure.length / 3;

  const somaPoints: number[] = [];
  const somaDiameters: number[] = [];
  // File section index -> index in `sections` (soma and skipped sections map to -1).
  const remap = new Int32Array(sectionCount).fill(-1);
  const sections: MorphologySection[] = [];
  for (let s = 0; s < sectionCount; s++) {
    const start = structure[3 * s] as number;
    const code = structure[3 * s + 1] as number;
    const parent = structure[3 * s + 2] as number;
    const end = s + 1 < sectionCount ? (structure[3 * (s + 1)] as number) : pointCount;
    if (!(start >= 0 && end >= start && end <= pointCount)) {
      throw morphologyError(path, `/structure row ${s}: point range ${start}..${end} is outside /points (${pointCount} rows)`);
    }
    if (parent >= s) throw morphologyError(path, `/structure row ${s}: parent ${parent} does not come before the section`);
    if (code === 1) {
      for (let p = start; p < end; p++) {
        somaPoints.push(points[4 * p] as number, points[4 * p + 1] as number, points[4 * p + 2] as number);
        somaDiameters.push(points[4 * p + 3] as number);
      }
      continue;
    }
    const type = neuriteTypeFromCode(code);
    if (type === null) throw morphologyError(path, `/structure row ${s}: unknown section type ${code}`);
    const xyz = new Float32Array(3 * (end - start));
    const diameters = new Float32Array(end - start);
    for (let p = start; p < end; p++) {
      xyz.set([points[4 * p] as number, points[4 * p + 1] as number, points[4 * p + 2] as number], 3 * (p - start));
      diameters[p - start] = points[4 * p + 3] as number;
    }
    remap[s] = sections.length;
    sections.push({ type, points: xyz, diameters, parent: parent < 0 ? -1 : (remap[parent] as number) });
  }
  return {
    path,
    soma: {
      kind: contourSomaKind(somaDiameters.length),
      points: Float32Array.from(somaPoints), diameters: Float32Array.from(somaDiameters) },
    sections,
  };
}

function readTable(file: H5File, path: string, name: string, columns: number): ArrayLike<number> {
  const table = readNumbers(file, name);
  if (table === null) throw morphologyError(path, `no /${name} dataset (is this an h5v1 morphology?)`);
  if (table.shape.length !== 2 || table.shape[1] !== columns) {
    throw morphologyError(path, `/${name} should be N×${columns}, found shape [${table.shape.join(', ')}]`);
  }
  return table.values;
}
