import type { ApiVersion } from '@render-recipes/protocol';
import { r1Persona } from './r1.js';
import { r2Persona } from './r2.js';
import { r3Persona } from './r3.js';
import type { Persona } from './types.js';

const personas: Record<ApiVersion, () => Promise<Persona>> = {
  '2.0.0': r1Persona,
  '3.0.0': r2Persona,
  '3.10.1': r3Persona,
};

export function loadPersona(api: ApiVersion): Promise<Persona> {
  return personas[api]();
}
