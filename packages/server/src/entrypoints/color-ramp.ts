import { braynsDefaultRamp, type ColorRamp, type Rgba } from '@render-recipes/protocol';
import { invalidParams } from '../protocol/errors.js';
import { rampTable } from '../scene/spike-colormap.js';
import type { SceneModel } from '../state/scene.js';
import { findModel } from './models.js';
import { entrypoint, reply, type Entrypoint } from './types.js';

/**
 * R2/R3 `get-color-ramp` / `set-color-ramp`: the ramp a report model is painted with. As in Brayns,
 * only models with a report have one (it is attached by the report loader); every report starts
 * with Brayns' default ramp. `set-color-ramp` replaces the fields it is given.
 */

interface RampParams {
  id: number;
  color_ramp: { colors?: number[][]; range?: number[] };
}

function reportModel(model: SceneModel): SceneModel {
  if (!model.circuit?.simulation) throw invalidParams('The requested model does not have a color ramp');
  return model;
}

export function modelRamp(model: SceneModel): ColorRamp {
  return model.colorRamp ?? braynsDefaultRamp();
}

export const colorRampEntrypoints = (): Entrypoint[] => [
  entrypoint<{ id: number }>({
    method: 'get-color-ramp',
    async: false,
    run: ({ params, server }) => reply(modelRamp(reportModel(findModel(server, params.id)))),
  }),
  entrypoint<RampParams>({
    method: 'set-color-ramp',
    async: false,
    run: ({ params, server }) => {
      const model = reportModel(findModel(server, params.id));
      const current = modelRamp(model);
      const colors = (params.color_ramp.colors as Rgba[] | undefined) ?? current.colors;
      const range = (params.color_ramp.range as [number, number] | undefined) ?? current.range;
      if (colors.length === 0) throw invalidParams('A color ramp needs at least one color');
      if (!(range[0] < range[1])) throw invalidParams(`The color ramp range must be increasing, got [${range.join(', ')}]`);
      model.colorRamp = { colors: colors.map((c) => [...c] as Rgba), range: [range[0], range[1]] };
      model.colorTable = rampTable(model.colorRamp);
      return reply(null);
    },
  }),
];
