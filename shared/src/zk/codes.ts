/**
 * ZooKeeper C-client return codes and event types we act on. Duplicated from the client's
 * constants so the pure election logic (and the browser bundle) never loads the native addon.
 */
export const ZOK = 0;
export const ZCONNECTIONLOSS = -4;
export const ZOPERATIONTIMEOUT = -7;
export const ZINVALIDSTATE = -9;
export const ZNONODE = -101;
export const ZNODEEXISTS = -110;
export const ZNOTEMPTY = -111;
export const ZSESSIONEXPIRED = -112;
export const ZCLOSING = -116;
export const ZSESSIONMOVED = -118;

export const ZOO_EXPIRED_SESSION_STATE = -112;
export const ZOO_CONNECTED_STATE = 3;

export const ZOO_CREATED_EVENT = 1;
export const ZOO_DELETED_EVENT = 2;
export const ZOO_CHANGED_EVENT = 3;
export const ZOO_CHILD_EVENT = 4;
export const ZOO_SESSION_EVENT = -1;

export const ZOO_PERSISTENT = 0;
export const ZOO_PERSISTENT_SEQUENTIAL = 2;
export const ZOO_EPHEMERAL = 1;
export const ZOO_EPHEMERAL_SEQUENTIAL = 3;

/**
 * Codes after which the outcome of a write is unknown (the server may have applied it) or the
 * session can no longer be trusted. Never read these as "the node does not exist".
 */
export function isConnectionProblem(rc: number): boolean {
  return rc === ZCONNECTIONLOSS || rc === ZOPERATIONTIMEOUT || rc === ZINVALIDSTATE || rc === ZSESSIONEXPIRED || rc === ZCLOSING || rc === ZSESSIONMOVED;
}

const NAMES: Record<number, string> = {
  [ZOK]: 'ZOK',
  [ZCONNECTIONLOSS]: 'ZCONNECTIONLOSS',
  [ZOPERATIONTIMEOUT]: 'ZOPERATIONTIMEOUT',
  [ZINVALIDSTATE]: 'ZINVALIDSTATE',
  [ZNONODE]: 'ZNONODE',
  [ZNODEEXISTS]: 'ZNODEEXISTS',
  [ZNOTEMPTY]: 'ZNOTEMPTY',
  [ZSESSIONEXPIRED]: 'ZSESSIONEXPIRED',
  [ZCLOSING]: 'ZCLOSING',
  [ZSESSIONMOVED]: 'ZSESSIONMOVED',
};

export function rcName(rc: number): string {
  return NAMES[rc] ?? `rc=${rc}`;
}
