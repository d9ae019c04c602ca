/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@render-recipes/server';
import { connect } from '../../src/brayns/connect.js';
import { writeFileAtomic } from '../../src/output/atomic.js';
import { writeContactSheet } from '../../src/output/contact-sheet.js';
import { sha256 } from '../../src/output/image-file.js';
import { buildPlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/types.js';
import { defaultEffects } from '../../src/run/effects.js';
import type { RunEvent } from '../../src/run/events.js';
import { runPlan } from '../../src/run/executor.js';
import { SAMPLE_CIRCUIT } from '../run/helpers/e2e.js';

const W = 64;
const H = 48;
let dir: string;
let out: string;
let server: RunningServer;
let plan: Plan;
const effects = defaultEffects((uri, { signal }) => connect(uri, { signal, retries: 1 }));

async function run(options: { outDir?: string; gallery?: boolean } = {}): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  await runPlan(plan, { outDir: out, instances: [server.url], onEvent: (e) => events.push(e), ...options }, effects);
  return events;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-sheet-'));
  out = join(dir, 'out');
  server = await startServer();
  const file = join(dir, 'sweep.yaml');
  await writeFile(file, [
    'version: 1',
    'name: sweep',
    'circuit:',
    `  path: ${JSON.stringify(SAMPLE_CIRCUIT)}`,
    '  report: {type: spikes}',
    '  radius_multiplier: 20',
    `resolution: [${W}, ${H}]`,
    'matrix:',
    '  density: [0.05, 0.1]',
    '  view: [front, top]',
    'output:',
    '  path: "{name}/{view}-{density}.png"',
    '  contact_sheet: {path: "{name}/sheet.png", columns: 2}',
    '',
  ].join('\n'));
  const built = await buildPlan([file], { cwd: dir });
  if (!built.plan) throw new Error(JSON.stringify(built.diagnostics));
  plan = built.plan;
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const figureEvents = (events: RunEvent[]): string[] =>
  events.flatMap((e) => (e.code === 'figure.written' ? [`${e.data.kind} ${e.data.state} ${e.data.images}`] : e.code === 'figure.skipped' ? [`${e.data.kind} skipped`] : []));

describe('contact sheets', () => {
  it('puts every image of the matrix in a labelled grid, and rebuilds it only when an image changed', async () => {
    expect(figureEvents(await run())).toEqual(['contact-sheet written 4', 'gallery written 5']);
    const sheetPath = join(out, 'sweep', 'sheet.png');
    const meta = await sharp(sheetPath).metadata();
    // Two columns of two rows of 64 px wide cells, with gaps and a label band under each row.
    expect(meta.width).toBeGreaterThan(2 * W);
    expect(meta.width).toBeLessThan(3 * W);
    expect(meta.height).toBeGreaterThan(2 * H + 20);
    // The top-left cell holds the first item's image, scaled 1:1.
    const first = plan.tasks.find((t) => t.item === plan.recipes[0]?.items[0]?.id);
    const cell = await sharp(sheetPath).extract({ left: 2, top: 2, width: W, height: H }).raw().toBuffer();
    const original = await sharp(join(out, first!.output.path)).flatten({ background: '#ffffff' }).ensureAlpha().raw().toBuffer();
    let same = 0;
    for (let i = 0; i < cell.length; i += 4) if (Math.abs((cell[i] ?? 0) - (original[i] ?? 0)) <= 2) same++;
    expect(same / (W * H)).toBeGreaterThan(0.95);
    // Labels: dark text under the first row, on the white sheet.
    const band = await sharp(sheetPath).extract({ left: 0, top: H + 3, width: meta.width, height: 12 }).raw().toBuffer();
    expect([...band].filter((v, i) => i % 4 === 0 && v < 100).length).toBeGreaterThan(10);

    const before = sha256(await readFile(sheetPath));
    const page = await stat(join(out, 'index.html'), { bigint: true });
    // Nothing changed: neither the sheet nor the gallery page is written again, no image is read.
    expect(figureEvents(await run())).toEqual(['contact-sheet up to date 4', 'gallery up to date 5']);
    expect(sha256(await readFile(sheetPath))).toBe(before);
    expect((await stat(join(out, 'index.html'), { bigint: true })).mtimeNs).toBe(page.mtimeNs);
    // Change one image (as a re-render with other settings would): the sheet follows.
    const target = join(out, plan.tasks[0]!.output.path);
    await writeFile(target, await sharp({ create: { width: W, height: H, channels: 4, background: '#ff0000' } }).png().toBuffer());
    const rebuilt = await writeContactSheet(plan.recipes[0]!, plan.tasks, out, writeFileAtomic);
    expect(rebuilt?.state).toBe('written');
    expect(sha256(await readFile(sheetPath))).not.toBe(before);
    // The next run renders that image again (it lost its provenance), and the sheet follows back.
    expect(figureEvents(await run())).toEqual(['contact-sheet written 4', 'gallery written 5']);
    expect(sha256(await readFile(sheetPath))).toBe(before);
  });
});

describe('gallery: false (run --no-gallery)', () => {
  it('writes the images and the contact sheet, and no gallery page', async () => {
    const elsewhere = join(dir, 'no-gallery');
    expect(figureEvents(await run({ outDir: elsewhere, gallery: false }))).toEqual(['contact-sheet written 4']);
    expect(existsSync(join(elsewhere, 'sweep', 'sheet.png'))).toBe(true);
    expect(existsSync(join(elsewhere, 'index.html'))).toBe(false);
  });
});

const BROWSERS = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
const browserPath = BROWSERS.find((p) => existsSync(p));
if (!browserPath) console.warn('gallery browser test skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)');

describe.skipIf(!browserPath)('the gallery in a real headless Chromium', () => {
  it('links every image, loads them all from disk without network or console errors, filters and shows provenance', async () => {
    if (!existsSync(join(out, 'index.html'))) await run();
    const html = await readFile(join(out, 'index.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="gallery-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as { images: { path: string }[] };
    expect(data.images.map((i) => i.path).sort()).toEqual([...plan.tasks.map((t) => t.output.path), 'sweep/sheet.png'].sort());

    const { launch } = await import('puppeteer-core');
    const browser = await launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox', '--allow-file-access-from-files'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const remote: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('request', (r) => {
        if (!r.url().startsWith('file://')) remote.push(r.url());
      });
      await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
      // Lazy thumbnails load once scrolled into view: the page is small, all are in view.
      await page.waitForFunction(() => [...document.images].filter((i) => !i.closest('dialog')).every((i) => i.complete), { timeout: 20_000 });
      const broken = await page.$$eval('figure img', (imgs) => imgs.filter((i) => (i).naturalWidth === 0).map((i) => i.getAttribute('src')));
      expect(broken).toEqual([]);
      expect(await page.$$eval('figure', (f) => f.length)).toBe(5);
      // Filter by a matrix value: only that view's images stay visible.
      await page.select('section[data-recipe="sweep"] select[name="view"]', 'top');
      const visible = await page.$$eval('figure:not([hidden]) figcaption', (c) => c.map((e) => e.textContent));
      expect(visible.sort()).toEqual(plan.tasks.filter((t) => t.values.view === 'top').map((t) => t.output.path).sort());
      // Opening an image shows it full size with its provenance.
      await page.click('figure:not([hidden])');
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('dialog[open] img');
        return img !== null && img.complete && img.naturalWidth > 0;
      }, { timeout: 10_000 });
      const table = await page.$eval('dialog table', (t) => t.textContent ?? '');
      expect(table).toContain('recipesweep');
      expect(table).toMatch(/brayns3\.10\.1 \(R3\)/);
      expect(table).toContain('instancews://');
      expect(problems).toEqual([]);
      expect(remote).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
