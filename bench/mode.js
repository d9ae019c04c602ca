// How large a bench run is. Full size gives the figures BENCHMARKS.md reports; `--quick` is smaller
// with the same shape; `--smoke` is tiny: it proves that the bench still runs end to end against
// the current code (test/bench/smoke.test.ts runs every bench this way in CI), and its figures
// mean nothing.
export const smoke = process.argv.includes('--smoke');
export const quick = smoke || process.argv.includes('--quick');

/** The full, `--quick` or `--smoke` value (the smoke one defaults to the quick one). */
export function bySize(full, quickValue = full, smokeValue = quickValue) {
  return smoke ? smokeValue : quick ? quickValue : full;
}

/** The size flag to repeat in a bench's "Command:" line. */
export const sizeFlag = smoke ? ' --smoke' : quick ? ' --quick' : '';
