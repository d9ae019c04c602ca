import { RenderRecipesError } from '../errors.js';
import type { BraynsVersion, Revision } from './types.js';

/**
 * Which wire protocol a server speaks, from the version `get-version` reports:
 * 2.x = R1 (the June 2022 server), 3.0.0-3.2.x = R2, 3.3.0 and later 3.x = R3.
 */
export function revisionOf(version: BraynsVersion): Revision {
  const { major, minor } = version;
  if (major === 2) return 'R1';
  if (major === 3) return minor <= 2 ? 'R2' : 'R3';
  throw new RenderRecipesError(
    'CAPABILITY',
    `Brayns ${formatVersion(version)} is not supported: render-recipes speaks Brayns 2.x (R1), 3.0-3.2 (R2) and 3.3 or later 3.x (R3)`,
    { hint: 'run a supported braynsService, or the built-in server (render-recipes serve)', data: { version } },
  );
}

export function formatVersion(version: BraynsVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** Reads a `get-version` result; anything else means the peer is not Brayns. */
export function parseVersion(result: unknown, uri: string): BraynsVersion {
  const r = result as Partial<Record<keyof BraynsVersion, unknown>> | null;
  const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  if (r === null || typeof r !== 'object' || !isInt(r.major) || !isInt(r.minor) || !isInt(r.patch)) {
    throw new RenderRecipesError(
      'PROTOCOL',
      `${uri} answered get-version with ${JSON.stringify(result)?.slice(0, 120)}, expected {major, minor, patch, revision}: is it a Brayns server?`,
    );
  }
  return { major: r.major, minor: r.minor, patch: r.patch, revision: typeof r.revision === 'string' ? r.revision : '' };
}
