/** What a browser may send on /ws, and the answer to it. */
import type { ServerMessage } from '@zkviz/shared';

export type ClientMessageResult = { ok: true; message: { type: 'ping' } } | { ok: false; reply: ServerMessage };

function badMessage(message: string): ClientMessageResult {
  return { ok: false, reply: { type: 'error', error: 'bad_message', message } };
}

export function parseClientMessage(raw: string): ClientMessageResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return badMessage('messages must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return badMessage('messages must be JSON objects');
  const type = (value as { type?: unknown }).type;
  if (type === 'ping') return { ok: true, message: { type: 'ping' } };
  return badMessage(`unknown message type ${JSON.stringify(type ?? null)}`);
}
