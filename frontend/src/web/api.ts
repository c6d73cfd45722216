import { CONTROL_TOKEN_HEADER, GATEWAY_ROUTES, gatewayKillPath, type ErrorBody, type GatewayHealth, type KillAccepted, type KillMode } from '@zkviz/shared';

export type KillOutcome = { ok: true; accepted: KillAccepted } | { ok: false; error: string; message: string };

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

/** Asks the gateway whether kills are protected; a failure just leaves things as they are. */
export async function checkControlProtection(): Promise<void> {
  try {
    const res = await fetch(GATEWAY_ROUTES.health);
    const body = (await res.json()) as Partial<GatewayHealth>;
    if (body.controlProtected === true) markTokenNeeded(false);
  } catch {
    /* the stream shows whether the gateway is reachable */
  }
}

/** Asks the gateway to kill a node; never throws — a failure is an outcome to show. */
export async function killNode(id: string, mode: KillMode): Promise<KillOutcome> {
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = getControlToken();
    if (token) headers[CONTROL_TOKEN_HEADER] = token;
    const res = await fetch(gatewayKillPath(id), {
      method: 'POST',
      headers,
      body: JSON.stringify({ mode }),
    });
    const body = (await res.json().catch(() => null)) as KillAccepted | ErrorBody | null;
    if (res.status === 202 && body && 'routedVia' in body) return { ok: true, accepted: body };
    if (res.status === 401) {
      markTokenNeeded(token !== null);
      return {
        ok: false,
        error: 'control_token_required',
        message: token ? 'wrong control token: enter it again above' : 'kills need the control token: enter it above',
      };
    }
    const err = body && 'error' in body ? body : { error: `http_${res.status}`, message: `gateway answered ${res.status}` };
    return { ok: false, error: err.error, message: err.message };
  } catch {
    return { ok: false, error: 'network', message: 'could not reach the gateway' };
  }
}
