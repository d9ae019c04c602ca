import type { ConeGeometry, PlacedCell, SphereGeometry } from '../types.js';
import type { MorphologyTemplate } from './template.js';

/** Geometry arrays sized once for all cells, filled cell by cell. */
export class GeometryWriter {
  readonly spheres: SphereGeometry;
  readonly cones: ConeGeometry;
  private sphereAt = 0;
  private coneAt = 0;

  constructor(sphereCount: number, coneCount: number) {
    this.spheres = {
      centers: new Float32Array(3 * sphereCount),
      radii: new Float32Array(sphereCount),
      cell: new Uint32Array(sphereCount),
      section: new Int32Array(sphereCount),
    };
    this.cones = {
      ends: new Float32Array(6 * coneCount),
      radii: new Float32Array(2 * coneCount),
      cell: new Uint32Array(coneCount),
      section: new Int32Array(coneCount),
    };
  }

  /** Rotates the template by the cell quaternion, then moves it to the cell position (Brayns order). */
  add(template: MorphologyTemplate, cell: PlacedCell): void {
    const transform = rigidTransform(cell);
    const { spheres, cones } = this;
    const sphereCount = template.spheres.length / 4;
    for (let i = 0; i < sphereCount; i++) {
      transform(template.spheres, 4 * i, spheres.centers, 3 * this.sphereAt);
      spheres.radii[this.sphereAt] = template.spheres[4 * i + 3] as number;
      spheres.section![this.sphereAt] = template.sphereSection[i] as number;
      spheres.cell[this.sphereAt++] = cell.index;
    }
    const coneCount = template.coneRadii.length / 2;
    for (let i = 0; i < coneCount; i++) {
      transform(template.coneEnds, 6 * i, cones.ends, 6 * this.coneAt);
      transform(template.coneEnds, 6 * i + 3, cones.ends, 6 * this.coneAt + 3);
      cones.radii[2 * this.coneAt] = template.coneRadii[2 * i] as number;
      cones.radii[2 * this.coneAt + 1] = template.coneRadii[2 * i + 1] as number;
      cones.section![this.coneAt] = template.coneSection[i] as number;
      cones.cell[this.coneAt++] = cell.index;
    }
  }
}

type Transform = (src: Float32Array, from: number, dst: Float32Array, to: number) => void;

/** p' = position + q·p·q⁻¹ for a unit quaternion q = [x, y, z, w] (normalised here to be safe). */
export function rigidTransform(cell: PlacedCell): Transform {
  const [qx0, qy0, qz0, qw0] = cell.rotation;
  const norm = Math.hypot(qx0, qy0, qz0, qw0) || 1;
  const [x, y, z, w] = [qx0 / norm, qy0 / norm, qz0 / norm, qw0 / norm];
  const m00 = 1 - 2 * (y * y + z * z), m01 = 2 * (x * y - z * w), m02 = 2 * (x * z + y * w);
  const m10 = 2 * (x * y + z * w), m11 = 1 - 2 * (x * x + z * z), m12 = 2 * (y * z - x * w);
  const m20 = 2 * (x * z - y * w), m21 = 2 * (y * z + x * w), m22 = 1 - 2 * (x * x + y * y);
  const [tx, ty, tz] = cell.position;
  return (src, from, dst, to) => {
    const px = src[from] as number, py = src[from + 1] as number, pz = src[from + 2] as number;
    dst[to] = tx + m00 * px + m01 * py + m02 * pz;
    dst[to + 1] = ty + m10 * px + m11 * py + m12 * pz;
    dst[to + 2] = tz + m20 * px + m21 * py + m22 * pz;
  };
}
