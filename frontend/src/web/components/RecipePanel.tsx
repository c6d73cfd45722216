/**
 * The election recipe: switch the live cluster between `predecessor` and `herd`, and the last
 * failover under each, side by side (nodes woken, reads, watches, duration), with bars scaled per
 * row so the herd's numbers stand out at a glance.
 */
import { memo, useEffect, useState } from 'react';
import { GATEWAY_ROUTES, RECIPES, type ClusterView, type FailoverRecord, type Recipe } from '@zkviz/shared';
import { postControl } from '../api.js';
import { useAction } from '../hooks/useAction.js';
import { comparisonRows, lastByRecipe } from '../herd/compare.js';
import { useShowingPast } from '../replay/past.js';
import { Outcome } from './Outcome.js';

const LABEL: Record<Recipe, string> = { predecessor: 'Predecessor', herd: 'Herd' };
const EXPLAIN: Record<Recipe, string> = {
  predecessor: 'each node watches only the znode just below its own: a leader’s death wakes one node',
  herd: 'every node watches all of /election and re-reads it on every change: a leader’s death wakes them all',
};

/** The recorded failovers (GET /api/failovers), read again whenever the live view's last failover changes. */
function useRecordedFailovers(live: boolean, last: FailoverRecord | null): FailoverRecord[] {
  const [records, setRecords] = useState<FailoverRecord[]>([]);
  const key = last ? `${last.at}:${last.notified ?? ''}` : '';
  useEffect(() => {
    if (!live) return;
    let cancelled = false;
    fetch(GATEWAY_ROUTES.failovers)
      .then((res) => (res.ok ? (res.json() as Promise<{ failovers: FailoverRecord[] }>) : null))
      .then((body) => !cancelled && body && setRecords(body.failovers))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [live, key]);
  return records;
}

/** Memoised: a snapshot re-renders it, the page's other messages do not. */
export const RecipePanel = memo(function RecipePanel({ view, disabled }: { view: ClusterView; disabled: boolean }) {
  const past = useShowingPast();
  const { pending, outcome, run } = useAction();
  const records = useRecordedFailovers(!past, view.lastFailover);
  const last = lastByRecipe([...records, view.lastFailover], view.updatedAt);
  const rows = comparisonRows(last);
  const current = view.recipe ?? null;
  const switchTo = (recipe: Recipe) => void run(recipe, () => postControl(GATEWAY_ROUTES.recipe, { recipe }, `switching to ${recipe}…`));
  return (
    <section className="card recipe-panel" data-testid="recipe-panel" data-recipe={current ?? ''} aria-labelledby="recipe-title">
      <h2 id="recipe-title">Election recipe</h2>
      <div className="recipe-switch" role="radiogroup" aria-label="election recipe">
        {RECIPES.map((recipe) => (
          <button
            key={recipe}
            type="button"
            role="radio"
            aria-checked={current === recipe}
            className={current === recipe ? 'recipe-on' : 'secondary'}
            data-testid={`recipe-${recipe}`}
            disabled={disabled || past || pending !== null || current === recipe || view.status !== 'ok'}
            title={EXPLAIN[recipe]}
            onClick={() => switchTo(recipe)}
          >
            {pending === recipe ? 'Switching…' : LABEL[recipe]}
          </button>
        ))}
        <Outcome outcome={outcome} testId="recipe-outcome" />
      </div>
      <p className="muted recipe-explain">{current ? `Now: ${EXPLAIN[current]}.` : 'Recipe not known yet.'} Switching keeps every session and znode.</p>
      <table className="recipe-compare" data-testid="recipe-compare">
        <caption className="muted">Last failover under each recipe ({view.nodes.length} nodes now)</caption>
        <thead>
          <tr>
            <th scope="col">per failover</th>
            {RECIPES.map((recipe) => (
              <th key={recipe} scope="col">
                {LABEL[recipe]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const max = Math.max(1, ...row.values.map((v) => v ?? 0));
            return (
              <tr key={row.key} data-testid={`compare-${row.key}`}>
                <th scope="row" title={row.hint}>
                  {row.label}
                </th>
                {row.values.map((value, i) => (
                  <td key={RECIPES[i]} data-recipe={RECIPES[i]} data-value={value ?? ''}>
                    {value === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <span className="compare-cell">
                        <span className="compare-value">
                          {value}
                          {row.unit}
                        </span>
                        <span className={`compare-bar recipe-${RECIPES[i]}`} style={{ width: `${Math.max(2, (100 * value) / max)}%` }} aria-hidden="true" />
                      </span>
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
