/**
 * What the Slurm layer reports while it works. The library never prints: the CLI (or the runner
 * driving `launchAllocationInstances`) decides how to show these.
 */
export type SlurmEvent =
  | {
      code: 'slurm.instance.launching';
      level: 'info';
      message: string;
      data: { node: string; port: number; attempt: number; command: string };
    }
  | {
      code: 'slurm.instance.ready';
      level: 'info';
      message: string;
      data: { node: string; uri: string; startupMs: number };
    }
  | {
      code: 'slurm.instance.retry';
      level: 'warn';
      message: string;
      data: { node: string; port: number; attempt: number; reason: string };
    }
  | {
      code: 'slurm.instance.exited';
      level: 'warn';
      message: string;
      data: { node: string; uri: string; exitCode: number | null; signal: string | null };
    }
  | {
      code: 'slurm.instance.output';
      level: 'debug';
      message: string;
      data: { node: string; stream: 'stdout' | 'stderr'; line: string };
    };

export type SlurmEventListener = (event: SlurmEvent) => void;
