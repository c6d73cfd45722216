import { useState } from 'react';
import { applyTheme, storedTheme, systemTheme, type Theme } from './theme.js';

/** Light/dark switch; until it is used the page follows the system setting. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? systemTheme());
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="secondary theme-toggle"
      data-testid="theme-toggle"
      aria-pressed={theme === 'dark'}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
