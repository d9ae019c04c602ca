import { RenderRecipesError } from '@render-recipes/protocol';

/**
 * The error a cancelled render rejects with. The protocol layer maps code CANCELLED to Brayns'
 * error 20; `cause` keeps the signal's reason.
 */
export function renderCancelled(signal: AbortSignal): RenderRecipesError {
  return new RenderRecipesError('CANCELLED', 'The render was cancelled before it finished', { cause: signal.reason });
}
