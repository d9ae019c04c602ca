import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../atomic.js';
import { checkImageFile } from '../image-file.js';
import { outputStatus } from '../manifest-merge.js';

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
  const name = `${THUMB_DIR}/${sha256.slice(0, 24)}.webp`;
  const target = resolve(outDir, name);
  if (!(await stat(target).catch(() => null))) {
    const bytes = await sharp(resolve(outDir, path)).resize({ width: THUMB_WIDTH, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
    await writeFileAtomic(target, bytes);
  }
  return name;
}

/**
 * Every image of an output directory: those its manifests record as done (with their instance and
 * run time), then any other image file there (contact sheets, raw frames), each with the provenance
 * embedded in it when it has one.
 */
export async function collectImages(outDir: string): Promise<{ images: GalleryImage[]; problems: string[] }> {
  const status = await outputStatus(outDir);
  await mkdir(resolve(outDir, THUMB_DIR), { recursive: true });
  const recorded = new Map(status.done.filter((t) => t.output.transfer === 'download' || t.output.sha256).map((t) => [t.output.path, t]));
  const files: string[] = [];
  await walk(resolve(outDir), resolve(outDir), files);
  files.sort();
  const images: GalleryImage[] = [];
  const problems = [...status.problems];
  for (const path of files) {
    const check = await checkImageFile(resolve(outDir, path));
    if (check.state !== 'ok') {
      if (check.state === 'corrupt') problems.push(`${path}: ${check.problem}`);
      continue;
    }
    const p = check.provenance;
    const task = recorded.get(path);
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
    const written = await stat(resolve(outDir, path)).catch(() => null);
    if (written) details.written = written.mtime.toISOString();
    details.sha256 = check.sha256;
    images.push({
      path,
      thumb: await thumbnail(outDir, path, check.sha256),
      recipe: p?.recipe.name ?? path.split('/')[0] ?? '',
      values,
      frame: p ? p.frame : null,
      details,
    });
  }
  return { images, problems };
}
