// Bytes one rendered frame allocates on the calling thread, shared by the renderer benchmarks
// (issue 16: garbage per full-HD frame under 10 MB).
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';

/**
 * Renders `frame` 3 times, then once more under V8's GC profiler: resolves to the bytes that last
 * frame allocated (new-space growth between collections plus what is left at the end) and what
 * it resolved to. The frames first, so the hot loops run optimised: the figure is the steady
 * state's (code that is not optimised yet boxes its floats, and a forced full GC sends some back
 * there). `during`, if given, is awaited right before the measured frame and its result awaited
 * right after it (e.g. to start and stop a heap profiler around that frame only).
 */
export async function measureGarbage(frame, during = null) {
  for (let i = 0; i < 3; i++) await frame();
  const stop = during === null ? null : await during();
  const profiler = new GCProfiler();
  profiler.start();
  const usedAtStart = newSpaceUsed();
  const result = await frame();
  const usedAtEnd = newSpaceUsed();
  const { statistics } = profiler.stop();
  if (stop !== null) await stop();
  let bytes = 0;
  let after = usedAtStart;
  for (const gc of statistics) {
    bytes += Math.max(0, spaceUsed(gc.beforeGC.heapSpaceStatistics, 'new_space') - after);
    after = spaceUsed(gc.afterGC.heapSpaceStatistics, 'new_space');
  }
  return { bytes: bytes + Math.max(0, usedAtEnd - after), result };
}

/** GCProfiler's statistics name their fields in camelCase. */
function spaceUsed(spaces, name) {
  return spaces.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0;
}

/** `v8.getHeapSpaceStatistics` names them in snake_case. */
function newSpaceUsed() {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (space === undefined) throw new Error('V8 reports no new_space: the garbage figure cannot be measured');
  return space.space_used_size;
}
