// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One no-restricted-imports block per stage: importing a later stage (at any depth of relative path) is an error. */
function stageDirection(stages) {
  const later = (i) => stages.slice(i + 1);
  const rule = (names, where) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
            message: `${where} must not import a later stage (${names.join(', ')}): data flows ${stages.join(' -> ')}`,
          },
        ],
      },
    ],
  });
  const blocks = stages.slice(0, -1).map((stage, i) => ({ files: [`src/${stage}/**/*.ts`], rules: rule(later(i), `src/${stage}`) }));
  blocks.push({ files: ['src/errors.ts', 'src/events.ts', 'src/version.ts', 'src/canonical-json.ts'], rules: rule(stages, 'a module below the stages') });
  return blocks;
}

export default tseslint.config(
  { ignores: ['dist/**', 'packages/*/dist/**', 'node_modules/**', 'coverage/**', 'bin/**', 'bench/**/*.js', 'scripts/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  // Data flows one way through the stages (issue 10): a stage may import the stages before it,
  // never one after it. Stages in order; src/index.ts (the public surface) sees them all, and the
  // modules at the top of src/ (errors, events, canonical JSON, version) sit below every stage.
  // Preflight checks the circuits as the plan normalises them, so it comes after plan.
  ...stageDirection(['recipe', 'plan', 'preflight', 'output', 'brayns', 'run', 'movie', 'slurm', 'cli']),
  // buildPlan is the planning pipeline itself: it runs load, preflight, compile and the movie
  // stage's ffmpeg check in order, so it may call stages on both sides of plan.
  { files: ['src/plan/build.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['eslint.config.js', 'test/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
