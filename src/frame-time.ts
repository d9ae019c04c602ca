// Below the stages: the recipe's frames, the plan's tasks and the output's overlays all tell time
// by frame, and the output stage should not load the recipe stage to do so.

/** Brayns spike reports advance this many milliseconds per simulation frame. */
export const MS_PER_FRAME = 0.01;

/** The simulation time of a frame in ms, printed without binary noise (frame 25 -> 0.25). */
export function frameTime(frame: number): number {
  return Math.round(frame) / 100;
}
