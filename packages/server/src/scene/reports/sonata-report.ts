import type { Dataset } from 'h5wasm/node';
import { getDataset, getGroup, loadedH5wasm, readNumbers, withHdf5File } from '../hdf5.js';
import { columnsFromElementIds, type CellColumns, type ReportFrames } from './report-frames.js';
import { checkReportTime, reportFailure, reportPopulation, SONATA_REPORT } from './sonata-report-layout.js';

/**
 * SONATA element reports (compartment and soma reports, BBP `Format SONATA` reports too):
 * /report/<population>/data [frames × columns], /report/<population>/mapping/{node_ids,
 * index_pointers, element_ids, time = [start, end, dt]}. Node ids are 0-based: GID = node id + 1.
 * The mapping is read once; frames are read one row at a time when a render asks for them.
 */
export async function openSonataReport(path: string, population: string | null): Promise<ReportFrames> {
  const layout = await withHdf5File(path, SONATA_REPORT, (file) => {
    const fail = reportFailure(path);
    const { name, group } = reportPopulation(file, population, fail);
    const mapping = getGroup(group, 'mapping') ?? fail(`missing group '/report/${name}/mapping'`);
    const need = (parent: typeof group, key: string, where: string): Dataset => getDataset(parent, key) ?? fail(`missing dataset '${where}/${key}'`);
    const data = need(group, 'data', `/report/${name}`);
    const base = `/report/${name}/mapping`;
    const nodeIds = readNumbers(need(mapping, 'node_ids', base));
    if (getDataset(mapping, 'index_pointers') === null && getDataset(mapping, 'index_pointer') !== null) {
      // bmtk writes the draft name; libsonata, which Brayns reads reports with, accepts only the plural.
      fail(
        `it has '${base}/index_pointer' where libsonata (and so Brayns) needs '${base}/index_pointers'; ` +
          `rename the dataset (h5py: f.move('${base}/index_pointer', '${base}/index_pointers'))`,
      );
    }
    const pointers = readNumbers(need(mapping, 'index_pointers', base));
    const elementIds = readNumbers(need(mapping, 'element_ids', base));
    const timeDataset = need(mapping, 'time', base);
    const time = readNumbers(timeDataset);
    const shape = data.shape ?? [];
    if (shape.length !== 2) fail(`'/report/${name}/data' is not a 2-D dataset (frames × columns)`);
    const [frameCount, columnCount] = shape as [number, number];
    if (pointers.length !== nodeIds.length + 1) fail(`index_pointers has ${pointers.length} entries for ${nodeIds.length} node ids (expected one more)`);
    if (elementIds.length !== columnCount) fail(`element_ids has ${elementIds.length} entries for ${columnCount} data columns`);
    checkReportTime(time, fail);
    const units = timeDataset.attrs.units?.value;
    const cells = new Map<number, CellColumns>();
    nodeIds.forEach((node, i) => {
      const first = pointers[i] as number;
      const last = pointers[i + 1] as number;
      if (last > first) cells.set(node + 1, columnsFromElementIds(first, elementIds.subarray(first, last)));
    });
    return { name, frameCount, columnCount, cells, time, unit: typeof units === 'string' ? units : 'ms' };
  });

  let cached: { index: number; values: Float32Array } | null = null;
  return {
    path,
    startTime: layout.time[0] as number,
    endTime: layout.time[1] as number,
    dt: layout.time[2] as number,
    unit: layout.unit,
    frameCount: layout.frameCount,
    gids: () => [...layout.cells.keys()].sort((a, b) => a - b),
    columns: (gid) => layout.cells.get(gid) ?? null,
    frame(index) {
      if (cached?.index === index) return cached.values;
      // h5wasm reads synchronously once loaded (the mapping read above loaded it).
      const h5wasm = loadedH5wasm();
      const file = new h5wasm.default.File(path, 'r');
      try {
        const data = file.get(`report/${layout.name}/data`);
        if (!(data instanceof h5wasm.Dataset)) return reportFailure(path)('its data went missing');
        const row = data.slice([[index, index + 1], []]) as ArrayLike<number>;
        const values = Float32Array.from(row);
        cached = { index, values };
        return values;
      } finally {
        file.close();
      }
    },
  };
}
