import type { Prng} from './prng.js';
import { roundTo } from './prng.js';

/**
 * The synthetic cortical column: six layers stacked along +Y (layer 6 at the bottom, layer 1 at the
 * top, 1500 µm in all) in a 500 × 500 µm footprint, with layer thicknesses and cell shares shaped
 * like a rodent somatosensory column. Cells are numbered layer by layer, as BBP circuits are sorted.
 */

export const COLUMN_WIDTH = 500;
export const COLUMN_HEIGHT = 1500;

export interface MType {
  name: string;
  morphClass: 'PYR' | 'INT';
  synapseClass: 'EXC' | 'INH';
  share: number;
}

export interface LayerSpec {
  layer: number;
  /** [bottom, top] along Y, µm. */
  y: [number, number];
  share: number;
  mtypes: MType[];
}

const pc = (name: string, share: number): MType => ({ name, morphClass: 'PYR', synapseClass: 'EXC', share });
const int = (name: string, share: number): MType => ({ name, morphClass: 'INT', synapseClass: 'INH', share });

export const LAYERS: LayerSpec[] = [
  { layer: 1, y: [1380, 1500], share: 0.03, mtypes: [int('L1_DAC', 0.5), int('L1_NGC', 0.5)] },
  { layer: 2, y: [1270, 1380], share: 0.1, mtypes: [pc('L2_PC', 0.8), int('L2_MC', 0.2)] },
  { layer: 3, y: [1020, 1270], share: 0.17, mtypes: [pc('L3_PC', 0.8), int('L3_BTC', 0.2)] },
  { layer: 4, y: [880, 1020], share: 0.15, mtypes: [pc('L4_SS', 0.5), pc('L4_PC', 0.3), int('L4_LBC', 0.2)] },
  { layer: 5, y: [500, 880], share: 0.22, mtypes: [pc('L5_TTPC', 0.5), pc('L5_UTPC', 0.3), int('L5_MC', 0.2)] },
  { layer: 6, y: [0, 500], share: 0.33, mtypes: [pc('L6_TPC', 0.5), pc('L6_IPC', 0.3), int('L6_BC', 0.2)] },
];

export const MTYPES: MType[] = LAYERS.flatMap((layer) => layer.mtypes);
export const ETYPES = ['cADpyr', 'cNAC', 'bAC', 'cSTUT'];

export interface SampleCell {
  gid: number;
  layer: number;
  mtype: MType;
  etype: string;
  morphology: string;
  /** µm, rounded to 0.01. */
  position: [number, number, number];
  /** Rotation around Y in degrees, rounded to 0.01. */
  rotationY: number;
}

/** Cells per layer: shares rounded, the rounding remainder going to the largest layer (6). */
function layerCounts(total: number): number[] {
  const counts = LAYERS.map((layer) => Math.round(total * layer.share));
  const assigned = counts.reduce((sum, n) => sum + n, 0);
  counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + total - assigned;
  return counts;
}

/** `morphologies`: the names cells draw from (the files the circuit's morphologies/ holds). */
export function generateCells(total: number, rng: Prng, morphologies: readonly string[]): SampleCell[] {
  if (morphologies.length === 0) throw new RangeError('the sample circuit needs at least one morphology name');
  const cells: SampleCell[] = [];
  const counts = layerCounts(total);
  LAYERS.forEach((layer, layerIndex) => {
    const layerCells: Omit<SampleCell, 'gid'>[] = [];
    for (let i = 0; i < (counts[layerIndex] ?? 0); i++) {
      const mtype = rng.pick(layer.mtypes.map((value) => ({ weight: value.share, value })));
      const etype = mtype.morphClass === 'PYR' ? 'cADpyr' : (ETYPES[1 + rng.int(3)] ?? 'cNAC');
      const margin = 5;
      layerCells.push({
        layer: layer.layer,
        mtype,
        etype,
        morphology: morphologies[rng.int(morphologies.length)] ?? '',
        position: [
          roundTo(rng.uniform(0, COLUMN_WIDTH), 2),
          roundTo(rng.uniform(layer.y[0] + margin, layer.y[1] - margin), 2),
          roundTo(rng.uniform(0, COLUMN_WIDTH), 2),
        ],
        rotationY: roundTo(rng.uniform(0, 360), 2),
      });
    }
    // Within a layer BBP circuits are ordered by m-type.
    layerCells.sort((a, b) => MTYPES.indexOf(a.mtype) - MTYPES.indexOf(b.mtype));
    for (const cell of layerCells) cells.push({ ...cell, gid: cells.length + 1 });
  });
  return cells;
}
