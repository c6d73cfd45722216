/**
 * Follows the cluster's recipe znode (shared/src/recipes.ts) with a data watch on the node's own
 * session and says when it names a recipe: the election machine then decides again under it,
 * keeping its session and its znode. A node that finds no recipe znode creates it with its own
 * start-up recipe (the first node to start sets the cluster's), so every node reads one answer.
 * Garbage in the znode is logged and ignored (the node keeps the recipe it runs).
 */
import { EventEmitter } from 'node:events';
import { RECIPE_ZNODE, RECIPE_ZNODE_PARENT, parseRecipe, type Recipe } from '@zkviz/shared';
import { ZNODEEXISTS, ZNONODE, ZOK, ZOO_PERSISTENT, rcName, type ZkConnection } from '@zkviz/shared/zk';
import type { ElectionLog } from './driver.js';

export class RecipeWatch extends EventEmitter<{ recipe: [recipe: Recipe] }> {
  /** The session whose data watch on the recipe znode is armed (one per session, see Election.childWatchFor). */
  private armedFor: string | null = null;

  constructor(
    private readonly zk: ZkConnection,
    /** Written when the znode does not exist yet. */
    private readonly startupRecipe: Recipe,
    private readonly log: ElectionLog,
  ) {
    super();
    // A reconnect of the same session keeps its watches (the client re-sends them); a new one has none.
    zk.on('connected', () => void this.read());
  }

  private async read(): Promise<void> {
    const session = this.zk.currentSession?.id ?? null;
    if (!session || this.armedFor === session) return;
    this.armedFor = session;
    const got = await this.zk.getData(RECIPE_ZNODE, (kind) => {
      if (this.armedFor === session) this.armedFor = null;
      if (kind === 'changed' || kind === 'deleted') void this.read();
    });
    if (got.rc === ZNONODE) {
      this.armedFor = null;
      if (await this.createWithStartupRecipe()) return this.read();
      return;
    }
    if (got.rc !== ZOK) {
      this.armedFor = null; // connection problem: the next `connected` reads again
      return;
    }
    const recipe = parseRecipe(got.data);
    if (!recipe) {
      this.log('zk-garbage', { path: RECIPE_ZNODE, data: got.data?.toString('utf8').slice(0, 64) ?? null });
      return;
    }
    this.emit('recipe', recipe);
  }

  /** True when the znode exists now (ours or another node's): read it again. */
  private async createWithStartupRecipe(): Promise<boolean> {
    const parent = await this.zk.ensurePath(RECIPE_ZNODE_PARENT);
    if (parent.rc !== ZOK) return false;
    const { rc } = await this.zk.create(RECIPE_ZNODE, this.startupRecipe, ZOO_PERSISTENT);
    if (rc === ZOK) this.log('recipe-created', { recipe: this.startupRecipe });
    else if (rc !== ZNODEEXISTS) this.log('recipe-create-failed', { rc: rcName(rc) });
    return rc === ZOK || rc === ZNODEEXISTS;
  }
}
