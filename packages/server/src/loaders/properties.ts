/** Cache key of a loader's properties validator (compiled at server startup). */
export const loaderValidatorKey = (name: string): string => `loader:${name}`;

