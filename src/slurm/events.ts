import type { LibraryEvent } from '../events.js';

/**
 * What the Slurm layer reports while it works, in the library's one event shape. The library never
 * prints: the CLI (or the runner driving `launchAllocationInstances`) decides how to show these.
 */
export type SlurmEvent =
  | (LibraryEvent<'slurm.instance.launching', { node: string; port: number; attempt: number; command: string }> & { level: 'info' })
  | (LibraryEvent<'slurm.instance.ready', { node: string; uri: string; startupMs: number }> & { level: 'info' })
  | (LibraryEvent<'slurm.instance.retry', { node: string; port: number; attempt: number; reason: string }> & { level: 'warn' })
  | (LibraryEvent<'slurm.instance.exited', { node: string; uri: string; exitCode: number | null; signal: string | null }> & { level: 'warn' })
  | (LibraryEvent<'slurm.instance.output', { node: string; stream: 'stdout' | 'stderr'; line: string }> & { level: 'debug' });

export type SlurmEventListener = (event: SlurmEvent) => void;
