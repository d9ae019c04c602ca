import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BIN_PATH, defaultBraynsCommand, fillCommandTemplate } from '../../src/server-command.js';

describe('server command templates', () => {
  it('fills {port}, {host} and {cpus}', () => {
    expect(fillCommandTemplate('braynsService --uri {host}:{port} --threads {cpus}', { port: 20001, host: 'node-7', cpus: 12 })).toBe(
      'braynsService --uri node-7:20001 --threads 12',
    );
  });

  it('gives {cpus} all of this machine when the allocation does not say', () => {
    expect(fillCommandTemplate('x {port} {cpus}', { port: 1, host: 'h' })).toBe(`x 1 ${availableParallelism()}`);
  });

  it('quotes a host that a shell would otherwise read', () => {
    const filled = fillCommandTemplate('printf %s {host} #{port}', { port: 1, host: 'a b;$(id)' });
    expect(execFileSync('sh', ['-c', filled], { encoding: 'utf8' })).toBe('a b;$(id)');
  });

  it('defaults to the built-in backend of this package, on all interfaces, with the step CPUs', () => {
    const command = defaultBraynsCommand();
    expect(command).toContain(BIN_PATH);
    expect(command).toMatch(/ serve --host 0\.0\.0\.0 --port \{port\} --render-threads \{cpus\}$/);
  });
});
