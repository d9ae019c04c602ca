import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { E2E_FILES } from './e2e-files.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What makes a test end-to-end: it starts a server or a process. */
const STARTS_SOMETHING = /spawnCli|spawn\(|spawnSync|execFile|startChildServers|startServer\(|WebSocketServer|startScriptedServer|startTamperingProxy|createServer\(/;

it('every test that starts a server or a process is in the e2e project (test/e2e-files.ts)', async () => {
  const files: string[] = [];
  for (const folder of ['test', ...(await readdir(join(ROOT, 'packages'))).map((p) => `packages/${p}/test`)]) {
    const found = await readdir(join(ROOT, folder), { recursive: true }).catch(() => []);
    files.push(...found.filter((f) => f.endsWith('.test.ts')).map((f) => `${folder}/${f}`));
  }
  expect(files.length).toBeGreaterThan(50);
  const inE2e = (file: string): boolean => E2E_FILES.some((glob) => globToRegExp(glob).test(file));
  const missing: string[] = [];
  for (const file of files) {
    if (file === 'test/e2e-files.test.ts') continue;
    if (STARTS_SOMETHING.test(await readFile(join(ROOT, file), 'utf8')) && !inE2e(file)) missing.push(file);
  }
  expect(missing).toEqual([]);
});

function globToRegExp(glob: string): RegExp {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '(?:.*/)?')
    .replace(/\*/g, '[^/]*');
  return new RegExp(`^${pattern}$`);
}
