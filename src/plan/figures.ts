import { toRgba, type RawContactSheet, type RawOverlay } from '../recipe/index.js';
import type { ContactSheetSpec, OverlaySpec } from './types.js';

/** Normalises the finishing parts of a recipe: report colour ramps, overlays and contact sheets. */

export const DEFAULT_CONTACT_SHEET_PATH = '{name}/sheet.png';
export const DEFAULT_TIME_FORMAT = 't = {time_ms} ms';

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
