import { writeContactSheet } from '../output/contact-sheet.js';
import { writeGallery } from '../output/gallery/index.js';
import type { Plan } from '../plan/types.js';
import type { RunEvent } from './events.js';

/**
 * After the tasks: each recipe's contact sheet (once all its images exist, shards included), then
 * the gallery page of the whole output directory. A problem here is reported, never fatal: the
 * images themselves are done.
 */
export async function finishFigures(plan: Plan, outDir: string, write: (path: string, bytes: Buffer) => Promise<void>, emit: (event: RunEvent) => void): Promise<void> {
  for (const recipe of plan.recipes) {
    if (!recipe.contactSheet) continue;
    try {
      const result = await writeContactSheet(recipe, plan.tasks, outDir, write);
      if (!result) continue;
      if (result.state === 'incomplete') {
        const reason = `${result.missing.length} of its images are not there yet (${result.missing[0]}${result.missing.length > 1 ? ', ...' : ''})`;
        emit({ type: 'figure-skipped', level: 'warn', kind: 'contact-sheet', path: result.path, reason, message: `contact sheet ${result.path} not written: ${reason}` });
      } else {
        emit({ type: 'figure-written', level: result.state === 'written' ? 'info' : 'debug', kind: 'contact-sheet', path: result.path, images: result.images, state: result.state, message: `${result.state === 'written' ? 'wrote' : 'up to date:'} contact sheet ${result.path} (${result.images} images)` });
      }
    } catch (error) {
      emit({ type: 'figure-skipped', level: 'error', kind: 'contact-sheet', path: recipe.contactSheet.path, reason: (error as Error).message, message: `contact sheet ${recipe.contactSheet.path} failed: ${(error as Error).message}` });
    }
  }
  try {
    const gallery = await writeGallery(outDir);
    const state = gallery.state;
    emit({ type: 'figure-written', level: state === 'written' ? 'info' : 'debug', kind: 'gallery', path: gallery.path, images: gallery.images, state, message: `gallery${state === 'written' ? '' : ' up to date'}: ${gallery.path} (${gallery.images} images)` });
  } catch (error) {
    emit({ type: 'figure-skipped', level: 'error', kind: 'gallery', path: 'index.html', reason: (error as Error).message, message: `gallery not written: ${(error as Error).message}` });
  }
}
