import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commandOptions } from '../../src/cli/main.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const io = { stdout: sink, stderr: sink, env: {}, cwd: process.cwd(), signal: new AbortController().signal };

/** Options of other programs that the README quotes (braynsService, sbatch, npm). */
const FOREIGN = new Set(['--uri', '--plugin', '--exclusive', '--qos', '--sbatch-arg=--exclusive', '--workspaces']);

/** A flag as a whole token: `--out` must not match `--out-dir`. */
const mentions = (text: string, flag: string): boolean => new RegExp(`${flag}(?![a-z0-9-])`).test(text);

describe('the README documents every command-line option, and only real ones', async () => {
  const commands = await commandOptions(io);

  it.each(commands.filter((c) => c.options.length > 0))('`$command` options are all in the README', ({ options }) => {
    expect(options.filter((flag) => !mentions(readme, flag))).toEqual([]);
  });

  it('every --flag in the README option tables belongs to a command', () => {
    const known = new Set(commands.flatMap((c) => c.options));
    const tableFlags = readme
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .flatMap((line) => line.match(/--[a-z][a-z0-9-]*/g) ?? []);
    expect(tableFlags.length).toBeGreaterThan(20);
    expect([...new Set(tableFlags)].filter((flag) => !known.has(flag) && !FOREIGN.has(flag))).toEqual([]);
  });
});
