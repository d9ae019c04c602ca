import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { internalError } from '../protocol/errors.js';
import type { SnapshotRules } from './types.js';

/** How a finished snapshot reaches the client (PROTOCOL §4.12). */

const knownFormat = (format: string): format is 'png' | 'jpg' => format === 'png' || format === 'jpg';

function unknownFormat(format: string, where: string): Error {
  return internalError(`Unsupported image format '${format}'${where}: expected 'png' or 'jpg' ('jpeg' is not a known codec)`);
}

/**
 * R1: `{data: base64}` in a text reply. With `file_path` the image goes to `<file_path>.<format>`
 * (the extension is appended even if present) and `data` is ''; write failures are only logged.
 */
export const base64Snapshots: SnapshotRules = {
  codecQuality: (requested) => requested,
  checkFormat({ format, filePath }) {
    if (!filePath && !knownFormat(format)) throw unknownFormat(format, '');
  },
  async deliver({ format, filePath, encode, log }) {
    if (filePath) {
      const target = `${filePath}.${format}`;
      try {
        if (!knownFormat(format)) throw unknownFormat(format, '');
        await writeFile(target, await encode(format));
      } catch (error) {
        log(`snapshot: could not write ${target}: ${error instanceof Error ? error.message : String(error)}`);
      }
      return { result: { data: '' } };
    }
    const image = await encode(format as 'png' | 'jpg');
    return { result: { data: image.toString('base64') } };
  },
};

/** The format R2/R3 write a file in: its extension decides, not `image_settings.format`. */
function fileFormat(filePath: string): string {
  return extname(filePath).slice(1).toLowerCase();
}

/**
 * R2/R3: a binary frame whose result is `{color_buffer: {offset: 0, size}}` with the image attached.
 * With `file_path` the image is written to exactly that path and the text reply has size 0.
 */
export const binarySnapshots: SnapshotRules = {
  codecQuality: (requested) => requested,
  checkFormat({ format, filePath }) {
    const effective = filePath ? fileFormat(filePath) : format;
    if (!knownFormat(effective)) throw unknownFormat(effective, filePath ? ` (from the extension of '${filePath}')` : '');
  },
  async deliver({ format, filePath, encode }) {
    if (filePath) {
      const image = await encode(fileFormat(filePath) as 'png' | 'jpg');
      try {
        await writeFile(filePath, image);
      } catch (error) {
        throw internalError(`Cannot write snapshot to '${filePath}': ${error instanceof Error ? error.message : String(error)}`);
      }
      return { result: { color_buffer: { offset: 0, size: 0 } } };
    }
    const image = await encode(format as 'png' | 'jpg');
    return { result: { color_buffer: { offset: 0, size: image.length } }, attachment: image };
  },
};
