import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every benchmark, run at `--smoke` size (bench/mode.js): tiny scenes, one round. The figures mean
// nothing; what this proves is that `npm run bench` still runs end to end against the current code
// (benches are not type-checked, and a renamed export or a new protocol check once broke two of
// them silently for a session).
const root = fileURLToPath(new URL('../..', import.meta.url));
const benches = readdirSync(`${root}bench`)
  .filter((f) => f.endsWith('.bench.js'))
  .sort();

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runBench(file: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', `bench/${file}`, '--smoke'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Benchmarks that need something this machine may not have, and what says it is there. */
const needs: Record<string, { present: boolean; skipMessage: RegExp }> = {
  'embree.bench.js': { present: existsSync('/usr/include/embree3/rtcore.h'), skipMessage: /^Skipped: the Embree reference needs/m },
  'python-loop.bench.js': { present: process.env.BRAYNS_PYTHON_PATH !== undefined, skipMessage: /^skipped: set BRAYNS_PYTHON_PATH/m },
};

describe('every benchmark runs end to end at --smoke size', () => {
  it('finds the benchmarks', () => {
    expect(benches).toContain('render.bench.js');
    expect(benches.length).toBeGreaterThanOrEqual(12);
  });

  for (const file of benches) {
    it(file, async () => {
      const run = await runBench(file);
      const context = `${file} exited ${run.signal ?? run.code}\n--- stdout\n${run.stdout.slice(-2000)}\n--- stderr\n${run.stderr.slice(-4000)}`;
      expect(run.code, context).toBe(0);
      const need = needs[file];
      if (need !== undefined && !need.present) {
        expect(run.stdout, context).toMatch(need.skipMessage);
        return;
      }
      // A markdown table of figures, and the command that reproduces it at this size.
      expect(run.stdout, context).toMatch(/^\|\s*-{3}/m);
      expect(run.stdout, context).toMatch(/--smoke/);
    });
  }
});
