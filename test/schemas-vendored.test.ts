import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const reference = join(root, '..', 'shared', 'brayns');
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
    it(`schema/brayns/${vendored} matches the reference ${upstream}`, () => {
      const ours = listJson(join(root, 'schema', 'brayns', vendored)).sort();
      const theirs = listJson(join(reference, 'schemas', upstream)).sort();
      expect(ours).toEqual(theirs);
      for (const file of ours) {
        const a: unknown = JSON.parse(readFileSync(join(root, 'schema', 'brayns', vendored, file), 'utf8'));
        const b: unknown = JSON.parse(readFileSync(join(reference, 'schemas', upstream, file), 'utf8'));
        expect(a, file).toEqual(b);
      }
    });
  }

  it('schema/brayns/spike-colormap.json matches the reference', () => {
    const a: unknown = JSON.parse(readFileSync(join(root, 'schema', 'brayns', 'spike-colormap.json'), 'utf8'));
    const b: unknown = JSON.parse(readFileSync(join(reference, 'data', 'spike-colormap.json'), 'utf8'));
    expect(a).toEqual(b);
  });
});
