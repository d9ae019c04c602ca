import { statSync } from 'node:fs';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { loadSharp } from '../sharp.js';
import { writeFileAtomic } from '../atomic.js';
import { checkImageFile } from '../image-file.js';
import { outputStatus, type OutputStatus } from '../manifest-merge.js';
import { sameStamp, type FileStamp } from '../output-index.js';

/** Folder of the gallery's thumbnails inside the output directory (named by content, so reused). */
export const THUMB_DIR = '.gallery';
const THUMB_WIDTH = 320;
const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|tiff?)$/i;

/** One image of the gallery, with what its provenance says about it. */
export interface GalleryImage {
  /** Relative to the output directory, '/' separated. */
  path: string;
  thumb: string;
  recipe: string;
  /** Matrix values (and frame/time) to filter by. */
  values: Record<string, string | number>;
  frame: number | null;
  /** Provenance shown beside the full image. */
  details: Record<string, string>;
}

async function walk(dir: string, root: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, root, out);
    else if (entry.isFile() && IMAGE_EXTENSIONS.test(entry.name)) out.push(relative(root, path).split(sep).join('/'));
  }
}

async function thumbnail(outDir: string, path: string, sha256: string): Promise<string> {
  const sharp = await loadSharp();
  const name = `${THUMB_DIR}/${sha256.slice(0, 24)}.webp`;
  const target = resolve(outDir, name);
  if (!(await stat(target).catch(() => null))) {
    const bytes = await sharp(resolve(outDir, path)).resize({ width: THUMB_WIDTH, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
    await writeFileAtomic(target, bytes);
  }
  return name;
}

/**
 * The gallery entries of the last build, by path, with the size and times of the file each was made
 * from (`.gallery/entries.jsonl`, one `[path, size, mtimeNs, ctimeNs, entry]` per line): an image
 * whose file has not changed keeps its entry without being read again, so adding one image to an
 * output directory of 100,000 reads one image, not 100,000.
 */
export const ENTRIES_FILE = `${THUMB_DIR}/entries.jsonl`;

interface CachedEntry {
  stamp: FileStamp;
  image: GalleryImage;
}

async function readEntries(outDir: string): Promise<Map<string, CachedEntry>> {
  const entries = new Map<string, CachedEntry>();
  const text = await readFile(resolve(outDir, ENTRIES_FILE), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const [path, size, mtimeNs, ctimeNs, image] = JSON.parse(line) as [string, number, string, string, GalleryImage];
      entries.set(path, { stamp: { size, mtimeNs, ctimeNs }, image });
    } catch {
      // a line cut short: that image is read again
    }
  }
  return entries;
}

export function entriesText(entries: readonly { stamp: FileStamp; image: GalleryImage }[]): string {
  return entries.map(({ stamp, image }) => `${JSON.stringify([image.path, stamp.size, stamp.mtimeNs, stamp.ctimeNs, image])}\n`).join('');
}

/**
 * Every image of an output directory: those its manifests record as done (with their instance and
 * run time), then any other image file there (contact sheets, raw frames), each with the provenance
 * embedded in it when it has one. `changed` says whether any entry differs from the last build's.
 */
export async function collectImages(outDir: string): Promise<{ images: GalleryImage[]; entries: CachedEntry[]; changed: boolean; problems: string[] }> {
  await mkdir(resolve(outDir, THUMB_DIR), { recursive: true });
  const cached = await readEntries(outDir);
  // The manifests (which instance rendered what, how long it took) are read only for new files.
  let status: Promise<OutputStatus> | undefined;
  let recorded: Map<string, OutputStatus['done'][number]> | undefined;
  const files: string[] = [];
  await walk(resolve(outDir), resolve(outDir), files);
  files.sort();
  const images: GalleryImage[] = [];
  const entries: CachedEntry[] = [];
  const problems: string[] = [];
  let changed = files.length !== cached.size;
  for (const path of files) {
    // Synchronous: a stat from the kernel's cache costs microseconds, the promise around an async one more.
    const stats = statSync(resolve(outDir, path), { bigint: true, throwIfNoEntry: false });
    if (!stats) continue;
    const stamp: FileStamp = { size: Number(stats.size), mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs) };
    const earlier = cached.get(path);
    if (earlier && sameStamp(earlier.stamp, stamp)) {
      images.push(earlier.image);
      entries.push(earlier);
      continue;
    }
    changed = true;
    if (!status) {
      status = outputStatus(outDir);
      const s = await status;
      problems.push(...s.problems);
      recorded = new Map(s.done.filter((t) => t.output.transfer === 'download' || t.output.sha256).map((t) => [t.output.path, t]));
    }
    const check = await checkImageFile(resolve(outDir, path));
    if (check.state !== 'ok') {
      if (check.state === 'corrupt') problems.push(`${path}: ${check.problem}`);
      continue;
    }
    const p = check.provenance;
    const task = recorded?.get(path);
    const values: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(p?.recipe.values ?? {})) if (!['name', 'item', 'view', 'frame', 'time'].includes(k)) values[k] = v;
    if (p) values.view = p.recipe.values.view ?? '';
    const details: Record<string, string> = {};
    if (p) {
      details.recipe = `${p.recipe.name}${p.recipe.file ? ` (${p.recipe.file})` : ''}`;
      details.parameters = Object.entries(p.recipe.values).map(([k, v]) => `${k}=${v}`).join(', ');
      details.frame = `${p.frame} (t = ${Math.round(p.frame) / 100} ms)`;
      details.camera = JSON.stringify(p.resolved.camera);
      details.renderer = `${p.renderer.type}, ${p.renderer.samplesPerPixel} spp`;
      details.resolution = p.resolution.join(' x ');
      details.brayns = `${p.brayns.version} (${p.brayns.revision})`;
      details.task = p.taskHash;
      if (p.overlay) details.overlay = 'yes';
      if (p.raw) details.raw = 'as rendered, without overlay';
    }
    if (task?.instance) details.instance = task.instance.uri;
    if (task?.timings) details['render time'] = `${task.timings.renderMs} ms`;
    details.written = stats.mtime.toISOString();
    details.sha256 = check.sha256;
    const image: GalleryImage = {
      path,
      thumb: await thumbnail(outDir, path, check.sha256),
      recipe: p?.recipe.name ?? path.split('/')[0] ?? '',
      values,
      frame: p ? p.frame : null,
      details,
    };
    images.push(image);
    entries.push({ stamp, image });
  }
  return { images, entries, changed, problems };
}
