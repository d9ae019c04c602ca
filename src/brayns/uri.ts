import { RenderRecipesError } from '../errors.js';

/**
 * Turns what a user types into a WebSocket URL. Brayns upgrades any HTTP path, and its Python
 * clients always take `host:port` and request `/`, so a bare `host:port` means `ws://host:port/`.
 */
export function toWebSocketUrl(uri: string): string {
  const text = uri.trim();
  if (/^wss?:\/\//i.test(text)) {
    try {
      return new URL(text).toString();
    } catch {
      throw badUri(uri);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new RenderRecipesError('USAGE', `expected a Brayns address as host:port, ws://host:port or wss://host:port, got \`${uri}\``, {
      hint: 'Brayns speaks WebSocket only: use ws:// (or wss:// for a server started with --secure true)',
    });
  }
  const match = /^(\[[0-9a-f:.]+\]|[^\s:/[\]]+):(\d{1,5})$/i.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw badUri(uri);
  return `ws://${match[1] ?? ''}:${port}/`;
}

function badUri(uri: string): RenderRecipesError {
  return new RenderRecipesError('USAGE', `expected a Brayns address as host:port, ws://host:port or wss://host:port, got \`${uri}\``, {
    hint: 'for example localhost:5000 (the value braynsService was started with in --uri)',
  });
}
