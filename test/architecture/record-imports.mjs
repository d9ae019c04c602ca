// A module-resolution hook (node --import) that appends every module URL the process resolves to
// the file named by RECORD_IMPORTS, one per line: what importing a module really loads.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const out = globalThis.process.env.RECORD_IMPORTS;
const hooks = `
  import { appendFileSync } from 'node:fs';
  export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    appendFileSync(${JSON.stringify(out)}, result.url + '\\n');
    return result;
  }
`;
appendFileSync(out, '');
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
