import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its starting size (two 1 MB semi-spaces) for the rest of the
 * process. Only `serve` calls it: it owns its process, and the flag is process-wide.
 *
 * Why: V8 doubles the young generation, up to two 16 MB semi-spaces, whenever many objects survive
 * a scavenge, and gives the pages back only in a memory-reducing collection when the process is
 * idle. A server starting (schemas compiled) and parsing bulk requests (an 8 MB `add-spheres`
 * message is ~25 MB of objects, all alive until converted) grows it to 32 MB, resident for good,
 * while the scene's arrays live outside the V8 heap anyway. Measured on `serve` loading 1,000,000
 * spheres and rendering them at full HD (bench/serve.bench.js --only memory): peak RSS ~40 MB
 * lower, at the price of more (smaller) scavenges: the 100,000-sphere add-spheres round trip
 * looked 10-25 % slower in the same minutes on a loaded machine.
 *
 * V8 raises a growth factor below 2 to 2 when it configures a heap, so the flag is set at run
 * time, after the main heap exists; a render worker's heap configured later sets it back to 2 for
 * the heaps that grow after that, which the workers' small young generations show they barely do.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
