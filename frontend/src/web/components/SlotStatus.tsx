import { formatDuration, type SlotView } from '@zkviz/shared';
import { useNow } from '../hooks/useNow.js';

const WORDS: Record<SlotView['state'], string> = {
  starting: 'starting',
  running: 'running',
  frozen: 'frozen (SIGSTOP)',
  partitioned: 'cut off from ZooKeeper',
  stopped: 'stopped',
  crashed: 'crashed',
};

/** What a slot is going through right now, with the time left of a freeze or partition. */
export function SlotStatus({ slot }: { slot: SlotView }) {
  const timed = slot.until !== null;
  const now = useNow(timed || slot.state === 'crashed' || slot.state === 'stopped', timed ? 100 : 1000);
  if (slot.state === 'running') return <span className="slot-name mono muted">{slot.slot}</span>;
  const down = slot.state === 'crashed' || slot.state === 'stopped';
  return (
    <span className={`slot-status slot-${slot.state}`} data-testid="slot-status" data-state={slot.state}>
      <span className="mono">{slot.slot}</span> {WORDS[slot.state]}
      {timed && <> — {formatDuration(Math.max(0, slot.until! - now))} left</>}
      {down && <> {formatDuration(Math.max(0, now - slot.since))} ago</>}
    </span>
  );
}
