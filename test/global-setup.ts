import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Tests that spawn the real `render-recipes` binary run the compiled `dist/`, so it must match `src/`.
 * The build is incremental: when nothing changed it costs a second. Type errors are the type-check
 * gate's business (`npm test` runs it first); tsc still emits, so they do not stop the tests here.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  // The rest of `npm run build`: the recipe schema compiled into dist/ for the CLI's quick check.
  spawnSync(process.execPath, ['scripts/compile-recipe-schema.js'], { cwd: root, stdio: 'ignore' });
}
