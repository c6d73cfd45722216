/**
 * The keyboard, as a table: one entry per shortcut drives both the key handler and the help
 * overlay, so the two can never disagree.
 */
export type ShortcutCommand = 'toggle-play' | 'previous' | 'next' | 'live' | 'help' | 'close';

export interface Shortcut {
  /** KeyboardEvent.key values that trigger it. */
  keys: readonly string[];
  /** How the help overlay writes the key. */
  label: string;
  description: string;
  command: ShortcutCommand;
  /** Also when a button, link or slider has the focus (Space and arrows belong to those otherwise). */
  overControls: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: [' '], label: 'Space', description: 'Play / pause (pausing live freezes the page in the past)', command: 'toggle-play', overControls: false },
  { keys: ['ArrowLeft'], label: '←', description: 'Previous event (a history event or a leader change)', command: 'previous', overControls: false },
  { keys: ['ArrowRight'], label: '→', description: 'Next event', command: 'next', overControls: false },
  { keys: ['l', 'L'], label: 'L', description: 'Back to live', command: 'live', overControls: true },
  { keys: ['?'], label: '?', description: 'Show this help', command: 'help', overControls: true },
  { keys: ['Escape'], label: 'Esc', description: 'Close menus and overlays', command: 'close', overControls: true },
];

/** Not shortcuts of ours, listed in the help so the table tells the whole keyboard story. */
export const KEYBOARD_NOTES: readonly { label: string; description: string }[] = [
  { label: 'Tab', description: 'Move between nodes and their actions (Kill, graceful)' },
  { label: 'Enter', description: 'On a focused node row: go to its first action' },
];

const isControl = (el: Element | null) => !!el?.closest('button, a[href], input, select, textarea, [role="slider"], [contenteditable="true"]');
const isTextEntry = (el: Element | null) =>
  !!el?.closest('input:not([type="range"]):not([type="button"]):not([type="file"]), select, textarea, [contenteditable="true"]');

/** The shortcut a key press means here, or null (typing in a field is never a shortcut). */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, target: Element | null): Shortcut | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const shortcut = SHORTCUTS.find((s) => s.keys.includes(e.key));
  if (!shortcut) return null;
  if (isTextEntry(target) && shortcut.command !== 'close') return null;
  if (!shortcut.overControls && isControl(target)) return null;
  return shortcut;
}
