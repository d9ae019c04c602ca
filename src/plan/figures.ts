import { namedRampColors } from '@render-recipes/protocol';
import { toRgba } from '../recipe/colors.js';
import type { RawColormap, RawContactSheet, RawOverlay } from '../recipe/recipe-types.generated.js';
import type { ColormapSpec, ContactSheetSpec, OverlaySpec, ReportSpec } from './types.js';

/** Normalises the finishing parts of a recipe: report colour ramps, overlays and contact sheets. */

export const DEFAULT_CONTACT_SHEET_PATH = '{name}/sheet.png';
export const DEFAULT_TIME_FORMAT = 't = {time_ms} ms';

/** The value range a ramp spans when the recipe gives none: spike intensity, or millivolts. */
export function defaultRampRange(report: ReportSpec['type']): [number, number] {
  return report === 'compartment' ? [-80, -10] : [0, 1];
}

/**
 * The ramp a recipe asks for, or undefined for Brayns' own default (`brayns` without a range), so
 * that recipes without a colormap keep their plans and ids.
 */
export function normalizeColormap(raw: RawColormap | undefined, report: 'spikes' | 'compartment'): ColormapSpec | undefined {
  if (raw === undefined) return undefined;
  const shape = typeof raw === 'string' || Array.isArray(raw) ? { colors: raw } : raw;
  if (shape.colors === 'brayns' && shape.range === undefined) return undefined;
  const name = typeof shape.colors === 'string' ? shape.colors : null;
  const colors = typeof shape.colors === 'string' ? namedRampColors(shape.colors) : shape.colors.map(toRgba);
  const range = shape.range ?? defaultRampRange(report);
  return { name, colors, range: [range[0], range[1]] };
}

export function normalizeOverlay(raw: RawOverlay | undefined, hasReport: boolean): OverlaySpec | undefined {
  if (raw === undefined) return undefined;
  const title = raw.title === undefined ? null : typeof raw.title === 'string' ? { text: raw.title, position: 'top' as const, size: 1 } : { text: raw.title.text, position: raw.title.position ?? 'top', size: raw.title.size ?? 1 };
  return {
    scaleBar: raw.scale_bar === false ? null : { lengthUm: raw.scale_bar?.length_um ?? 'auto', position: raw.scale_bar?.position ?? 'bottom-left' },
    time: raw.time === false ? null : { format: raw.time?.format ?? DEFAULT_TIME_FORMAT, position: raw.time?.position ?? 'top-left' },
    legend: raw.legend === false || !hasReport ? null : { position: raw.legend?.position ?? 'right' },
    title,
    background: raw.background === undefined ? null : toRgba(raw.background),
    keepRaw: raw.keep_raw ?? false,
  };
}

export function normalizeContactSheet(raw: RawContactSheet | undefined, name: string): ContactSheetSpec | undefined {
  if (raw === undefined) return undefined;
  return { path: (raw.path ?? DEFAULT_CONTACT_SHEET_PATH).replaceAll('{name}', name), columns: raw.columns ?? 'auto', label: raw.label ?? true };
}
