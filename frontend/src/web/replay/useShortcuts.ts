import { useEffect, useRef } from 'react';
import { shortcutFor, type ShortcutCommand } from './shortcuts.js';

/** One keydown listener for the page, looking keys up in the SHORTCUTS table. */
export function useShortcuts(run: (command: ShortcutCommand) => void): void {
  const latest = useRef(run);
  useEffect(() => {
    latest.current = run;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const shortcut = shortcutFor(e, e.target instanceof Element ? e.target : null);
      if (!shortcut) return;
      e.preventDefault();
      latest.current(shortcut.command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
