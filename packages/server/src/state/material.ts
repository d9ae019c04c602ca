/**
 * Model materials of Brayns 3.10.1 (engine/material/types/*.h): each type's parameters with the
 * defaults Brayns gives a field the client leaves out. Every model with geometry has one; a new
 * model gets Phong with opacity 1 (engine/material/Material.h: `MaterialType = Phong`).
 */

export type RGB = [number, number, number];

export const MATERIAL_DEFAULTS = {
  carpaint: { flake_density: 0 },
  emissive: { color: [1, 1, 1] as RGB, intensity: 1 },
  ghost: {},
  glass: { index_of_refraction: 1.5 },
  matte: { opacity: 1 },
  metal: { roughness: 0.1 },
  phong: { opacity: 1 },
  plastic: { opacity: 1 },
  principled: {
    anisotropy: 0,
    anisotropy_rotation: 0,
    back_light: 0,
    coat: 0,
    coat_color: [1, 1, 1] as RGB,
    coat_ior: 1.5,
    coat_roughness: 0,
    coat_thickness: 1,
    diffuse: 1,
    edge_color: [1, 1, 1] as RGB,
    ior: 1,
    metallic: 0,
    roughness: 0,
    sheen: 0,
    sheen_color: [1, 1, 1] as RGB,
    sheen_roughness: 0.2,
    sheen_tint: 0,
    specular: 1,
    thickness: 1,
    thin: false,
    transmission: 0,
    transmission_color: [1, 1, 1] as RGB,
    transmission_depth: 1,
  },
} as const;

export type MaterialType = keyof typeof MATERIAL_DEFAULTS;

export const MATERIAL_TYPES = Object.keys(MATERIAL_DEFAULTS) as MaterialType[];

/** A model's material: its type name (what `get-material-type` answers) and every parameter. */
export interface MaterialState {
  type: MaterialType;
  params: Record<string, unknown>;
}

/** The material a client set: Brayns extracts the message into a default-constructed struct. */
export function materialOf(type: MaterialType, sent: Record<string, unknown>): MaterialState {
  return { type, params: { ...MATERIAL_DEFAULTS[type], ...sent } };
}

export const defaultMaterial = (): MaterialState => materialOf('phong', {});
