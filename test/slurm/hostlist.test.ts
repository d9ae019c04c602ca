import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expandCounts, expandHostlist } from '../../src/slurm/hostlist.js';
import { slurmAvailable } from './cluster.js';

const lists: [string, string[]][] = [
  ['vm', ['vm']],
  ['vm-1,vm-2', ['vm-1', 'vm-2']],
  ['node[01-03,07]', ['node01', 'node02', 'node03', 'node07']],
  ['node[8-11]', ['node8', 'node9', 'node10', 'node11']],
  ['gpu[1-2],login', ['gpu1', 'gpu2', 'login']],
  ['rack[1-2]-n[01-02]', ['rack1-n01', 'rack1-n02', 'rack2-n01', 'rack2-n02']],
  ['r[0-1]n[1,3],x[009-010]', ['r0n1', 'r0n3', 'r1n1', 'r1n3', 'x009', 'x010']],
];

describe('expandHostlist', () => {
  it.each(lists)('%s', (list, hosts) => {
    expect(expandHostlist(list)).toEqual(hosts);
  });

  it.each(['node[1-3', 'node]1', 'node[3-1]', 'node[a-b]'])('rejects %j with a SLURM error', (list) => {
    expect(() => expandHostlist(list)).toThrow(expect.objectContaining({ code: 'SLURM' }));
  });

  it.runIf(slurmAvailable).each(lists)('agrees with `scontrol show hostnames %s`', (list) => {
    const fromSlurm = execFileSync('scontrol', ['show', 'hostnames', list], { encoding: 'utf8' }).trim().split('\n');
    expect(expandHostlist(list)).toEqual(fromSlurm);
  });
});

describe('expandCounts', () => {
  it.each([
    ['1', [1]],
    ['2(x3),1', [2, 2, 2, 1]],
    ['4,2(x2)', [4, 2, 2]],
  ])('%s', (value, counts) => {
    expect(expandCounts(value, 'SLURM_TASKS_PER_NODE')).toEqual(counts);
  });

  it('names the variable when it cannot read it', () => {
    expect(() => expandCounts('2x3', 'SLURM_TASKS_PER_NODE')).toThrow(/SLURM_TASKS_PER_NODE/);
  });
});
