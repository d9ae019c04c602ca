import { loadSharp } from '../output/index.js';
import { RenderRecipesError } from '../errors.js';
import { isPng } from '@render-recipes/protocol';

/**
 * Decodes an image a server sent, in full, before anything is written: a truncated or garbled PNG
 * must never reach the output folder (nor the manifest with its hash). A bad image is the
 * instance's fault, not the task's: the error is a PROTOCOL one, so the task is retried on another
 * instance and the failure counts toward setting this one aside.
 */
export async function checkReceivedImage(bytes: Buffer, uri: string, output: string): Promise<void> {
  const sharp = await loadSharp();
  if (!isPng(bytes)) {
    throw badImage(uri, output, `${bytes.length} bytes that are not a PNG (they start with ${JSON.stringify(bytes.subarray(0, 8).toString('latin1'))})`);
  }
  try {
    // Decoding every pixel is the only check that catches a truncated or corrupted data stream.
    await sharp(bytes).raw().toBuffer();
  } catch (error) {
    throw badImage(uri, output, `a PNG that does not decode (${error instanceof Error ? error.message : String(error)})`);
  }
}

function badImage(uri: string, output: string, what: string): RenderRecipesError {
  return new RenderRecipesError('PROTOCOL', `${uri} sent ${what} for ${output}`, { hint: 'the task is rendered again on another instance' });
}
