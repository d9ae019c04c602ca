// The HTML gallery of an output directory: thumbnails grouped by recipe, filters, provenance.
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { ENTRIES_FILE, collectImages, entriesText } from './collect.js';
import { galleryHtml } from './html.js';

export { THUMB_DIR, type GalleryImage } from './collect.js';

/**
 * Writes `<outDir>/index.html` from the images there; resolves to what it holds. Images read by an
 * earlier build are not read again while their files are unchanged, and when no image changed the
 * page is left as it is (`state: 'up to date'`) unless `force` (the `gallery` command) asks.
 */
export async function writeGallery(outDir: string, options: { now?: Date; force?: boolean } = {}): Promise<{ path: string; images: number; problems: string[]; state: 'written' | 'up to date' }> {
  const { images, entries, changed, problems } = await collectImages(outDir);
  const path = resolve(outDir, 'index.html');
  if (!changed && !options.force && (await stat(path).catch(() => null))?.isFile()) return { path, images: images.length, problems, state: 'up to date' };
  await writeFileAtomic(path, Buffer.from(galleryHtml(images, `render-recipes: ${basename(resolve(outDir))}`, (options.now ?? new Date()).toISOString())));
  // After the page: a page written without its entries is only rebuilt in full next time.
  await writeFileAtomic(resolve(outDir, ENTRIES_FILE), entriesText(entries));
  return { path, images: images.length, problems, state: 'written' };
}
