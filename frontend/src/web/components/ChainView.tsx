import type { NodeView } from '@zkviz/shared';
import { shortId } from '@zkviz/shared';

/** Who watches whom: each candidate watches only its predecessor, so one deletion wakes one node. */
export function ChainView({ nodes }: { nodes: NodeView[] }) {
  if (nodes.length === 0) return null;
  return (
    <section className="card">
      <h2>Watch chain</h2>
      <ol className="chain" data-testid="watch-chain">
        {nodes.map((node) => (
          <li key={node.id} className={node.role === 'leader' ? 'leader' : undefined}>
            <span className="chip">{shortId(node.id)}</span>
            {node.watching ? (
              <>
                <span className="arrow" aria-hidden>
                  → watches →
                </span>
                <span className="chip ghost">{shortId(node.watching)}</span>
              </>
            ) : (
              <span className="muted"> {node.role === 'leader' ? 'leads (watches nothing)' : 'watches nothing'}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
