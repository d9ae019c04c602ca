// The HTML gallery of an output directory: thumbnails grouped by recipe, filters, provenance.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { VERSION } from '../../version.js';
import { writeFileAtomic } from '../atomic.js';
import { listIndexes } from '../output-index.js';
import { ENTRIES_FILE, THUMB_DIR, collectImages, entriesText } from './collect.js';
import { galleryHtml } from './html.js';

export { THUMB_DIR, type GalleryImage } from './collect.js';

/** What the page was built from (`.gallery/inputs.json`): see galleryInputs. */
const INPUTS_FILE = `${THUMB_DIR}/inputs.json`;

/**
 * A digest of what the runs recorded in the output directory: the output indexes (every image a
 * run wrote, with its size, times and sha256) and the size and times of `extra` files (contact
 * sheets, which no index records). When it is the one the page was built from, no run wrote or
 * re-checked anything since, and the page is current without listing the folder.
 */
async function galleryInputs(outDir: string, extra: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(`render-recipes ${VERSION}\n`);
  for (const path of await listIndexes(outDir)) hash.update(`${path}\n`).update(await readFile(path).catch(() => Buffer.alloc(0)));
  for (const path of extra) {
    const s = await stat(resolve(outDir, path), { bigint: true }).catch(() => null);
    hash.update(`\n${path} ${s ? `${s.size} ${s.mtimeNs} ${s.ctimeNs}` : 'none'}`);
  }
  return hash.digest('hex');
}

/**
 * Writes `<outDir>/index.html` from the images there; resolves to what it holds. Nothing is read
 * when no run changed the folder since the page was built (the output indexes and the `extra`
 * files are the same); otherwise images read by an earlier build are not read again while their
 * files are unchanged, and when no image changed the page is left as it is (`up to date`).
 * `force` (the `gallery` command) rebuilds the page whatever changed, e.g. after files were added
 * by hand.
 */
export async function writeGallery(
  outDir: string,
  options: { now?: Date; force?: boolean; extra?: readonly string[] } = {},
): Promise<{ path: string; images: number; problems: string[]; state: 'written' | 'up to date' }> {
  const path = resolve(outDir, 'index.html');
  const inputs = await galleryInputs(outDir, options.extra ?? []);
  const hasPage = (await stat(path).catch(() => null))?.isFile() ?? false;
  if (!options.force && hasPage) {
    const built = (await readFile(resolve(outDir, INPUTS_FILE), 'utf8').then((t) => JSON.parse(t) as { inputs?: unknown; images?: unknown }).catch(() => null));
    if (built?.inputs === inputs && typeof built.images === 'number') return { path, images: built.images, problems: [], state: 'up to date' };
  }
  const { images, entries, changed, problems } = await collectImages(outDir);
  const record = (): Promise<void> => writeFileAtomic(resolve(outDir, INPUTS_FILE), JSON.stringify({ inputs, images: images.length }));
  if (!changed && !options.force && hasPage) {
    await record();
    return { path, images: images.length, problems, state: 'up to date' };
  }
  await writeFileAtomic(path, Buffer.from(galleryHtml(images, `render-recipes: ${basename(resolve(outDir))}`, (options.now ?? new Date()).toISOString())));
  // After the page: a page written without its entries is only rebuilt in full next time.
  await writeFileAtomic(resolve(outDir, ENTRIES_FILE), entriesText(entries));
  await record();
  return { path, images: images.length, problems, state: 'written' };
}
