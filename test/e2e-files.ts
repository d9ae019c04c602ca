/** Every test file of the repository (the root package and the workspace packages). */
export const ALL_TEST_FILES = ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'];

/**
 * Test files that start real servers or spawn processes (the CLI, built-in servers, Slurm tools),
 * and a few CPU-heavy ones.
 * They run in the `e2e` vitest project, whose timeouts hold on a loaded 2-core CI machine; every
 * other test is a `unit` test and must stay fast. test/e2e-files.test.ts keeps this list honest.
 */
export const E2E_FILES = [
  'test/run/e2e-*.test.ts',
  'test/run/faults.test.ts',
  'test/run/output-integrity-cli.test.ts',
  'test/run/resume-integrity.test.ts',
  'test/preflight/cell-count.test.ts',
  'test/preflight/real-circuits.test.ts',
  'test/cli/**/*.test.ts',
  'test/architecture/**/*.test.ts',
  'test/slurm/**/*.test.ts',
  'test/movie/movie-cli.test.ts',
  'test/brayns/builtin-server.test.ts',
  'test/brayns/jsonrpc.test.ts',
  'test/brayns/probe-cli.test.ts',
  'test/brayns/probe-recipes.test.ts',
  'test/brayns/requests-match-schemas.test.ts',
  'test/brayns/transport.test.ts',
  'test/figures/**/*.test.ts',
  // Runs every bench/*.bench.js at --smoke size, each in its own process.
  'test/bench/**/*.test.ts',
  'packages/server/test/protocol/**/*.test.ts',
  'packages/server/test/**/*-server.test.ts',
  'packages/server/test/image/**/*.test.ts',
  'packages/server/test/sonata/real-circuits.test.ts',
  'packages/server/test/reports/real-bbp-report.test.ts',
  // Compiles and runs a C program against Debian's stb_image_write.
  'packages/server/test/render/stb-conformance.test.ts',
  // Not end-to-end, but minutes of CPU on a loaded machine (render worker pools, fuzzing the
  // circuit loaders): a 30 s unit bound failed them at load 20-45 while they passed.
  'packages/server/test/render/tracing.test.ts',
  'packages/server/test/scene/fuzz.test.ts',
  'packages/server/test/morphology/fuzz.test.ts',
];
