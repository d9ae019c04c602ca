import type { Writable } from 'node:stream';

/**
 * Everything a command may touch in the outside world. The bin passes the real process streams;
 * tests pass buffers and run commands in-process.
 */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM by the bin; commands pass it down to every request. */
  signal: AbortSignal;
}

export function print(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
