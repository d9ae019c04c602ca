/** Every cell of a circuit file, in file order: cell i has GID i + 1 (BBP GIDs are 1-based). */
export interface CellTable {
  format: 'mvd2' | 'mvd3' | 'sonata';
  /** The file the cells were read from. */
  source: string;
  count: number;
  /** xyz per cell, micrometres. */
  positions: Float64Array;
  /** Unit quaternion [x, y, z, w] per cell. */
  rotations: Float64Array;
  /** Morphology name per cell, as the circuit file gives it. */
  morphologies: string[];
}

/** MVD2 stores one angle in degrees around the column (Y) axis. */
export function yRotationQuaternion(degrees: number): [number, number, number, number] {
  const half = (degrees * Math.PI) / 360;
  return [0, Math.sin(half), 0, Math.cos(half)];
}

type Quaternion = [number, number, number, number];

function multiply(a: Quaternion, b: Quaternion): Quaternion {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

/**
 * SONATA Euler angles (radians) applied about x first, then y, then z: q = qz * qy * qx.
 */
export function eulerXyzQuaternion(x: number, y: number, z: number): Quaternion {
  const qx: Quaternion = [Math.sin(x / 2), 0, 0, Math.cos(x / 2)];
  const qy: Quaternion = [0, Math.sin(y / 2), 0, Math.cos(y / 2)];
  const qz: Quaternion = [0, 0, Math.sin(z / 2), Math.cos(z / 2)];
  return multiply(qz, multiply(qy, qx));
}
