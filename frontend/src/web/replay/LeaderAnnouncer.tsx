import { useEffect, useRef, useState } from 'react';
import { formatDuration, shortId, type ClusterView } from '@zkviz/shared';

/** The sentence a screen reader hears when the leader changes. */
export function leaderSentence(previous: ClusterView | null, view: ClusterView | null): string | null {
  if (!view || previous?.leader === view.leader) return null;
  if (view.leader === null) return previous?.leader ? `${shortId(previous.leader)} was lost; no leader yet` : null;
  const failover = view.lastFailover;
  if (failover && failover.to === view.leader && failover.from) {
    return `${shortId(view.leader)} is the leader, ${formatDuration(failover.durationMs)} after ${shortId(failover.from)} was lost`;
  }
  return `${shortId(view.leader)} is the leader`;
}

/** An aria-live region: leader changes are spoken, whether live or replayed. */
export function LeaderAnnouncer({ view }: { view: ClusterView | null }) {
  const previous = useRef<ClusterView | null>(null);
  const [text, setText] = useState('');
  useEffect(() => {
    const sentence = leaderSentence(previous.current, view);
    previous.current = view;
    if (sentence) setText(sentence);
  }, [view]);
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="leader-announcement">
      {text}
    </p>
  );
}
