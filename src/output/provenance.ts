import type { SnapshotCamera, View, ResolvedLight } from '@render-recipes/protocol';
import type { CameraSpec, CircuitSpec, ImageFormat, LightSpec, OverlaySpec, RendererSpec } from '../plan/index.js';

export const PROVENANCE_FORMAT = 'render-recipes/provenance@1';
/** PNG text-chunk keyword and XMP element that carry the provenance JSON. */
export const PROVENANCE_KEYWORD = 'render-recipes';
const XMP_NS = 'https://github.com/render-recipes/render-recipes/ns/provenance/1.0/';

/**
 * Everything needed to reproduce one image, embedded in the image itself. No timestamps, so the
 * same task rendered twice by the same renderer produces the same provenance.
 */
export interface Provenance {
  format: typeof PROVENANCE_FORMAT;
  tool: { name: 'render-recipes'; version: string };
  /** The task id: hash of everything that changes the pixels. */
  taskHash: string;
  planHash: string;
  recipe: { name: string; file: string | null; item: string; values: Record<string, string | number> };
  scene: { id: string; circuit: CircuitSpec };
  frame: number;
  camera: CameraSpec;
  /** The view and camera actually sent, resolved from the loaded model's bounds. */
  resolved: { view: View; camera: SnapshotCamera; lights: ResolvedLight[] };
  lights: LightSpec[];
  renderer: RendererSpec;
  resolution: [number, number];
  image: { format: ImageFormat; quality: number | null };
  output: { path: string; transfer: 'download' | 'server' };
  /** The Brayns that rendered the pixels. */
  brayns: { version: string; revision: string };
  /** What was drawn onto the rendered pixels (absent: nothing). */
  overlay?: OverlaySpec;
  /** True on the copy `overlay.keep_raw` keeps: the pixels as rendered, without the overlay. */
  raw?: true;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function provenanceXmp(provenance: Provenance): string {
  const json = JSON.stringify(provenance).replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
  return (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    `<rdf:Description rdf:about="" xmlns:rr="${XMP_NS}"><rr:provenance>${json}</rr:provenance>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta>'
  );
}

export function parseProvenanceXmp(xmp: string): Provenance | null {
  const match = /<rr:provenance>([\s\S]*?)<\/rr:provenance>/.exec(xmp);
  if (!match?.[1]) return null;
  const json = match[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
  return parseProvenanceJson(json);
}

export function parseProvenanceJson(json: string): Provenance | null {
  try {
    const value = JSON.parse(json) as Partial<Provenance> | null;
    if (value?.format !== PROVENANCE_FORMAT || typeof value.taskHash !== 'string') return null;
    return value as Provenance;
  } catch {
    return null;
  }
}
