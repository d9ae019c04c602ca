import type { CircuitSpec, RendererSpec } from '../../src/plan/types.js';
import type { SnapshotRequest } from '../../src/brayns/types.js';

/** Revision-neutral inputs the client is exercised with, covering every loader and snapshot variant. */
export const SPHERES: CircuitSpec = {
  path: '/data/circuit/BlueConfig',
  loader: 'bbp',
  density: 0.1,
  targets: null,
  gids: null,
  report: { type: 'spikes', transitionTime: 1 },
  radiusMultiplier: 20,
  morphology: null,
};

export const CIRCUITS: Record<string, CircuitSpec> = {
  spheres: SPHERES,
  morphologies: { ...SPHERES, targets: ['Mosaic', 'Layer5'], report: { type: 'compartment', name: 'voltage' }, radiusMultiplier: 1, morphology: { soma: true, axon: false, dendrites: true } },
  gids: { ...SPHERES, density: 1, gids: [3, 1, 2], report: { type: 'none' } },
  somaOnly: { ...SPHERES, density: 0.5, morphology: { soma: true, axon: false, dendrites: false } },
  emptyLists: { ...SPHERES, targets: [], gids: [] },
};

export const SONATA: Record<string, CircuitSpec> = {
  nodeSets: { ...SPHERES, path: '/data/sonata/circuit_config.json', loader: 'sonata', targets: ['All:Mosaic', 'Other'] },
  nodeIds: { ...SPHERES, path: '/data/sonata/circuit_config.json', loader: 'sonata', targets: ['All'], gids: [0, 5], report: { type: 'compartment', name: 'soma' }, morphology: { soma: true, axon: true, dendrites: true } },
};

export const INTERACTIVE: RendererSpec = { type: 'interactive', samplesPerPixel: 1, maxRayBounces: 3, background: [0.004, 0.016, 0.102, 0], shadows: true, aoSamples: 0 };
export const PRODUCTION: RendererSpec = { type: 'production', samplesPerPixel: 128, maxRayBounces: 7, background: [0, 0, 0, 1], shadows: false, aoSamples: 0 };

const VIEW = { position: [200, 900, 2864.2135623730951] as [number, number, number], target: [200, 900, 250] as [number, number, number], up: [0, 1, 0] as [number, number, number] };

export const SNAPSHOTS: Record<string, SnapshotRequest> = {
  png: { size: [1920, 1080], format: 'png', camera: { type: 'perspective', fovy: 45 }, view: VIEW, renderer: INTERACTIVE },
  jpgFrame: { size: [640, 480], format: 'jpg', quality: 90, frame: 250, camera: { type: 'orthographic', height: 2000 }, view: VIEW, renderer: PRODUCTION },
  onServer: { size: [64, 64], format: 'png', camera: { type: 'perspective', fovy: 30 }, view: VIEW, renderer: INTERACTIVE, filePath: '/shared/out/frame.png' },
};

export const R3_SNAPSHOT: SnapshotRequest = { ...SNAPSHOTS.png!, nearClip: 1e-6, region: { start: [0, 1], end: [1, 0] } };
