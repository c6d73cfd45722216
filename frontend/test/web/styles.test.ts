/**
 * The page's stylesheet, read as text: every colour is a theme variable (so dark mode covers it),
 * and no rule is written twice (the second copy silently overrides the first).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const CSS = readFileSync(new URL('../../src/web/styles.css', import.meta.url), 'utf8');

interface Rule {
  /** The at-rules around it, outermost first ('' at the top level). */
  context: string;
  selector: string;
  body: string;
}

/** The style rules (innermost blocks) of a stylesheet without strings holding braces. */
function rulesOf(css: string): Rule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: Rule[] = [];
  const open: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') {
      open.push(text.slice(start, i).trim().replace(/\s+/g, ' '));
      start = i + 1;
    } else if (text[i] === '}') {
      const selector = open.pop()!;
      const body = text.slice(start, i).trim();
      if (!selector.startsWith('@')) rules.push({ context: open.join(' '), selector, body });
      start = i + 1;
    }
  }
  return rules;
}

const COLOUR = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(/gi;

describe('styles.css', () => {
  const rules = rulesOf(CSS);

  it('holds its colours in the theme variables on :root (light and dark), nowhere else', () => {
    assert.ok(rules.length > 100, 'the stylesheet parses into its rules');
    const literals = rules
      .filter((r) => !r.selector.startsWith(':root'))
      .flatMap((r) => (r.body.match(COLOUR) ? [`${r.selector}: ${r.body.match(COLOUR)!.join(' ')}`] : []));
    assert.deepEqual(literals, []);
  });

  it('writes each rule once per context', () => {
    const seen = new Set<string>();
    const twice = rules.flatMap((r) => {
      const key = `${r.context} ${r.selector}`.trim();
      if (seen.has(key)) return [key];
      seen.add(key);
      return [];
    });
    assert.deepEqual(twice, []);
  });
});
