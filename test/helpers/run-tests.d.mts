// Types for run-tests.mjs, which stays plain JavaScript so it runs before anything is compiled.
export function globToRegExp(glob: string): RegExp;
export function expand(patterns: readonly string[], cwd?: string): string[];
