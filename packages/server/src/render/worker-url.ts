/**
 * Worker entries must be plain JS at run time. Under vitest the render modules run from their .ts
 * sources, so a worker is pointed at its compiled copy in dist/ (the test global setup builds dist/
 * first).
 */
export function workerUrl(file: string): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL(`../../dist/render/${file}`, here) : new URL(`./${file}`, here);
}
