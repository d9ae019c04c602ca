import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namedRampColors, sampleRamp } from '@render-recipes/protocol';
import { startServer, type RunningServer } from '@render-recipes/server';
import { connect } from '../../src/brayns/connect.js';
import { checkImageFile } from '../../src/output/image-file.js';
import { buildPlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/types.js';
import { defaultEffects } from '../../src/run/effects.js';
import { runPlan } from '../../src/run/executor.js';
import { SAMPLE_CIRCUIT } from '../run/helpers/e2e.js';

const W = 360;
const H = 240;

let dir: string;
let server: RunningServer;
const effects = defaultEffects((uri, { signal }) => connect(uri, { signal, retries: 1 }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-figures-'));
  server = await startServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function planOf(name: string, extra: string[]): Promise<Plan> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, [
    'version: 1',
    `name: ${name}`,
    'circuit:',
    `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`,
    '  cells: {density: 0.1}',
    '  report: {type: spikes, colormap: viridis}',
    '  radius_multiplier: 20',
    `resolution: [${W}, ${H}]`,
    'frames: {times_ms: [10]}',
    ...extra,
    '',
  ].join('\n'));
  const { plan, diagnostics } = await buildPlan([file], { cwd: dir });
  if (!plan) throw new Error(JSON.stringify(diagnostics));
  return plan;
}

async function rgba(path: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const px = (img: { data: Buffer; width: number }, x: number, y: number): number[] => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];

/** The longest run of exactly `color` pixels on any row of the box, as [length, row]. */
function longestRun(img: { data: Buffer; width: number }, box: { x0: number; x1: number; y0: number; y1: number }, color: number[]): [number, number] {
  let best: [number, number] = [0, -1];
  for (let y = box.y0; y < box.y1; y++) {
    let run = 0;
    for (let x = box.x0; x < box.x1; x++) {
      const p = px(img, x, y);
      run = p[0] === color[0] && p[1] === color[1] && p[2] === color[2] && p[3] === 255 ? run + 1 : 0;
      if (run > best[0]) best = [run, y];
    }
  }
  return best;
}

describe('overlays on frames of the built-in server (real rendering, real files)', () => {
  const overlay = [
    'overlay:',
    '  scale_bar: {length_um: 200, position: bottom-left}',
    '  time: {position: top-left}',
    '  legend: {position: right}',
    '  title: "Layer 5, 10 % of cells"',
    '  background: white',
    '  keep_raw: true',
    'camera: {view: front}',
    'matrix:',
    '  camera: [orthographic, perspective]',
    'output:',
    '  path: "{name}/{camera}.png"',
  ];
  let plan: Plan;
  beforeAll(async () => {
    plan = await planOf('figure', overlay);
    const summary = await runPlan(plan, { outDir: join(dir, 'out'), instances: [server.url] }, effects);
    expect(summary).toMatchObject({ rendered: 2, failed: 0 });
  });

  it('draws a scale bar whose pixel length is the asked length through the camera', async () => {
    for (const task of plan.tasks) {
      const path = join(dir, 'out', task.output.path);
      const check = await checkImageFile(path);
      if (check.state !== 'ok' || !check.provenance) throw new Error(`no provenance in ${path}`);
      const { camera, view } = check.provenance.resolved;
      // World height of the image at the target's depth, computed here from the camera alone.
      const worldHeight = camera.type === 'orthographic'
        ? camera.height
        : 2 * Math.hypot(...view.position.map((p, i) => p - (view.target[i] ?? 0))) * Math.tan((camera.fovy * Math.PI) / 360);
      const expected = (200 * H) / worldHeight;
      const img = await rgba(path);
      const [length] = longestRun(img, { x0: 0, x1: Math.round(W / 2), y0: Math.round(H * 0.8), y1: H }, [0, 0, 0, 255]);
      expect(Math.abs(length - expected)).toBeLessThanOrEqual(1);
    }
  });

  it('writes the time, the title and the legend with exactly the ramp the cells are painted with', async () => {
    const task = plan.tasks[0]!;
    const img = await rgba(join(dir, 'out', task.output.path));
    const raw = await rgba(join(dir, 'out', task.output.path.replace(/\.png$/, '.raw.png')));
    // Opaque white background where the render was transparent.
    expect(px(raw, 2, 2)[3]).toBe(0);
    expect(px(img, W - 2, H / 2)).toEqual([255, 255, 255, 255]);
    // Text is dark ink on white: the top-left (time) and top-centre (title) bands hold some.
    const inkIn = (x0: number, x1: number, y0: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if ((px(img, x, y)[0] ?? 255) < 60 && (px(raw, x, y)[3] ?? 0) === 0) n++;
      return n;
    };
    expect(inkIn(0, 60, 0, 24)).toBeGreaterThan(20);
    expect(inkIn(100, 260, 0, 24)).toBeGreaterThan(40);
    // The legend: a column at the right edge whose pixels are entries of the viridis table,
    // highest entry at the top, lowest at the bottom, in order.
    const viridis = namedRampColors('viridis');
    const table = sampleRamp(viridis, [0, 1]);
    const entries = Array.from({ length: 256 }, (_, i) => [0, 1, 2].map((c) => Math.round((table[i * 4 + c] ?? 0) * 255)).join(','));
    let best: number[] = [];
    for (let x = Math.round(W * 0.85); x < W; x++) {
      const column: number[] = [];
      for (let y = 0; y < H; y++) {
        const k = entries.indexOf(px(img, x, y).slice(0, 3).join(','));
        if (k >= 0) column.push(k);
      }
      if (column.length > best.length) best = column;
    }
    expect(best.length).toBeGreaterThan(H * 0.35);
    expect(entries[best[0]!]).toBe(entries[255]);
    expect(best.at(-1)).toBe(0);
    expect(best.every((k, i) => i === 0 || k <= (best[i - 1] ?? 255))).toBe(true);
  });

  it('keeps the raw image beside it and records the overlay in the provenance', async () => {
    const task = plan.tasks[0]!;
    const finished = await checkImageFile(join(dir, 'out', task.output.path));
    const raw = await checkImageFile(join(dir, 'out', task.output.path.replace(/\.png$/, '.raw.png')));
    expect(finished.state === 'ok' && finished.provenance?.overlay?.title?.text).toBe('Layer 5, 10 % of cells');
    expect(raw.state === 'ok' && raw.provenance?.raw).toBe(true);
    expect(raw.state === 'ok' && raw.provenance?.taskHash).toBe(task.id);
  });

  it('paints the cells with the recipe\'s colour ramp (sent with set-color-ramp)', async () => {
    const client = await connect(server.url, { retries: 0 });
    try {
      const { models } = await client.getScene();
      const ramp = (await client.request('get-color-ramp', { id: models[0]!.id })) as { colors: number[][]; range: number[] };
      expect(ramp.colors).toEqual(namedRampColors('viridis'));
      expect(ramp.range).toEqual([0, 1]);
    } finally {
      await client.close();
    }
    // Resting cells are viridis purple (blue well above green), not Brayns' black.
    const raw = await rgba(join(dir, 'out', plan.tasks[0]!.output.path.replace(/\.png$/, '.raw.png')));
    let blue = 0;
    let green = 0;
    for (let i = 0; i < raw.data.length; i += 4) {
      if (raw.data[i + 3] !== 255) continue;
      blue += raw.data[i + 2] ?? 0;
      green += raw.data[i + 1] ?? 0;
    }
    expect(blue).toBeGreaterThan(green * 2);
  });

  it('makes the overlay part of the task hash', async () => {
    const without = await planOf('figure', ['camera: {view: front}', 'matrix:', '  camera: [orthographic, perspective]', 'output:', '  path: "{name}/{camera}.png"']);
    const retitled = await planOf('figure', overlay.map((l) => l.replace('Layer 5', 'Layer 6')));
    const ids = (p: Plan): string[] => p.tasks.map((t) => t.id);
    expect(ids(without)).not.toEqual(ids(plan));
    expect(ids(retitled).filter((id) => ids(plan).includes(id))).toEqual([]);
  });
});

describe('colour ramp warnings', () => {
  it('warns when the background hides resting or peak cells, and not otherwise', async () => {
    const warnings = async (lines: string[]): Promise<string[]> => {
      const file = join(dir, 'warn.yaml');
      await writeFile(file, ['version: 1', 'name: warn', 'circuit:', `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`, ...lines, ''].join('\n'));
      const { diagnostics } = await buildPlan([file], { cwd: dir });
      return diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`);
    };
    expect(await warnings(['  report: {type: spikes}', 'renderer: {background: black}'])).toEqual([expect.stringMatching(/^COLORS_HIDDEN 6:24 .*resting/)]);
    expect(await warnings(['  report: {type: spikes}', 'overlay: {background: white}'])).toEqual([expect.stringMatching(/^COLORS_HIDDEN 6:23 .*peak/)]);
    expect(await warnings(['  report: {type: spikes, colormap: viridis}', 'renderer: {background: black}'])).toEqual([]);
    expect(await warnings(['  report: {type: spikes}'])).toEqual([]);
  });
});

