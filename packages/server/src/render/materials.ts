import type { MaterialState } from '../state/material.js';

/**
 * A model's material as the integrator reads it: a few numbers per model (MATERIAL_FIELDS, below),
 * derived from what Brayns 3.10.1 hands OSPRay 2.10 (engine/material/types/*.cpp) and what OSPRay's
 * renderers do with it:
 *
 * - interactive (scivis) evaluates only OSPRay's `obj` material (phong, ghost): diffuse = colour x
 *   d, transmission 1 - d (render/scivis/surfaces.ih evalMaterial). Every other type is drawn with
 *   the default diffuse colour, as scivis does; so an emissive model does not glow there.
 * - production (path tracer): `luminous` (emissive) adds colour x intensity where a path hits it
 *   and reflects nothing; `thinGlass` (glass) reflects the Fresnel share of a ray as a mirror and
 *   lets the rest through unbent; `obj` d and `principled` opacity (matte, plastic) let 1 - opacity
 *   of the paths through.
 *
 * Not honoured (a CPU tracer without microfacet BSDFs): metal's roughness and colour-tinted
 * reflection (alloy), carpaint's flakes and coat, principled's specular/metallic/sheen/coat lobes,
 * phong's specular highlight (Brayns sets no ks, so scivis has none either). Those models keep the
 * diffuse look of their colour, the closest look without those lobes.
 *
 * Ghost: Brayns sets obj kd = 1, ns = -1 and documents that the effect shows only with the
 * interactive renderer; BlueBrain's OSPRay fork implements it and is not mirrored here. The built-in
 * server fades the surface with the view angle, opacity = 1 - |cos| between normal and ray (an
 * outline whose centre shows what lies behind); the path tracer goes straight through it.
 */

export const KIND_DIFFUSE = 0;
export const KIND_EMISSIVE = 1;
export const KIND_GHOST = 2;
export const KIND_GLASS = 3;

/** [kind, interactive opacity, production opacity, emission r, g, b, index of refraction]. */
export const MATERIAL_FIELDS = 7;

/** The default Phong material: opaque, diffuse. */
export const OPAQUE = Float64Array.of(KIND_DIFFUSE, 1, 1, 0, 0, 0, 1);

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export function packMaterial(material: MaterialState | undefined): Float64Array {
  if (!material) return OPAQUE;
  const p = material.params;
  const opacity = Math.min(1, Math.max(0, num(p['opacity'], 1)));
  switch (material.type) {
    case 'phong':
      return Float64Array.of(KIND_DIFFUSE, opacity, opacity, 0, 0, 0, 1);
    case 'matte':
    case 'plastic':
      // principled in OSPRay: scivis ignores it (opaque), the path tracer honours its opacity.
      return Float64Array.of(KIND_DIFFUSE, 1, opacity, 0, 0, 0, 1);
    case 'emissive': {
      const c = Array.isArray(p['color']) ? (p['color'] as unknown[]) : [1, 1, 1];
      const i = Math.max(0, num(p['intensity'], 1));
      return Float64Array.of(KIND_EMISSIVE, 1, 1, num(c[0], 1) * i, num(c[1], 1) * i, num(c[2], 1) * i, 1);
    }
    case 'ghost':
      // Under the path tracer Brayns' ghost (obj, ns = -1) leaves no trace: its reference image
      // (testapi ghost_material.png, production renderer) is the bare background, alpha 0.
      return Float64Array.of(KIND_GHOST, 1, 0, 0, 0, 0, 1);
    case 'glass':
      return Float64Array.of(KIND_GLASS, 1, 1, 0, 0, 0, num(p['index_of_refraction'], 1.5));
    default:
      return OPAQUE;
  }
}

/**
 * Whether thin glass `mat` reflects a ray for the uniform draw v[0] and the cosine v[1] of the
 * incidence angle: when the draw falls below the unpolarised Fresnel reflectance of the dielectric
 * interface (the share of a ray a thin glass sheet reflects at its first face; OSPRay's thinGlass
 * adds the inner reflections, which at eta 1.5 change it by under 1% absolute). Arrays in, a
 * boolean out: the path tracer's floats must not cross a call V8 may leave out of line (boxed).
 */
export function reflects(v: Float64Array, mat: Float64Array): boolean {
  const eta = mat[6]!;
  const c = Math.min(1, Math.abs(v[1]!));
  const sint2 = (1 - c * c) / (eta * eta);
  // Total internal reflection: reflectance 1.
  if (sint2 >= 1) return v[0]! < 1;
  const cost = Math.sqrt(1 - sint2);
  const rs = (c - eta * cost) / (c + eta * cost);
  const rp = (eta * c - cost) / (eta * c + cost);
  return v[0]! < 0.5 * (rs * rs + rp * rp);
}
