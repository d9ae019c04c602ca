import { braynsDefaultRamp, sampleRamp } from '@render-recipes/protocol';
import { normalizeColormap, toRgba } from './colors.js';
import type { Problem } from './diagnostics.js';
import type { RawRecipe } from './recipe-types.generated.js';
import { escapeReason, templateExtension } from './template.js';

const SHEET_FORMATS = new Set(['png', 'jpg', 'jpeg', 'webp']);

/**
 * Checks of the finishing parts (report colour ramp, overlay, contact sheet) the schema cannot
 * express, and the warning that a background hides the ramp's resting or peak colour.
 */
export function checkFigures(recipe: RawRecipe, valid: (field: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  const report = valid('circuit') ? recipe.circuit.report : undefined;
  const colormap = report?.colormap;
  if (colormap !== undefined && report) {
    if (report.type === 'none') {
      problems.push({ code: 'FIELD_NOT_APPLICABLE', path: ['circuit', 'report', 'colormap'], message: '`colormap` colours a report, but `type` is none', hint: 'remove `colormap`, or set `type: spikes`' });
    } else if (typeof colormap === 'object' && !Array.isArray(colormap) && colormap.range && !(colormap.range[0] < colormap.range[1])) {
      problems.push({ code: 'OUT_OF_RANGE', path: ['circuit', 'report', 'colormap', 'range'], message: 'the colormap range must go from the lower value to the higher one', expected: '[min, max] with min < max', found: JSON.stringify(colormap.range), hint: `write [${colormap.range[1]}, ${colormap.range[0]}], or reverse the colours` });
    }
  }
  if (valid('overlay') && valid('output') && recipe.overlay && recipe.output?.transfer === 'server') {
    problems.push({ code: 'OUTPUT_TRANSFER', path: ['output', 'transfer'], message: '`transfer: server` writes the image on the Brayns host, so render-recipes cannot draw the overlay onto it', expected: 'download', found: 'server', hint: 'use `transfer: download`, or remove `overlay`' });
  }
  const sheet = valid('output') ? recipe.output?.contact_sheet : undefined;
  if (sheet?.path !== undefined) {
    const path = ['output', 'contact_sheet', 'path'];
    const placeholder = /\{(?!name\})[^{}]*\}/.exec(sheet.path.replaceAll('{{', '  ').replaceAll('}}', '  '));
    const ext = templateExtension(sheet.path);
    const escape = escapeReason(sheet.path);
    if (placeholder) problems.push({ code: 'TEMPLATE_UNKNOWN_PLACEHOLDER', path, offset: sheet.path.indexOf(placeholder[0]), length: placeholder[0].length, message: `a contact sheet path knows only {name}, got ${placeholder[0]}`, expected: '{name}', found: placeholder[0], hint: 'one sheet per recipe holds every image of its matrix: remove the placeholder' });
    else if (escape) problems.push({ code: 'TEMPLATE_ESCAPES', path, message: `the contact sheet must stay inside the output directory, but ${escape}`, found: JSON.stringify(sheet.path), hint: 'write a relative path' });
    else if (!ext || !SHEET_FORMATS.has(ext)) problems.push({ code: 'OUTPUT_FORMAT', path, message: 'a contact sheet is a png, jpg or webp image', expected: '.png, .jpg or .webp', found: ext ? `.${ext}` : 'no extension', hint: 'end the path with .png' });
  }
  if (report && report.type !== 'none' && problems.length === 0) problems.push(...checkContrast(recipe, report.type, valid));
  return problems;
}

/** Distance under which two colours look the same on a figure (RGB, components in [0, 1]). */
const INDISTINCT = 0.12;

function checkContrast(recipe: RawRecipe, type: 'spikes' | 'compartment', valid: (field: string) => boolean): Problem[] {
  const fromOverlay = valid('overlay') ? recipe.overlay?.background : undefined;
  const fromRenderer = valid('renderer') ? recipe.renderer?.background : undefined;
  // A transparent image has no background of its own: only an opaque one can hide colours.
  const background = fromOverlay !== undefined ? toRgba(fromOverlay) : fromRenderer !== undefined ? toRgba(fromRenderer) : null;
  if (!background || background[3] === 0) return [];
  const ramp = normalizeColormap(recipe.circuit.report?.colormap, type) ?? braynsDefaultRamp();
  const table = sampleRamp(ramp.colors, ramp.range);
  const entry = (i: number): number[] => [table[i * 4] ?? 0, table[i * 4 + 1] ?? 0, table[i * 4 + 2] ?? 0];
  const close = (c: number[]): boolean => Math.hypot(c[0]! - background[0], c[1]! - background[1], c[2]! - background[2]) < INDISTINCT;
  const hidden = [close(entry(0)) ? 'resting' : null, close(entry(255)) ? 'peak' : null].filter((x): x is string => x !== null);
  if (hidden.length === 0) return [];
  const path = fromOverlay !== undefined ? ['overlay', 'background'] : ['renderer', 'background'];
  return [{
    code: 'COLORS_HIDDEN', severity: 'warning', path,
    message: `the background hides the ${hidden.join(' and ')} colour of the report's colour ramp: ${hidden.includes('resting') ? 'resting cells' : 'cells at their spike'} will not show`,
    hint: 'pick another background, or set `circuit.report.colormap` (e.g. `viridis`)',
  }];
}
