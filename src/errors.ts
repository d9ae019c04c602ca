// The error type is shared with the built-in server: it lives in @render-recipes/protocol.
export {
  RenderRecipesError,
  isRenderRecipesError,
  EXIT,
  type ErrorCode,
  type ExitCode,
  type RenderRecipesErrorOptions,
} from '@render-recipes/protocol';
