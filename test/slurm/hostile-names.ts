/** Recipe names that would run `touch pwned` if any layer of a generated script let the shell read them. */
export const HOSTILE_RECIPES = [
  '$(touch pwned)',
  '`touch pwned`',
  "it's here.yaml",
  '"; touch pwned; echo "',
  'new\nline; touch pwned',
  '--force',
  '${IFS}touch${IFS}pwned',
];
