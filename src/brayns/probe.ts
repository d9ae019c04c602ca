import { EXIT, RenderRecipesError, type ExitCode } from '../errors.js';
import { ADAPTERS } from './adapters/index.js';
import { BBP_LOADER, SONATA_LOADER } from './adapters/common.js';
import { connect, type ConnectOptions } from './connect.js';
import { checkLoads, describeLoadProblem, type LoadProblem } from './load-check.js';
import type { CircuitSpec } from '../plan/types.js';
import { formatVersion } from './revision.js';
import type { Revision } from './types.js';

export interface ProbeReport {
  uri: string;
  ok: boolean;
  /** 0 when usable; EXIT.unreachable (not reachable, not Brayns) or EXIT.capability otherwise. */
  exitCode: ExitCode;
  version?: string;
  revision?: Revision;
  /** The methods render-recipes uses on this revision, and whether the registry lists them. */
  methods?: { name: string; present: boolean }[];
  loaders?: { name: string; extensions: string[]; plugin?: string }[];
  bbpLoader?: boolean;
  sonataLoader?: boolean;
  /** With `circuits`: what this server's loaders and schemas refuse in the loads they need. */
  loadProblems?: LoadProblem[];
  /** What is missing for recipes, or why the server could not be probed. */
  problems: string[];
  error?: { code: string; message: string; hint?: string };
}

export type ProbeOptions = ConnectOptions & {
  loader?: 'bbp' | 'sonata';
  /** Circuits to check this server's loaders and schemas against (the exact add-model params `run` sends). */
  circuits?: readonly CircuitSpec[];
};

/**
 * Connects, reads version, registry and loaders, and judges whether recipes can run there. Never
 * throws for server problems: they end up in the report (so several servers can be probed at once).
 */
export async function probe(uri: string, options: ProbeOptions = {}): Promise<ProbeReport> {
  let client;
  try {
    client = await connect(uri, options);
  } catch (error) {
    return failed(uri, error);
  }
  try {
    const [registry, loaders] = [await client.registry(), await client.getLoaders()];
    const available = new Set(registry);
    const methods = ADAPTERS[client.revision].requiredMethods.map((name) => ({ name, present: available.has(name) }));
    const bbpLoader = loaders.some((l) => l.name === BBP_LOADER);
    const sonataLoader = client.revision === 'R3' && loaders.some((l) => l.name === SONATA_LOADER);
    const problems = methods.filter((m) => !m.present).map((m) => `method ${m.name} is missing from the registry`);
    // With circuits to check, their own loaders are what matters (checkLoads), not a default one.
    const loader = options.loader ?? (options.circuits ? null : 'bbp');
    if (loader === 'bbp' && !bbpLoader) problems.push(`the "${BBP_LOADER}" is missing: start braynsService with --plugin braynsCircuitExplorer`);
    if (loader === 'sonata' && !sonataLoader) problems.push(`the "${SONATA_LOADER}" is missing (it needs Brayns 3.3+ with --plugin braynsCircuitExplorer)`);
    const loadProblems = options.circuits ? await checkLoads(client, options.circuits) : undefined;
    for (const problem of loadProblems ?? []) problems.push(describeLoadProblem(problem));
    return {
      uri: client.uri,
      ok: problems.length === 0,
      exitCode: problems.length === 0 ? EXIT.ok : EXIT.capability,
      version: formatVersion(client.version),
      revision: client.revision,
      methods,
      loaders: loaders.map((l) => ({ name: l.name, extensions: l.extensions, ...(l.plugin ? { plugin: l.plugin } : {}) })),
      bbpLoader,
      sonataLoader,
      ...(loadProblems ? { loadProblems } : {}),
      problems,
    };
  } catch (error) {
    return failed(uri, error);
  } finally {
    await client.close();
  }
}

function failed(uri: string, error: unknown): ProbeReport {
  const e = error instanceof RenderRecipesError ? error : new RenderRecipesError('INTERNAL', String(error), { cause: error });
  // JSON-RPC errors on registry/get-loaders mean the server lacks them: a capability problem.
  const exitCode = e.code === 'CAPABILITY' || e.code === 'JSONRPC' ? EXIT.capability : e.code === 'USAGE' ? EXIT.invalidInput : e.code === 'INTERNAL' ? EXIT.internal : EXIT.unreachable;
  return {
    uri,
    ok: false,
    exitCode,
    problems: [e.message],
    error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
  };
}
