import { writeContactSheet, writeGallery } from '../output/index.js';
import type { Plan } from '../plan/index.js';
import type { RunEvent } from './events.js';

/**
 * After the tasks: each recipe's contact sheet (once all its images exist, shards included), then
 * the gallery page of the whole output directory. A problem here is reported, never fatal: the
 * images themselves are done.
 */
export async function finishFigures(plan: Plan, outDir: string, write: (path: string, bytes: Buffer) => Promise<void>, emit: (event: RunEvent) => void, options: { gallery: boolean } = { gallery: true }): Promise<void> {
  for (const recipe of plan.recipes) {
    if (!recipe.contactSheet) continue;
    try {
      const result = await writeContactSheet(recipe, plan.tasks, outDir, write);
      if (!result) continue;
      if (result.state === 'incomplete') {
        const reason = `${result.missing.length} of its images are not there yet (${result.missing[0]}${result.missing.length > 1 ? ', ...' : ''})`;
        emit({ code: 'figure.skipped', level: 'warn', message: `contact sheet ${result.path} not written: ${reason}`, data: { kind: 'contact-sheet', path: result.path, reason } });
      } else {
        emit({ code: 'figure.written', level: result.state === 'written' ? 'info' : 'debug', message: `${result.state === 'written' ? 'wrote' : 'up to date:'} contact sheet ${result.path} (${result.images} images)`, data: { kind: 'contact-sheet', path: result.path, images: result.images, state: result.state } });
      }
    } catch (error) {
      emit({ code: 'figure.skipped', level: 'error', message: `contact sheet ${recipe.contactSheet.path} failed: ${(error as Error).message}`, data: { kind: 'contact-sheet', path: recipe.contactSheet.path, reason: (error as Error).message } });
    }
  }
  if (!options.gallery) return;
  try {
    const sheets = plan.recipes.flatMap((r) => (r.contactSheet ? [r.contactSheet.path] : []));
    const gallery = await writeGallery(outDir, { extra: sheets });
    const state = gallery.state;
    emit({ code: 'figure.written', level: state === 'written' ? 'info' : 'debug', message: `gallery${state === 'written' ? '' : ' up to date'}: ${gallery.path} (${gallery.images} image${gallery.images === 1 ? '' : 's'})`, data: { kind: 'gallery', path: gallery.path, images: gallery.images, state } });
  } catch (error) {
    emit({ code: 'figure.skipped', level: 'error', message: `gallery not written: ${(error as Error).message}`, data: { kind: 'gallery', path: 'index.html', reason: (error as Error).message } });
  }
}
