import { LAYERS, MTYPES, ETYPES, type SampleCell } from './column.js';
import type { SpikeTrain } from './activity.js';

/** The text files of the sample circuit: BlueConfig, circuit.mvd2, start.target, user.target, out.dat. */

export function blueConfigText(cells: number, seed: number): string {
  return [
    `# Synthetic cortical column made by \`render-recipes sample-circuit\` (${cells} cells, seed ${seed}).`,
    '# Paths are relative to this file. The cells are in both circuit.mvd3 (read first) and circuit.mvd2;',
    '# their neuron shapes are the SWC files in morphologies/.',
    'Run Default',
    '{',
    '    CircuitPath .',
    '    nrnPath .',
    '    MorphologyPath morphologies',
    '    MorphologyType swc',
    '    OutputRoot .',
    '    TargetFile user.target',
    '    CircuitTarget mc0_Column',
    '    Duration 100',
    '    Dt 0.025',
    '}',
    '',
  ].join('\n');
}

const fixed = (value: number): string => value.toFixed(2);

export function mvd2Text(cells: SampleCell[]): string {
  const lines = ['Neurons Loaded'];
  for (const cell of cells) {
    const [x, y, z] = cell.position;
    const mtype = MTYPES.indexOf(cell.mtype);
    const etype = ETYPES.indexOf(cell.etype);
    // morphology database hypercolumn minicolumn layer(0-based) mtype etype x y z rotationY metype
    lines.push(
      `${cell.morphology} 0 0 0 ${cell.layer - 1} ${mtype} ${etype} ${fixed(x)} ${fixed(y)} ${fixed(z)} ${fixed(cell.rotationY)} ${cell.mtype.name}_${cell.etype}`,
    );
  }
  lines.push('MicroBox Data', '500 1500 500', 'MorphTypes');
  for (const mtype of MTYPES) lines.push(`${mtype.name} ${mtype.morphClass} ${mtype.synapseClass}`);
  lines.push('ElectroTypes', ...ETYPES);
  return `${lines.join('\n')}\n`;
}

function target(name: string, members: string[]): string {
  const rows: string[] = [];
  for (let i = 0; i < members.length; i += 16) rows.push(`  ${members.slice(i, i + 16).join(' ')}`);
  return `Target Cell ${name}\n{\n${rows.join('\n')}\n}\n`;
}

const cellsOf = (cells: SampleCell[], keep: (cell: SampleCell) => boolean): string[] =>
  cells.filter(keep).map((cell) => `a${cell.gid}`);

export function startTargetText(cells: SampleCell[]): string {
  const blocks = ['# Standard targets of the sample column.\n'];
  for (const layer of LAYERS) blocks.push(target(`Layer${layer.layer}`, cellsOf(cells, (c) => c.layer === layer.layer)));
  for (const mtype of MTYPES) blocks.push(target(mtype.name, cellsOf(cells, (c) => c.mtype === mtype)));
  blocks.push(target('Excitatory', cellsOf(cells, (c) => c.mtype.synapseClass === 'EXC')));
  blocks.push(target('Inhibitory', cellsOf(cells, (c) => c.mtype.synapseClass === 'INH')));
  blocks.push(target('Mosaic', LAYERS.map((layer) => `Layer${layer.layer}`)));
  blocks.push(target('mc0_Column', ['Mosaic']));
  return blocks.join('\n');
}

export function userTargetText(cells: SampleCell[]): string {
  return [
    '# Targets for figures: combinations of the standard ones and a few spatial cuts.\n',
    target('Layer23', ['Layer2', 'Layer3']),
    target('Layer56', ['Layer5', 'Layer6']),
    target('FrontHalf', cellsOf(cells, (c) => c.position[2] < 250)),
    target('CoreColumn', cellsOf(cells, (c) => Math.hypot(c.position[0] - 250, c.position[2] - 250) < 100)),
    target('Sample100', cellsOf(cells, (c) => c.gid % Math.max(1, Math.floor(cells.length / 100)) === 1).slice(0, 100)),
  ].join('\n');
}

export function outDatText(spikes: SpikeTrain): string {
  const lines = ['/scatter'];
  spikes.times.forEach((time, k) => lines.push(`${time.toFixed(3)}\t${spikes.gids[k]}`));
  return `${lines.join('\n')}\n`;
}
