// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import stages from './eslint/stage-imports.js';

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
  // The folders of src/ are stages (issue 10): a stage imports another only through its index.ts,
  // and only the stages before it (data flows one way); the modules at the top of src/ (errors,
  // events, canonical JSON, version) sit below every stage. Preflight checks the circuits as the
  // plan normalises them, so it comes after plan. buildPlan is the planning pipeline itself: it runs
  // load, preflight, compile and the movie stage's ffmpeg check in order, so it may also call the
  // two later ones, loaded on use with import() (a static import would be a back-edge and a cycle).
  {
    files: ['src/**/*.ts'],
    plugins: { stages },
    rules: {
      'stages/imports': [
        'error',
        {
          order: ['recipe', 'plan', 'preflight', 'output', 'brayns', 'run', 'movie', 'slurm', 'cli'],
          crossing: { 'src/plan/build.ts': ['preflight', 'movie'] },
        },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'eslint/**/*.js', 'test/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
