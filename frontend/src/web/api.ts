import { CONTROL_TOKEN_HEADER, GATEWAY_ROUTES, gatewayKillPath, type ErrorBody, type GatewayHealth, type KillMode } from '@zkviz/shared';

/** What a control route answered, as the page shows it. */
export type ActionOutcome = { ok: true; text: string } | { ok: false; error: string; message: string };

// ---------------------------------------------------------------------------------------------
// Presenter mode: the control token, asked for once and kept for this tab (sessionStorage).
// ---------------------------------------------------------------------------------------------

const TOKEN_KEY = 'zkviz.controlToken';
const listeners = new Set<() => void>();
let tokenNeeded = false;
let tokenRejected = false;

function notify(): void {
  for (const l of listeners) l();
}

export function getControlToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setControlToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token is simply not remembered */
  }
  tokenRejected = false;
  notify();
}

export interface ControlTokenState {
  /** The gateway protects kills (health said so, or a kill got 401). */
  needed: boolean;
  /** A kill was refused with the token we have. */
  rejected: boolean;
  hasToken: boolean;
}

let snapshot: ControlTokenState = { needed: false, rejected: false, hasToken: false };
export const controlTokenStore = {
  subscribe(this: void, listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot(this: void): ControlTokenState {
    const hasToken = getControlToken() !== null;
    if (snapshot.needed !== tokenNeeded || snapshot.rejected !== tokenRejected || snapshot.hasToken !== hasToken) {
      snapshot = { needed: tokenNeeded, rejected: tokenRejected, hasToken };
    }
    return snapshot;
  },
};

/** A control route answered 401: ask for the token (again). */
export function markTokenNeeded(rejected: boolean): void {
  tokenNeeded = true;
  tokenRejected = rejected;
  notify();
}

let health: Promise<Partial<GatewayHealth>> | null = null;

/** `/api/health`, read once for the page (control protection, fault capabilities); a failed read is tried again by the next caller. */
export function gatewayHealth(): Promise<Partial<GatewayHealth>> {
  health ??= fetch(GATEWAY_ROUTES.health)
    .then((res) => res.json() as Promise<Partial<GatewayHealth>>)
    .catch((err: unknown) => {
      health = null;
      throw err;
    });
  return health;
}

/** Asks the gateway whether control routes are protected; a failure just leaves things as they are. */
export async function checkControlProtection(): Promise<void> {
  try {
    if ((await gatewayHealth()).controlProtected === true) markTokenNeeded(false);
  } catch {
    /* the stream shows whether the gateway is reachable */
  }
}

/**
 * POSTs a control route (kill, slot and ZooKeeper actions) with the control token when there is
 * one; a 401 asks for the token (again). Never throws — a failure is an outcome to show.
 */
export async function postControl(path: string, body: object, done: string): Promise<ActionOutcome> {
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = getControlToken();
    if (token) headers[CONTROL_TOKEN_HEADER] = token;
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await res.json().catch(() => null)) as Partial<ErrorBody> | null;
    if (res.status === 202) return { ok: true, text: done };
    if (res.status === 401) {
      markTokenNeeded(token !== null);
      return {
        ok: false,
        error: 'control_token_required',
        message: token ? 'wrong control token: enter it again above' : 'this needs the control token: enter it above',
      };
    }
    return { ok: false, error: answer?.error ?? `http_${res.status}`, message: answer?.message ?? `gateway answered ${res.status}` };
  } catch {
    return { ok: false, error: 'network', message: 'could not reach the gateway' };
  }
}

export function killNode(id: string, mode: KillMode): Promise<ActionOutcome> {
  return postControl(gatewayKillPath(id), { mode }, `${mode} sent`);
}
