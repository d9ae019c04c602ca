import { describe, expect, it } from 'vitest';
import { WORKER_YOUNG_MB, WorkerPool } from '../../src/render/pool.js';

/**
 * Render workers' young generations stay at V8's smallest: Node's default lets each grow to
 * 48 MB (two 16 MB semi-spaces and as much for large objects), and a render worker that grew to
 * 8 MB kept it resident (issue 16: 1,000,000 spheres in `serve` under 250 MB).
 */
describe('render worker heaps', () => {
  it('runs every worker with a minimal young generation', async () => {
    const pool = new WorkerPool(2);
    try {
      await pool.build([]);
      const limits = pool.heapLimits();
      expect(limits).toHaveLength(2);
      for (const l of limits) expect(l.maxYoungGenerationSizeMb).toBeLessThanOrEqual(WORKER_YOUNG_MB);
      expect(WORKER_YOUNG_MB).toBeLessThanOrEqual(3);
    } finally {
      await pool.dispose();
    }
  });
});
