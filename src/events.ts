/**
 * The one shape of everything the library reports while it works (run, movie, Brayns client,
 * Slurm). The library never prints: the CLI renders these as text or, with `--json`, one JSON line
 * each, and tests record them. `code` is stable and namespaced (`task.finished`, `brayns.connected`,
 * `slurm.instance.ready`); `message` is the human sentence; `data` holds the facts a program needs.
 */
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LibraryEvent<Code extends string = string, Data = Record<string, unknown>> {
  code: Code;
  level: EventLevel;
  message: string;
  data: Data;
}

/** A union of events, one per code, from a table `{ code: data }`. */
export type EventsOf<Table> = { [Code in keyof Table & string]: LibraryEvent<Code, Table[Code]> }[keyof Table & string];

export type EventSink<Event> = (event: Event) => void;
