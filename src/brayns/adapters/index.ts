import type { Revision } from '../types.js';
import type { Adapter } from './adapter.js';
import { r1 } from './r1.js';
import { r2 } from './r2.js';
import { r3 } from './r3.js';

export type { Adapter, Call } from './adapter.js';

export const ADAPTERS: Record<Revision, Adapter> = { R1: r1, R2: r2, R3: r3 };
