/**
 * The line a built-in server prints on stdout once it accepts connections. `render-recipes serve`
 * writes it and everything that starts one (the runner's built-in instances, Slurm steps, tests,
 * benchmarks) waits for it: one format, one parser.
 */
export function formatReadyLine(url: string, api: string, note = ''): string {
  return `render-recipes serve: listening on ${url} (Brayns API ${api})${note ? ` (${note})` : ''}`;
}

const READY = /listening on (ws:\/\/\S+)/;

/** The URL of the first ready line in `text` (output so far, any number of lines), or undefined. */
export function parseReadyLine(text: string): string | undefined {
  return READY.exec(text)?.[1];
}
