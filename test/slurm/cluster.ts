import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Helpers for tests that need a real Slurm (the local cluster from ../shared/slurm). They run only
 * with RENDER_RECIPES_SLURM=1 and a working `sinfo`; otherwise they are skipped with a message.
 */

function probeSlurm(): { ok: true } | { ok: false; why: string } {
  if (process.env.RENDER_RECIPES_SLURM !== '1') {
    return { ok: false, why: 'RENDER_RECIPES_SLURM is not 1 (run .ci/slurm-tests.sh to start a local cluster and run them)' };
  }
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%D'], { encoding: 'utf8' });
  if (sinfo.error || sinfo.status !== 0) {
    return { ok: false, why: `\`sinfo\` does not work (${sinfo.error?.message ?? sinfo.stderr.trim()}); is SLURM_CONF exported?` };
  }
  return { ok: true };
}

const probe = probeSlurm();
export const slurmAvailable = probe.ok;
if (!probe.ok) console.warn(`[test/slurm] skipping the tests that need a real Slurm: ${probe.why}`);

/** Number of nodes in the cluster (the local one emulates SLURM_LOCAL_NODES of them). */
export function clusterNodes(): number {
  return execFileSync('sinfo', ['-h', '-N', '-o', '%N'], { encoding: 'utf8' }).trim().split('\n').length;
}

/** Waits until `squeue` no longer lists the job (an array id covers all its tasks), polling every 0.2 s. */
export async function waitForJob(jobId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = spawnSync('squeue', ['-h', '-j', jobId], { encoding: 'utf8' });
    if (out.status === 0 && out.stdout.trim() === '') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${jobId} still in the queue after ${timeoutMs} ms`);
}

/** `State` and `ExitCode` of every job (array tasks included) of `jobId`, from scontrol (kept 300 s). */
export function jobStates(jobId: string): { state: string; exitCode: string }[] {
  const out = execFileSync('scontrol', ['-o', 'show', 'job', jobId], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => ({
      state: /JobState=(\S+)/.exec(line)?.[1] ?? '?',
      exitCode: /ExitCode=(\S+)/.exec(line)?.[1] ?? '?',
    }));
}
