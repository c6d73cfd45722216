import type { ErrorBody, KillAccepted, KillMode } from '@zkviz/shared';

export type KillOutcome = { ok: true; accepted: KillAccepted } | { ok: false; error: string; message: string };

/** Asks the gateway to kill a node; never throws — a failure is an outcome to show. */
export async function killNode(id: string, mode: KillMode): Promise<KillOutcome> {
  try {
    const res = await fetch(`/api/nodes/${encodeURIComponent(id)}/kill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    });
    const body = (await res.json().catch(() => null)) as KillAccepted | ErrorBody | null;
    if (res.status === 202 && body && 'routedVia' in body) return { ok: true, accepted: body };
    const err = body && 'error' in body ? body : { error: `http_${res.status}`, message: `gateway answered ${res.status}` };
    return { ok: false, error: err.error, message: err.message };
  } catch {
    return { ok: false, error: 'network', message: 'could not reach the gateway' };
  }
}
