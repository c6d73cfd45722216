/**
 * Dark mode: follows the system (prefers-color-scheme) until the toggle picks one; the choice is
 * kept in localStorage. The choice is `data-theme` on <html>, which styles.css reads.
 */
export type Theme = 'light' | 'dark';
const KEY = 'zkviz.theme';

export function storedTheme(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

export function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme | null): void {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  try {
    if (theme) localStorage.setItem(KEY, theme);
    else localStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

/** At start-up, before the first paint: a remembered choice wins over the system's. */
export function restoreTheme(): void {
  const theme = storedTheme();
  if (theme) document.documentElement.dataset.theme = theme;
}
