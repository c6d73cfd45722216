import type { ClusterEvent } from '@zkviz/shared';
import { formatClock } from '../format.js';

export function EventTimeline({ events }: { events: ClusterEvent[] }) {
  return (
    <section className="card">
      <h2>History</h2>
      {events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="timeline" data-testid="event-timeline" tabIndex={0} aria-label="History (scrolls)">
          {[...events].reverse().map((event, i) => (
            <li key={`${event.at}-${i}`} className={`ev-${event.kind}`}>
              <time className="mono muted">{formatClock(event.at)}</time>
              <span className="ev-kind">{event.kind}</span>
              <span>{event.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
