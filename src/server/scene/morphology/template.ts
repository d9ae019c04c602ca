import type { Revision } from '../../../brayns/types.js';
import type { Morphology, MorphologySection } from './model.js';

/** What one morphology contributes to a cell, in the morphology's own frame (before placement). */
export interface MorphologyTemplate {
  /** xyz + radius per sphere. */
  spheres: Float32Array;
  /** xyz of both ends per cone. */
  coneEnds: Float32Array;
  /** Radius at each end per cone. */
  coneRadii: Float32Array;
}

export interface TemplateOptions {
  revision: Revision;
  radiusMultiplier: number;
  sections: { soma: boolean; axon: boolean; dendrites: boolean };
}

/**
 * Spheres and cones of one morphology, per revision (PROTOCOL §6.3; read from the Brayns sources):
 * - neurite radii: R1 takes MorphIO diameters as radii, R2/R3 halve them; all × radius_multiplier;
 * - R1/R2 soma: a sphere at the mean soma point, radius = mean distance to it × multiplier, plus a
 *   cone from that sphere to the first sample of each root section;
 * - R3 soma by kind: single point = sphere of its radius; three-point = cylinder along y;
 *   cylinders = cones between soma points; contour = mean-centre sphere of mean distance (not
 *   multiplied, it comes from positions) plus cones to each root section's first sample.
 * Every cone between two consecutive samples is kept except zero-length ones (the duplicate joint).
 */
export function buildTemplate(morphology: Morphology, options: TemplateOptions): MorphologyTemplate {
  const { revision, radiusMultiplier: k } = options;
  const radiusScale = (revision === 'R1' ? 1 : 0.5) * k;
  const spheres: number[] = [];
  const ends: number[] = [];
  const radii: number[] = [];
  const cone = (a: ArrayLike<number>, ai: number, ra: number, b: ArrayLike<number>, bi: number, rb: number): void => {
    const ax = a[3 * ai] as number, ay = a[3 * ai + 1] as number, az = a[3 * ai + 2] as number;
    const bx = b[3 * bi] as number, by = b[3 * bi + 1] as number, bz = b[3 * bi + 2] as number;
    if (ax === bx && ay === by && az === bz) return;
    ends.push(ax, ay, az, bx, by, bz);
    radii.push(ra, rb);
  };

  const kept = keptSections(morphology.sections, options.sections);
  const roots = kept.filter((s) => s.parent < 0 && s.points.length >= 3);
  const soma = morphology.soma;
  if (options.sections.soma && soma.kind !== 'none' && soma.points.length > 0) {
    const n = soma.diameters.length;
    const connect = (centre: number[], radius: number): void => {
      spheres.push(centre[0] as number, centre[1] as number, centre[2] as number, radius);
      for (const root of roots) cone(centre, 0, radius, root.points, 0, (root.diameters[0] as number) * radiusScale);
    };
    if (revision !== 'R3' || soma.kind === 'contour') {
      const centre = meanPoint(soma.points);
      const radius = meanDistance(soma.points, centre);
      connect(centre, revision === 'R3' ? radius : radius * k);
    } else if (soma.kind === 'single') {
      spheres.push(soma.points[0] as number, soma.points[1] as number, soma.points[2] as number, (soma.diameters[0] as number) * radiusScale);
    } else if (soma.kind === 'three-point') {
      const r = (soma.diameters[0] as number) * radiusScale;
      const [x, y, z] = [soma.points[0] as number, soma.points[1] as number, soma.points[2] as number];
      cone([x, y + r, z], 0, r, [x, y - r, z], 0, r);
    } else {
      for (let i = 1; i < n; i++) {
        cone(soma.points, i - 1, (soma.diameters[i - 1] as number) * radiusScale, soma.points, i, (soma.diameters[i] as number) * radiusScale);
      }
    }
  }
  for (const section of kept) {
    const count = section.diameters.length;
    for (let i = 1; i < count; i++) {
      cone(
        section.points, i - 1, (section.diameters[i - 1] as number) * radiusScale,
        section.points, i, (section.diameters[i] as number) * radiusScale,
      );
    }
  }
  return { spheres: Float32Array.from(spheres), coneEnds: Float32Array.from(ends), coneRadii: Float32Array.from(radii) };
}

/** Brayns keeps axon sections for `axon`, basal and apical ones for `dendrites`, and drops other types. */
function keptSections(sections: MorphologySection[], wanted: TemplateOptions['sections']): MorphologySection[] {
  return sections.filter((s) => (s.type === 'axon' ? wanted.axon : s.type === 'custom' ? false : wanted.dendrites));
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
