import type { Rgba } from '@render-recipes/protocol';
import type { InteractiveParams, ProductionParams } from '../state/engine.js';
import { VERSION } from '../version.js';

/** Renderer defaults (PROTOCOL §4.9) and the revision string every persona reports. */

const braynsBlue: Rgba = [0.004, 0.016, 0.102, 0];

export const interactiveDefaults = (): InteractiveParams => ({
  samples_per_pixel: 1,
  max_ray_bounces: 3,
  background_color: [...braynsBlue],
  enable_shadows: true,
  ao_samples: 0,
});

/** R1 production renderer: the same defaults as interactive. */
export const productionDefaultsV1 = (): ProductionParams => ({ samples_per_pixel: 1, max_ray_bounces: 3, background_color: [...braynsBlue] });

/** R2/R3 production renderer. */
export const productionDefaultsV3 = (): ProductionParams => ({ samples_per_pixel: 5, max_ray_bounces: 3, background_color: [0, 0, 0, 1] });

/** `get-version` revision: says what answers, since it is not a Brayns build. */
export const REVISION = `render-recipes-${VERSION}`;
