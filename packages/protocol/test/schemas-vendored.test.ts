import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { BRAYNS_SCHEMA_DIR, SPIKE_COLORMAP_PATH } from '../src/schemas.js';

// The project's checkout sits beside ../shared; this package is two levels below the checkout.
const reference = fileURLToPath(new URL('../../../../shared/brayns', import.meta.url));
const hasReference = (() => {
  try {
    return statSync(join(reference, 'schemas')).isDirectory();
  } catch {
    return false;
  }
})();

/** Vendored folder name -> folder name in the protocol reference. */
const revisions: Record<string, string> = { '2.0.0': '938284d1f', '3.0.0': '3.0.0', '3.10.1': '3.10.1' };

function listJson(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listJson(join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.name.endsWith('.json')
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

describe.skipIf(!hasReference)('vendored Brayns schemas (needs ../shared/brayns)', () => {
  for (const [vendored, upstream] of Object.entries(revisions)) {
    it(`schemas/${vendored} matches the reference ${upstream}`, () => {
      const ours = listJson(join(BRAYNS_SCHEMA_DIR, vendored)).sort();
      const theirs = listJson(join(reference, 'schemas', upstream)).sort();
      expect(ours).toEqual(theirs);
      for (const file of ours) {
        const a: unknown = JSON.parse(readFileSync(join(BRAYNS_SCHEMA_DIR, vendored, file), 'utf8'));
        const b: unknown = JSON.parse(readFileSync(join(reference, 'schemas', upstream, file), 'utf8'));
        expect(a, file).toEqual(b);
      }
    });
  }

  it('schemas/spike-colormap.json matches the reference', () => {
    const a: unknown = JSON.parse(readFileSync(SPIKE_COLORMAP_PATH, 'utf8'));
    const b: unknown = JSON.parse(readFileSync(join(reference, 'data', 'spike-colormap.json'), 'utf8'));
    expect(a).toEqual(b);
  });
});
