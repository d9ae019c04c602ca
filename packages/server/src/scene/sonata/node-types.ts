import { readFile } from 'node:fs/promises';
import { circuitError, fsErrorCode } from '../circuit-error.js';

/**
 * A SONATA node types file: a space-separated table with a header, one row per `node_type_id`,
 * giving attributes shared by every node of that type (morphology, model_type, mtype…). `NONE`
 * or an empty cell means "not set". Values in double quotes may contain spaces.
 */
export type NodeTypes = Map<number, Map<string, string>>;

export async function readNodeTypes(path: string): Promise<NodeTypes> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw circuitError(`Cannot read SONATA node types file ${path}: ${fsErrorCode(error) === 'ENOENT' ? 'no such file' : (error as Error).message}`, error);
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const header = splitRow(lines[0] ?? '');
  const idColumn = header.indexOf('node_type_id');
  if (idColumn < 0) throw circuitError(`Cannot read SONATA node types file ${path}: the header has no 'node_type_id' column`);
  const types: NodeTypes = new Map();
  for (let i = 1; i < lines.length; i++) {
    const cells = splitRow(lines[i] ?? '');
    if (cells.length !== header.length) {
      throw circuitError(`Cannot read SONATA node types file ${path}: row ${i + 1} has ${cells.length} columns, the header ${header.length}`);
    }
    const id = Number(cells[idColumn]);
    if (!Number.isInteger(id)) throw circuitError(`Cannot read SONATA node types file ${path}: row ${i + 1}: node_type_id '${cells[idColumn]}' is not an integer`);
    const row = new Map<string, string>();
    header.forEach((name, c) => {
      const value = cells[c] ?? '';
      if (c !== idColumn && value !== '' && value !== 'NONE') row.set(name, value);
    });
    types.set(id, row);
  }
  return types;
}

function splitRow(line: string): string[] {
  const cells: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) cells.push(match[1] ?? match[2] ?? '');
  return cells;
}
