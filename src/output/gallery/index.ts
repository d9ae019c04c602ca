// The HTML gallery of an output directory: thumbnails grouped by recipe, filters, provenance.
import { basename, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { collectImages } from './collect.js';
import { galleryHtml } from './html.js';

export { THUMB_DIR, type GalleryImage } from './collect.js';

/** Writes (or rewrites) `<outDir>/index.html` from the images there; resolves to what it holds. */
export async function writeGallery(outDir: string, now: Date = new Date()): Promise<{ path: string; images: number; problems: string[] }> {
  const { images, problems } = await collectImages(outDir);
  const path = resolve(outDir, 'index.html');
  await writeFileAtomic(path, Buffer.from(galleryHtml(images, `render-recipes: ${basename(resolve(outDir))}`, now.toISOString())));
  return { path, images: images.length, problems };
}
