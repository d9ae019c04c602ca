import type { Revision } from '@render-recipes/protocol';
import type { MorphologySection } from './model.js';

/** Brayns never lets a sample radius differ from its predecessor's by more than 7 %. */
const MAX_CHANGE = 0.07;
/** R1/R2 start every root section at 40 % of the soma radius when the soma is loaded. */
const SOMA_START = 0.4;
/** `section_smooth` narrows each generation of sections by 11 %. */
const SECTION_CHANGE = 0.11;

/**
 * Radius smoothing as Brayns does it (`NeuronMorphologyProcessor` R1, `Smoother` R2/R3): walking
 * from parents to children, each sample's radius is clamped to within 7 % of the previous one
 * (a child's first sample against its parent's last). R1/R2 first set every root section's first
 * sample to 0.4 × the soma radius when there is a soma; R3 keeps it. `radii[i]` belongs to
 * `sections[i]`; parents come before children, so one pass in order is a breadth-first walk.
 */
export function smoothRadii(
  sections: MorphologySection[],
  radii: Float32Array[],
  revision: Revision,
  somaRadius: number | null,
): void {
  const kernel = revision === 'R1' ? r1Kernel : r3Kernel;
  sections.forEach((section, s) => {
    const own = radii[s] as Float32Array;
    if (own.length === 0) return;
    const parent = section.parent >= 0 ? radii[section.parent] : undefined;
    if (parent !== undefined && parent.length > 0) {
      own[0] = kernel(own[0] as number, parent[parent.length - 1] as number);
    } else if (section.parent === -1 && somaRadius !== null && revision !== 'R3') {
      own[0] = somaRadius * SOMA_START;
    }
    for (let i = 1; i < own.length; i++) own[i] = kernel(own[i] as number, own[i - 1] as number);
  });
}

function clamp(radius: number, parent: number): number {
  const max = parent * MAX_CHANGE;
  if (Math.abs(radius - parent) <= max) return radius;
  return radius > parent ? parent + max : parent - max;
}

/** R1: clamp, then a non-positive result takes the parent's radius. */
function r1Kernel(radius: number, parent: number): number {
  const clamped = clamp(radius, parent);
  return clamped <= 0 ? parent : clamped;
}

/** R2/R3: a zero radius takes the parent's, others are clamped. */
function r3Kernel(radius: number, parent: number): number {
  return radius === 0 ? parent : clamp(radius, parent);
}

/** `section_smooth` (R2/R3): every child section takes 89 % of its parent's first radius, throughout. */
export function sectionSmoothRadii(sections: MorphologySection[], radii: Float32Array[]): void {
  sections.forEach((section, s) => {
    const parent = section.parent >= 0 ? radii[section.parent] : undefined;
    if (parent === undefined || parent.length === 0) return;
    (radii[s] as Float32Array).fill((parent[0] as number) * (1 - SECTION_CHANGE));
  });
}
