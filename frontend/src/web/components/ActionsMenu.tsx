/**
 * A row's fault actions, built from the fault table (shared/src/faults.ts): every row of the table
 * becomes one or more menu entries (freeze: 5 s, 30 s or a custom time; partition: 5 s dropped or
 * reset), each enabled only where this mode supports it and the slot's state allows it. Crash
 * stays one click, outside the menu (KillControls).
 */
import { memo, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import {
  FAULT_ACTIONS,
  FAULT_DURATION_MAX_MS,
  FAULT_DURATION_MIN_MS,
  isAllowed,
  type FaultAction,
  type FaultCapabilities,
  type NodeView,
  type SlotView,
} from '@zkviz/shared';
import { killNode, type ActionOutcome } from '../api.js';
import { capabilitiesStore, slotAction } from '../faults-api.js';
import { useAction } from '../hooks/useAction.js';
import { useShowingPast } from '../replay/past.js';
import { Outcome } from './Outcome.js';

interface Entry {
  key: string;
  action: FaultAction;
  label: string;
  run: () => Promise<ActionOutcome>;
}

const capabilityOf: Record<FaultAction, keyof FaultCapabilities> = { crash: 'kill', graceful: 'kill', freeze: 'freeze', partition: 'partition', restart: 'restart' };

/** The menu entries of one table row, for this node/slot. */
function entriesFor(action: FaultAction, label: string, node: NodeView | null, slot: string | null): Entry[] {
  const kill = (mode: 'crash' | 'graceful'): Entry[] =>
    node
      ? [
          {
            key: mode,
            action,
            label,
            run: () => killNode(node.id, mode),
          },
        ]
      : [];
  if (action === 'crash' || action === 'graceful') return kill(action);
  if (!slot) return [];
  switch (action) {
    case 'freeze':
      return [5000, 30_000].map((ms) => ({
        key: `freeze-${ms}`,
        action,
        label: `${label} ${ms / 1000} s`,
        run: () => slotAction(slot, 'freeze', { durationMs: ms }, `frozen for ${ms / 1000} s`),
      }));
    case 'partition':
      return (['drop', 'reset'] as const).map((style) => ({
        key: `partition-${style}`,
        action,
        label: `${label} 5 s (${style === 'drop' ? 'packets dropped' : 'connections reset'})`,
        run: () => slotAction(slot, 'partition', { durationMs: 5000, style }, `cut off for 5 s (${style})`),
      }));
    case 'restart':
      return [{ key: 'restart', action, label, run: () => slotAction(slot, 'restart', {}, 'restarting') }];
  }
}

/** Memoised: a row's menu is the same until its node, its slot or the link changes (the page shares unchanged ones, state/share.ts). */
export const ActionsMenu = memo(function ActionsMenu({ node, slot, disabled }: { node: NodeView | null; slot: SlotView | null; disabled: boolean }) {
  const past = useShowingPast();
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const action = useAction();
  const [customSeconds, setCustomSeconds] = useState('10');
  const menu = useRef<HTMLDetailsElement>(null);
  // Esc (the shortcut table's "close") tells every menu at once; a closed <details> is a closed menu.
  useEffect(() => {
    const close = () => {
      if (menu.current) menu.current.open = false;
    };
    document.addEventListener('zkviz:close-menus', close);
    return () => document.removeEventListener('zkviz:close-menus', close);
  }, []);

  // You cannot act on the past: moving into it closes the menu, and its opener stays shut (below).
  useEffect(() => {
    if (past && menu.current) menu.current.open = false;
  }, [past]);

  const run = (key: string, fn: () => Promise<ActionOutcome>) => {
    menu.current?.removeAttribute('open');
    return action.run(key, fn);
  };
  const pending = action.pending;

  // Crash is the one-click button beside the menu; the menu holds everything else.
  const rows = FAULT_ACTIONS.filter((row) => row.action !== 'crash' && capabilities[capabilityOf[row.action]]);
  const state = slot?.state ?? (node ? 'running' : null);
  const entries = rows.flatMap((row) => entriesFor(row.action, row.label, node, slot?.slot ?? null));
  if (entries.length === 0) return null;
  const allowed = (action: FaultAction) => !disabled && !past && pending === null && state !== null && isAllowed(action, state);
  const customMs = Math.round(Number(customSeconds) * 1000);
  const customValid = Number.isFinite(customMs) && customMs >= FAULT_DURATION_MIN_MS && customMs <= FAULT_DURATION_MAX_MS;

  return (
    <div className="actions-menu">
      <details
        ref={menu}
        className="menu"
        data-testid="actions-menu"
        // A <details> has no disabled state: in the past its summary says so and refuses to toggle
        // (click, Enter and Space all arrive as a click on the summary).
        onToggle={(e) => {
          if (past && e.currentTarget.open) e.currentTarget.open = false;
        }}
      >
        <summary
          className="secondary"
          aria-label="More actions"
          aria-disabled={past || undefined}
          title={past ? 'Showing the past: actions are off' : undefined}
          onClick={(e) => {
            if (past) e.preventDefault();
          }}
        >
          {pending ? 'Working…' : 'Actions ▾'}
        </summary>
        <ul role="menu">
          {entries.map((entry) => (
            <li key={entry.key}>
              <button
                type="button"
                role="menuitem"
                data-testid={`action-${entry.key}`}
                disabled={!allowed(entry.action)}
                onClick={() => void run(entry.key, entry.run)}
              >
                {entry.label}
              </button>
            </li>
          ))}
          {slot && capabilities.freeze && (
            <li className="custom">
              <label>
                Freeze for{' '}
                <input
                  type="number"
                  min={FAULT_DURATION_MIN_MS / 1000}
                  max={FAULT_DURATION_MAX_MS / 1000}
                  step="0.1"
                  value={customSeconds}
                  onChange={(e) => setCustomSeconds(e.target.value)}
                  data-testid="freeze-custom-seconds"
                />{' '}
                s
              </label>
              <button
                type="button"
                data-testid="action-freeze-custom"
                disabled={!allowed('freeze') || !customValid}
                onClick={() => void run('freeze-custom', () => slotAction(slot.slot, 'freeze', { durationMs: customMs }, `frozen for ${customMs / 1000} s`))}
              >
                Freeze
              </button>
            </li>
          )}
        </ul>
      </details>
      <Outcome outcome={action.outcome} testId="action-outcome" />
    </div>
  );
});
