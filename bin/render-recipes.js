#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
//
// The Node.js floor is checked before anything else is imported: older releases lack APIs the CLI
// uses at module load (zlib.crc32 arrived in 20.15, Dirent.parentPath in 20.12), and would crash
// with a stack trace instead of saying what is wrong. The floor is package.json's `engines.node`.
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const floor = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(engines.node);
if (!floor) throw new Error(`package.json engines.node must read '>=MAJOR.MINOR', got '${engines.node}'`);
const need = floor.slice(1).map((n) => Number(n ?? 0));
const have = process.versions.node.split('.').map(Number);
// The first component that differs decides (20.9 < 20.15 < 22.0).
const difference = need.map((n, i) => (have[i] ?? 0) - n).find((d) => d !== 0) ?? 0;
if (difference < 0) {
  process.stderr.write(
    `error: render-recipes needs Node.js ${need.join('.')} or newer; this is Node.js ${process.versions.node}\n` +
      `hint: install a current Node.js 20 or 22 (e.g. \`nvm install 22\`), then run render-recipes again\n`,
  );
  process.exit(1);
}

const { run } = await import('../dist/cli/bin.js');
run();
