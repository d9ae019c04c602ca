// Types of the local ESLint plugin (eslint/stage-imports.js), for the test that drives it.
import type { ESLint, Rule } from 'eslint';

export declare const stageImports: Rule.RuleModule;
declare const plugin: ESLint.Plugin & { rules: { imports: Rule.RuleModule } };
export default plugin;
