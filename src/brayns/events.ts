import type { LibraryEvent } from '../events.js';

/**
 * What the client reports while it works. The library never prints: the CLI (or a test) decides
 * what to show from these typed events.
 */
export type BraynsEventCode =
  | 'brayns.connect.retry' // an attempt failed; another follows after `data.delayMs`
  | 'brayns.connected' // get-version answered; `data` has version and revision
  | 'brayns.binary.ignored' // R1: a binary frame (viewport JPEG broadcast) that no request waits for
  | 'brayns.reply.orphan' // a reply for a request nobody waits for any more (cancelled or timed out)
  | 'brayns.loader.adjusted'; // loader inputs were adapted to the revision (e.g. R1 percentage with gids)

export type BraynsEvent = LibraryEvent<BraynsEventCode>;

export type BraynsEventSink = (event: BraynsEvent) => void;
