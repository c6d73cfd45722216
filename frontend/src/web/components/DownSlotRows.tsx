/**
 * Slots whose node is not in the table (crashed, stopped, still starting) stay visible as rows,
 * so a crashed node can be restarted where it was: "node-2 crashed 12 s ago — Restart".
 */
import { useState, useSyncExternalStore } from 'react';
import { isAllowed, type ClusterView, type SlotView } from '@zkviz/shared';
import { capabilitiesStore, slotAction, type ActionOutcome } from '../faults-api.js';
import { SlotStatus } from './SlotStatus.js';
import { useShowingPast } from '../replay/past.js';

function Restart({ slot }: { slot: SlotView }) {
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [pending, setPending] = useState(false);
  const past = useShowingPast();
  if (!capabilities.restart) return null;
  return (
    <>
      <button
        type="button"
        data-testid="slot-restart"
        disabled={past || pending || !isAllowed('restart', slot.state)}
        onClick={() => {
          setPending(true);
          void slotAction(slot.slot, 'restart', {}, 'restarting').then((r) => {
            setPending(false);
            setOutcome(r.ok ? null : r);
          });
        }}
      >
        Restart
      </button>
      {outcome && !outcome.ok && (
        <span className="outcome failed" role="status">
          {outcome.message}
        </span>
      )}
    </>
  );
}

export function DownSlotRows({ view, columns }: { view: ClusterView; columns: number }) {
  const shown = new Set(view.nodes.map((n) => n.slot).filter(Boolean));
  const down = (view.slots ?? []).filter((s) => !shown.has(s.slot));
  return (
    <>
      {down.map((slot) => (
        <tr key={`slot-${slot.slot}`} className="down-row" data-testid="slot-row" data-slot={slot.slot} data-state={slot.state}>
          <td colSpan={columns - 1}>
            <SlotStatus slot={slot} />
          </td>
          <td>
            <Restart slot={slot} />
          </td>
        </tr>
      ))}
    </>
  );
}
