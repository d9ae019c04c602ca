/**
 * One in-memory morphology, whatever file it came from. Every reader (SWC, Neurolucida ASCII,
 * HDF5) produces this shape so that the same neuron gives the same geometry in every format.
 *
 * Invariants (the readers guarantee them, the geometry builder relies on them):
 * - coordinates are in the morphology's own frame (µm), before any cell placement;
 * - widths are DIAMETERS, as MorphIO reports them (SWC radii are doubled on reading);
 * - a child section starts with a copy of its parent's last sample (MorphIO's duplicate point),
 *   so consecutive samples of one section are all the cones a section needs;
 * - sections are ordered so that a parent always comes before its children.
 */

/** Neurite kinds; `custom` covers SWC/H5 types above 4 (drawn with the dendrites). */
export type NeuriteType = 'axon' | 'basal' | 'apical' | 'custom';

export interface MorphologySection {
  type: NeuriteType;
  /** xyz per sample. */
  points: Float32Array;
  /** Diameter per sample. */
  diameters: Float32Array;
  /** Index of the parent section in `sections`, or -1 for a root section (attached to the soma). */
  parent: number;
}

/**
 * How MorphIO classifies the soma: by point count, and for SWC by layout. Brayns R3 draws each
 * kind differently (see template.ts); R1/R2 always use the mean centre and mean distance.
 * - `single`: one point, a sphere of that point's diameter;
 * - `three-point`: SWC NeuroMorpho cylinder (a centre point with two soma children);
 * - `cylinders`: other SWC somata of 3+ points, a stack of cones;
 * - `contour`: ASC/H5 somata of 3+ points, an outline;
 * - `none`: no soma, or two points (undefined for MorphIO).
 */
export type SomaKind = 'none' | 'single' | 'three-point' | 'cylinders' | 'contour';

export interface Morphology {
  /** The file it was read from (for messages). */
  path: string;
  soma: {
    kind: SomaKind;
    /** xyz per soma point (contour, cylinder stack or single point); may be empty. */
    points: Float32Array;
    diameters: Float32Array;
  };
  sections: MorphologySection[];
}

/** The ASC/H5 rule (MorphIO): one point is a sphere, three or more a contour, two nothing. */
export function contourSomaKind(pointCount: number): SomaKind {
  return pointCount === 1 ? 'single' : pointCount >= 3 ? 'contour' : 'none';
}

/** SWC / H5 section type numbers (1 is the soma, handled apart). */
export function neuriteTypeFromCode(code: number): NeuriteType | null {
  switch (code) {
    case 2:
      return 'axon';
    case 3:
      return 'basal';
    case 4:
      return 'apical';
    default:
      return code > 4 ? 'custom' : null;
  }
}

export function neuriteTypeCode(type: NeuriteType): number {
  return type === 'axon' ? 2 : type === 'basal' ? 3 : type === 'apical' ? 4 : 5;
}

/** Growable pair of xyz + diameter arrays, used by the text readers while parsing. */
export class SampleList {
  private xyz: number[] = [];
  private d: number[] = [];

  get length(): number {
    return this.d.length;
  }

  push(x: number, y: number, z: number, diameter: number): void {
    this.xyz.push(x, y, z);
    this.d.push(diameter);
  }

  /** The sample at `i` as [x, y, z, diameter]. */
  at(i: number): [number, number, number, number] {
    return [this.xyz[3 * i] ?? 0, this.xyz[3 * i + 1] ?? 0, this.xyz[3 * i + 2] ?? 0, this.d[i] ?? 0];
  }

  points(): Float32Array {
    return Float32Array.from(this.xyz);
  }

  diameters(): Float32Array {
    return Float32Array.from(this.d);
  }
}

/** Prepends the parent's last sample to a child section unless it is already there. */
export function withParentJoint(child: SampleList, parent: SampleList): SampleList {
  if (parent.length === 0) return child;
  const last = parent.at(parent.length - 1);
  if (child.length > 0) {
    const first = child.at(0);
    if (first[0] === last[0] && first[1] === last[1] && first[2] === last[2]) return child;
  }
  const joined = new SampleList();
  joined.push(...last);
  for (let i = 0; i < child.length; i++) joined.push(...child.at(i));
  return joined;
}
