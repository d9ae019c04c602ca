/**
 * The initial division of work: scenes over instances. Work is laid end to end (largest scene first)
 * and cut into equal shares, one per instance (McNaughton's wrap-around rule). Every instance then
 * has the same number of tasks and at most one scene is split between two neighbours, so the loads
 * are max(#scenes, #instances) when the counts divide evenly and at most #scenes + #instances - 1
 * otherwise: the fewest loads that still give every instance an equal share. A piece smaller than
 * `minPiece` tasks is not worth its own load and stays with the neighbour holding the rest.
 */
export interface SceneWork {
  sceneId: string;
  tasks: number;
}

export interface Segment {
  sceneId: string;
  /** Tasks of the scene reserved for this worker. */
  quota: number;
}

export function assignScenes(scenes: readonly SceneWork[], workers: number, minPiece = 1): Segment[][] {
  const plan: Segment[][] = Array.from({ length: workers }, () => []);
  const sorted = scenes.filter((s) => s.tasks > 0).sort((a, b) => b.tasks - a.tasks || (a.sceneId < b.sceneId ? -1 : 1));
  const total = sorted.reduce((sum, s) => sum + s.tasks, 0);
  if (total === 0 || workers === 0) return plan;
  // More instances than tasks: the extra ones would only load for nothing.
  const used = Math.min(workers, total);
  const boundary = (k: number): number => Math.round((k * total) / used);
  let worker = 0;
  let position = 0;
  for (const scene of sorted) {
    let left = scene.tasks;
    while (left > 0) {
      const room = boundary(worker + 1) - position;
      const take = Math.min(left, room);
      if (take > 0) plan[worker]?.push({ sceneId: scene.sceneId, quota: take });
      left -= take;
      position += take;
      if (position >= boundary(worker + 1) && worker < used - 1) worker += 1;
    }
  }
  return mergeSmallPieces(plan, Math.max(1, minPiece));
}

/** Gives a piece below `minPiece` to the neighbour that holds the rest of the same scene. */
function mergeSmallPieces(plan: Segment[][], minPiece: number): Segment[][] {
  if (minPiece <= 1) return plan;
  for (let w = 0; w < plan.length; w += 1) {
    const segments = plan[w] ?? [];
    for (const [edge, neighbour] of [
      [0, w - 1],
      [segments.length - 1, w + 1],
    ] as const) {
      const piece = segments[edge];
      if (!piece || piece.quota >= minPiece || segments.length < 2) continue;
      const other = plan[neighbour]?.find((s) => s.sceneId === piece.sceneId);
      if (!other) continue;
      other.quota += piece.quota;
      piece.quota = 0;
    }
    plan[w] = segments.filter((s) => s.quota > 0);
  }
  return plan;
}
