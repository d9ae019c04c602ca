import { parseReadyLine } from '@render-recipes/protocol';
import WebSocket from 'ws';

/**
 * How a launched server announces that it accepts connections. The built-in backend prints a
 * ready line; a real braynsService prints nothing stable, so a WebSocket that opens is proof too.
 */

/** Port from a ready line's URL, or undefined when the line is not a ready line. */
export function readyPort(line: string): number | undefined {
  const url = parseReadyLine(line);
  if (!url || !URL.canParse(url)) return undefined;
  const port = Number(new URL(url).port);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** Resolves true if a WebSocket to `uri` opens within `timeoutMs`; never rejects. */
export function probeWebSocket(uri: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(uri, { handshakeTimeout: timeoutMs });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      // A late error from terminate() must not become an unhandled 'error' event.
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('open', () => done(true));
    socket.once('error', () => done(false));
    socket.once('unexpected-response', () => done(false));
  });
}

/** `ws://address:port`, with an IPv6 address in brackets as URLs require. */
export function webSocketUri(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `ws://[${address}]:${port}` : `ws://${address}:${port}`;
}
