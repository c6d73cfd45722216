/**
 * The cluster's election recipe as the gateway sees and sets it: the recipe znode
 * (shared/src/recipes.ts), read with a data watch on the gateway's session and written by
 * `POST /api/recipe`. The nodes watch the same znode and switch themselves; the gateway only writes
 * it and shows what it holds (ClusterView.recipe).
 */
import { EventEmitter } from 'node:events';
import { RECIPE_ZNODE, RECIPE_ZNODE_PARENT, parseRecipe, type Recipe } from '@zkviz/shared';
import { ZNONODE, ZOK, ZOO_PERSISTENT, rcName, type SessionInfo, type ZkConnection } from '@zkviz/shared/zk';
import type { FeedLog } from '../feed/types.js';

/** How often to look again while the recipe znode does not exist yet. */
const ABSENT_RETRY_MS = 1000;

export interface RecipeStore extends EventEmitter<{ recipe: [recipe: Recipe | null] }> {
  /** What the znode holds as last read (null: absent, garbage or not read yet). */
  readonly current: Recipe | null;
  start(): void;
  stop(): void;
  /** Writes the znode; resolves with ZooKeeper's answer name when it failed. */
  write(recipe: Recipe): Promise<{ ok: true } | { ok: false; rc: string }>;
}

export class ZkRecipeStore extends EventEmitter<{ recipe: [recipe: Recipe | null] }> implements RecipeStore {
  current: Recipe | null = null;
  private armedFor: string | null = null;
  private stopped = false;

  constructor(
    private readonly zk: ZkConnection,
    private readonly log: FeedLog,
  ) {
    super();
  }

  start(): void {
    this.zk.on('connected', this.onConnected);
    if (this.zk.isConnected) void this.read();
  }

  stop(): void {
    this.stopped = true;
    this.zk.off('connected', this.onConnected);
  }

  async write(recipe: Recipe): Promise<{ ok: true } | { ok: false; rc: string }> {
    let { rc } = await this.zk.setData(RECIPE_ZNODE, recipe);
    if (rc === ZNONODE) {
      const parent = await this.zk.ensurePath(RECIPE_ZNODE_PARENT);
      rc = parent.rc === ZOK ? (await this.zk.create(RECIPE_ZNODE, recipe, ZOO_PERSISTENT)).rc : parent.rc;
      if (rc !== ZOK) rc = (await this.zk.setData(RECIPE_ZNODE, recipe)).rc; // a node created it meanwhile
    }
    if (rc !== ZOK) return { ok: false, rc: rcName(rc) };
    void this.read(); // the watch says so too; a read now shows it without waiting for it
    return { ok: true };
  }

  private readonly onConnected = (_s: SessionInfo, reconnected: boolean): void => {
    if (!reconnected) this.armedFor = null;
    void this.read();
  };

  private async read(): Promise<void> {
    const session = this.zk.currentSession?.id ?? null;
    if (this.stopped || !session) return;
    const arm = this.armedFor !== session;
    if (arm) this.armedFor = session;
    const got = await this.zk.getData(
      RECIPE_ZNODE,
      arm
        ? () => {
            if (this.armedFor === session) this.armedFor = null;
            void this.read();
          }
        : undefined,
    );
    if (got.rc !== ZOK && got.rc !== ZNONODE) {
      if (arm && this.armedFor === session) this.armedFor = null;
      return;
    }
    if (got.rc === ZNONODE) {
      // A read of a missing znode leaves no watch: look again until the first node has created it.
      if (arm && this.armedFor === session) this.armedFor = null;
      setTimeout(() => void this.read(), ABSENT_RETRY_MS).unref();
    }
    const recipe = got.rc === ZOK ? parseRecipe(got.data) : null;
    if (got.rc === ZOK && !recipe) this.log.warn({ ev: 'zk-garbage', path: RECIPE_ZNODE }, 'the recipe znode holds no recipe');
    if (recipe !== this.current) {
      this.current = recipe;
      this.emit('recipe', recipe);
    }
  }
}
