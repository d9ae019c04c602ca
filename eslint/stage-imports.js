// @ts-check
// ESLint rule `stages/imports` (issue 10): the folders of src/ are pipeline stages, and
//  - a stage imports another stage only through that stage's index.ts (its public surface), so a
//    stage's modules can be split, renamed or merged without touching the stages that use it;
//  - data flows one way: a stage imports only the stages before it in `order` (no back-edges);
//  - the modules at the top of src/ (errors, events, version, canonical JSON) sit below every
//    stage and import none; src/index.ts (the library's surface) may import every stage's index.
// Import paths are resolved against the importing file (static imports, `export ... from` and
// `import()` with a literal path alike), so depth of `../` never fools the check.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * @typedef {{ order: string[], root?: string, crossing?: Record<string, string[]> }} Options
 * `crossing`: file (relative to the project) -> later stages it may load with `import()` (or
 * name types from): loaded on use, they add no static back-edge and no import cycle.
 */

/** @type {import('eslint').Rule.RuleModule} */
export const stageImports = {
  meta: {
    type: 'problem',
    docs: { description: 'stages import each other through their index.ts only, in the direction of the data' },
    schema: [
      {
        type: 'object',
        properties: {
          order: { type: 'array', items: { type: 'string' } },
          root: { type: 'string' },
          crossing: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        required: ['order'],
        additionalProperties: false,
      },
    ],
    messages: {
      bypass: "{{from}} imports '{{source}}' from inside the {{stage}} stage: import it from '{{index}}' (export it there if it is missing)",
      backEdge: '{{from}} must not import the later stage {{stage}}: data flows {{flow}}',
      staticCrossing: "{{from}} may load the later stage {{stage}} only on use, with `await import('{{source}}')` (a static import is a back-edge)",
      belowStages: 'src/{{file}} sits below the stages and must not import the {{stage}} stage',
    },
  },
  create(context) {
    /** @type {Options} */
    const options = context.options[0];
    const projectRoot = context.cwd;
    const src = resolve(projectRoot, options.root ?? 'src');
    const file = context.filename;
    const fromSrc = relative(src, file);
    if (fromSrc.startsWith('..')) return {};
    const parts = fromSrc.split(sep);
    const own = parts.length > 1 ? parts[0] : null;
    const crossing = new Set(options.crossing?.[relative(projectRoot, file).split(sep).join('/')] ?? []);

    /** @param {import('estree').Node & { source?: unknown }} node */
    function check(node) {
      const literal = /** @type {{ type: string, value?: unknown } | null | undefined} */ (node.source);
      if (!literal || literal.type !== 'Literal' || typeof literal.value !== 'string') return;
      const source = literal.value;
      if (!source.startsWith('.')) return;
      const target = relative(src, resolve(dirname(file), source)).split(sep);
      if (target[0] === '..' || target.length < 2) return; // outside src/, or a module at its top
      const [stage = '', ...rest] = target;
      if (stage === own) return;
      if (own === null && parts[0] !== 'index.ts') {
        context.report({ node, messageId: 'belowStages', data: { file: fromSrc, stage } });
        return;
      }
      if (own !== null) {
        const order = options.order;
        const mine = order.indexOf(own);
        const theirs = order.indexOf(stage);
        if (mine >= 0 && theirs > mine) {
          if (!crossing.has(stage)) {
            context.report({ node, messageId: 'backEdge', data: { from: `src/${own}`, stage, flow: order.join(' -> ') } });
            return;
          }
          const typeOnly = /** @type {{ importKind?: string, exportKind?: string }} */ (node).importKind === 'type';
          if (node.type !== 'ImportExpression' && !typeOnly) {
            context.report({ node, messageId: 'staticCrossing', data: { from: `src/${own}`, stage, source } });
            return;
          }
        }
      }
      if (rest.length === 1 && rest[0] === 'index.js') return;
      const up = relative(dirname(file), resolve(src, stage, 'index.js')).split(sep).join('/');
      context.report({ node, messageId: 'bypass', data: { from: own === null ? 'src/index.ts' : `src/${own}`, source, stage, index: up.startsWith('.') ? up : `./${up}` } });
    }

    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { imports: stageImports } };
