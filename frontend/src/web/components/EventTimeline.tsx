import { memo } from 'react';
import type { ClusterEvent } from '@zkviz/shared';
import { formatClock } from '../format.js';

/** Memoised: the list changes with event messages, not with every snapshot. */
export const EventTimeline = memo(function EventTimeline({ events }: { events: ClusterEvent[] }) {
  return (
    <section className="card history-card">
      <h2>History</h2>
      {events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="timeline" data-testid="event-timeline" tabIndex={0} aria-label="History (scrolls)">
          {eventKeys(events)
            .reverse()
            .map(({ event, key }) => (
              <li key={key} className={`ev-${event.kind}`}>
                <time className="mono muted">{formatClock(event.at)}</time>
                <span className="ev-kind">{event.kind}</span>
                <span>{event.text}</span>
              </li>
            ))}
        </ol>
      )}
    </section>
  );
});

/**
 * A key per event that stays with it as newer ones push in on top (a position would change for
 * every item with each event, and React would rebuild the list): what it says, plus how many
 * identical ones came before it.
 */
function eventKeys(events: readonly ClusterEvent[]): Array<{ event: ClusterEvent; key: string }> {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const base = `${event.at}|${event.kind}|${event.nodeId ?? ''}|${event.text}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { event, key: `${base}|${n}` };
  });
}
