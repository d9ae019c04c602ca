import type { Revision } from '@render-recipes/protocol';
import type { Morphology, MorphologySection } from './model.js';
import { sectionSmoothRadii, smoothRadii } from './radii.js';

/** What one morphology contributes to a cell, in the morphology's own frame (before placement). */
export interface MorphologyTemplate {
  /** xyz + radius per sphere. */
  spheres: Float32Array;
  /** xyz of both ends per cone. */
  coneEnds: Float32Array;
  /** Radius at each end per cone. */
  coneRadii: Float32Array;
  /**
   * Compartment-report section of each sphere / cone, numbered as Brayns numbers them: -1 for the
   * soma (and its joins to the neurites), k + 1 for the morphology's section k (MorphIO's id + 1).
   */
  sphereSection: Int32Array;
  coneSection: Int32Array;
}

export interface TemplateOptions {
  revision: Revision;
  radiusMultiplier: number;
  sections: { soma: boolean; axon: boolean; dendrites: boolean };
  geometryType?: 'original' | 'smooth' | 'section_smooth' | 'constant_radii' | 'spheres';
}

/**
 * Spheres and cones of one morphology, per revision (PROTOCOL §6.3; read from the Brayns sources):
 * - sample radii: R1 takes MorphIO diameters as radii, R2/R3 halve them; all × radius_multiplier;
 *   then smoothed (radii.ts) for geometry_type `smooth` (R1: always) or `section_smooth`;
 *   `constant_radii` makes every radius the multiplier; `original` and `spheres` keep them;
 * - R1/R2 soma: a sphere at the mean soma point, radius = mean distance to it × multiplier, plus a
 *   cone from that sphere to the first sample of each root section;
 * - R3 soma by kind: single point = sphere of its radius; three-point = cylinder along y;
 *   cylinders = cones between soma points; contour = mean-centre sphere of mean distance (not
 *   multiplied, it comes from positions) plus cones to each root section's first sample;
 * - geometry_type `spheres` (R3): one sphere per soma point and per sample instead.
 * Every cone between two consecutive samples is kept except zero-length ones (the duplicate joint).
 */
export function buildTemplate(morphology: Morphology, options: TemplateOptions): MorphologyTemplate {
  const { revision, radiusMultiplier: k } = options;
  const geometryType = options.geometryType ?? 'smooth';
  const radiusScale = (revision === 'R1' ? 1 : 0.5) * k;
  // R2/R3 clamp negative widths to 0 when reading; R1 takes them as they are.
  const sample = (d: number): number => (geometryType === 'constant_radii' ? k : (revision === 'R1' ? d : Math.max(d, 0)) * radiusScale);
  const spheres: number[] = [];
  const sphereSection: number[] = [];
  const ends: number[] = [];
  const radii: number[] = [];
  const coneSection: number[] = [];
  const sphere = (x: number, y: number, z: number, r: number, section: number): void => {
    spheres.push(x, y, z, r);
    sphereSection.push(section);
  };
  const cone = (a: ArrayLike<number>, ai: number, ra: number, b: ArrayLike<number>, bi: number, rb: number, section: number): void => {
    const ax = a[3 * ai] as number, ay = a[3 * ai + 1] as number, az = a[3 * ai + 2] as number;
    const bx = b[3 * bi] as number, by = b[3 * bi + 1] as number, bz = b[3 * bi + 2] as number;
    if (ax === bx && ay === by && az === bz) return;
    ends.push(ax, ay, az, bx, by, bz);
    radii.push(ra, rb);
    coneSection.push(section);
  };
  const SOMA = -1;
  const done = (): MorphologyTemplate => ({
    spheres: Float32Array.from(spheres),
    coneEnds: Float32Array.from(ends),
    coneRadii: Float32Array.from(radii),
    sphereSection: Int32Array.from(sphereSection),
    coneSection: Int32Array.from(coneSection),
  });

  const kept = keptSections(morphology.sections, options.sections);
  const sectionRadii = kept.map((section) => Float32Array.from(section.diameters, sample));
  const soma = morphology.soma;
  const hasSoma = options.sections.soma && soma.kind !== 'none' && soma.points.length > 0;
  // R1/R2 model every soma as a mean-centre sphere; so does R3 for contours.
  const meanSoma = hasSoma && (revision !== 'R3' || soma.kind === 'contour');
  const centre = meanSoma ? meanPoint(soma.points) : [0, 0, 0];
  const distance = meanSoma ? meanDistance(soma.points, centre) : 0;
  const somaRadius = revision === 'R3' ? distance : distance * k;
  if (revision !== 'R1' && geometryType === 'section_smooth') sectionSmoothRadii(kept, sectionRadii);
  else if (revision === 'R1' || geometryType === 'smooth') smoothRadii(kept, sectionRadii, revision, meanSoma ? somaRadius : null);

  if (geometryType === 'spheres' && revision === 'R3') {
    for (let i = 0; hasSoma && i < soma.diameters.length; i++) {
      sphere(soma.points[3 * i] as number, soma.points[3 * i + 1] as number, soma.points[3 * i + 2] as number, sample(soma.diameters[i] as number), SOMA);
    }
    kept.forEach((section, s) => {
      const r = sectionRadii[s] as Float32Array;
      for (let i = 0; i < r.length; i++) sphere(section.points[3 * i] as number, section.points[3 * i + 1] as number, section.points[3 * i + 2] as number, r[i] as number, section.id + 1);
    });
    return done();
  }

  if (hasSoma) {
    if (meanSoma) {
      sphere(centre[0] as number, centre[1] as number, centre[2] as number, somaRadius, SOMA);
      kept.forEach((section, s) => {
        if (section.parent === -1 && section.points.length >= 3) cone(centre, 0, somaRadius, section.points, 0, (sectionRadii[s] as Float32Array)[0] as number, SOMA);
      });
    } else if (soma.kind === 'single') {
      sphere(soma.points[0] as number, soma.points[1] as number, soma.points[2] as number, sample(soma.diameters[0] as number), SOMA);
    } else if (soma.kind === 'three-point') {
      const r = sample(soma.diameters[0] as number);
      const [x, y, z] = [soma.points[0] as number, soma.points[1] as number, soma.points[2] as number];
      cone([x, y + r, z], 0, r, [x, y - r, z], 0, r, SOMA);
    } else {
      for (let i = 1; i < soma.diameters.length; i++) {
        cone(soma.points, i - 1, sample(soma.diameters[i - 1] as number), soma.points, i, sample(soma.diameters[i] as number), SOMA);
      }
    }
  }
  kept.forEach((section, s) => {
    const r = sectionRadii[s] as Float32Array;
    for (let i = 1; i < r.length; i++) cone(section.points, i - 1, r[i - 1] as number, section.points, i, r[i] as number, section.id + 1);
  });
  return done();
}

/** A section kept for drawing, with its index in the file's section list (MorphIO's section id). */
type KeptSection = MorphologySection & { id: number };

/**
 * Brayns keeps axon sections for `axon`, basal and apical ones for `dendrites`, and drops other
 * types. Parent indices are renumbered into the kept list.
 */
function keptSections(sections: MorphologySection[], wanted: TemplateOptions['sections']): KeptSection[] {
  const index = new Int32Array(sections.length).fill(-1);
  const kept: KeptSection[] = [];
  sections.forEach((s, i) => {
    if (!(s.type === 'axon' ? wanted.axon : s.type === 'custom' ? false : wanted.dendrites)) return;
    index[i] = kept.length;
    // -2: the parent was dropped; Brayns then treats the section as neither a root nor a child.
    kept.push({ ...s, id: i, parent: s.parent < 0 ? -1 : index[s.parent] === -1 ? -2 : (index[s.parent] as number) });
  });
  return kept;
}
function meanPoint(points: Float32Array): number[] {
  const n = points.length / 3;
  const centre = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) centre[c] = (centre[c] as number) + (points[3 * i + c] as number) / n;
  return centre;
}

function meanDistance(points: Float32Array, centre: number[]): number {
  const n = points.length / 3;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += Math.hypot(
      (points[3 * i] as number) - (centre[0] as number),
      (points[3 * i + 1] as number) - (centre[1] as number),
      (points[3 * i + 2] as number) - (centre[2] as number),
    );
  }
  return sum / n;
}
