/**
 * The election recipes a node can run, and where the cluster keeps the one it runs now.
 *
 * - `predecessor`: every candidate watches only the znode just below its own (the textbook recipe);
 *   a leader's death wakes exactly one node.
 * - `herd`: every candidate watches the children of /election and re-reads the list on every change;
 *   the lowest leads. Just as correct, but every change wakes every candidate (the herd effect).
 *
 * The recipe is cluster configuration, not node state: one persistent znode, `RECIPE_ZNODE`, holds
 * it and every node keeps a data watch on it, so a switch is one write that ZooKeeper orders, and
 * a node that joins, restarts or reconnects later reads the same answer.
 */
export const RECIPES = ['predecessor', 'herd'] as const;
export type Recipe = (typeof RECIPES)[number];
export const DEFAULT_RECIPE: Recipe = 'predecessor';

export const RECIPE_ZNODE_PARENT = '/zkviz';
export const RECIPE_ZNODE = '/zkviz/recipe';

export function isRecipe(value: unknown): value is Recipe {
  return typeof value === 'string' && (RECIPES as readonly string[]).includes(value);
}

/** The recipe znode's data is the recipe's name as UTF-8; anything else is garbage (null). */
export function parseRecipe(data: { toString(encoding: 'utf8'): string } | string | null | undefined): Recipe | null {
  if (data == null) return null;
  const text = (typeof data === 'string' ? data : data.toString('utf8')).trim();
  return isRecipe(text) ? text : null;
}

/** Body of `POST /api/recipe`. */
export interface RecipeRequestBody {
  recipe: Recipe;
}

/** Answer of `POST /api/recipe` (202): the recipe written; nodes switch as their watches fire. */
export interface RecipeAccepted {
  recipe: Recipe;
  previous: Recipe | null;
}
