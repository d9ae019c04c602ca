import { canonicalJson } from '../canonical-json.js';
import type { PlanTask } from './types.js';

/**
 * The canonical JSON of a compiled task, from pieces prepared once per matrix item: everything
 * but the frame, id, output path and time is the same for all tasks of an item, so hashing a
 * 100,000-task plan costs a few string concatenations per task. `test/plan` checks that the
 * result is byte-identical to `canonicalJson(task)`.
 */
export interface TaskJsonPieces {
  /** Literal text around the varying parts. */
  text: string[];
  /** Which varying part follows each piece of `text` (all but the last): a task field or `v:<key>` of its values. */
  slots: string[];
}

const MARK = '\u0000slot:';

/**
 * Serialises a sample task with markers in place of the parts that vary between tasks sharing
 * the same camera, renderer, lights, resolution, image, scene and recipe (frame, id, item, output
 * path and every value), then cuts the text at the markers. Serialising the real structure (not a
 * hand-written template) keeps the pieces right if PlanTask gains fields.
 */
export function taskJsonPieces(sample: PlanTask): TaskJsonPieces {
  const marked = {
    ...sample,
    frame: `${MARK}frame`,
    id: `${MARK}id`,
    item: `${MARK}item`,
    output: { ...sample.output, path: `${MARK}path` },
    values: Object.fromEntries(Object.keys(sample.values).map((k) => [k, `${MARK}v:${k}`])),
  };
  const json = canonicalJson(marked);
  const text: string[] = [];
  const slots: string[] = [];
  const open = JSON.stringify(MARK).slice(0, -1);
  let last = 0;
  for (let at = json.indexOf(open); at !== -1; at = json.indexOf(open, last)) {
    const end = json.indexOf('"', at + open.length);
    text.push(json.slice(last, at));
    slots.push((JSON.parse(json.slice(at, end + 1)) as string).slice(MARK.length));
    last = end + 1;
  }
  text.push(json.slice(last));
  return { text, slots };
}

/** The canonical JSON of `task`: its template's text with the task's own values filled in. */
export function fillTaskJson(pieces: TaskJsonPieces, task: PlanTask): string {
  let out = pieces.text[0] ?? '';
  for (let i = 0; i < pieces.slots.length; i++) {
    const slot = pieces.slots[i] ?? '';
    let value: string;
    if (slot === 'frame') value = String(task.frame);
    else if (slot === 'id') value = `"${task.id}"`;
    else if (slot === 'item') value = JSON.stringify(task.item);
    else if (slot === 'path') value = JSON.stringify(task.output.path);
    else value = JSON.stringify(task.values[slot.slice(2)]);
    out += value + (pieces.text[i + 1] ?? '');
  }
  return out;
}
