/**
 * Slots whose node is not in the table (crashed, stopped, still starting) stay visible as rows,
 * so a crashed node can be restarted where it was: "node-2 crashed 12 s ago — Restart".
 */
import { useSyncExternalStore } from 'react';
import { isAllowed, type ClusterView, type SlotView } from '@zkviz/shared';
import { capabilitiesStore, slotAction } from '../faults-api.js';
import { useAction } from '../hooks/useAction.js';
import { useShowingPast } from '../replay/past.js';
import { Outcome } from './Outcome.js';
import { SlotStatus } from './SlotStatus.js';

function Restart({ slot }: { slot: SlotView }) {
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const { pending, outcome, run } = useAction();
  const past = useShowingPast();
  if (!capabilities.restart) return null;
  return (
    <>
      <button
        type="button"
        data-testid="slot-restart"
        disabled={past || pending !== null || !isAllowed('restart', slot.state)}
        onClick={() => void run('restart', () => slotAction(slot.slot, 'restart', {}, 'restarting'))}
      >
        Restart
      </button>
      <Outcome outcome={outcome} />
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
