/**
 * One WebSocket to the gateway for the page's lifetime. Reconnects with backoff when the gateway
 * restarts, and treats a silent socket as dead (a ping every 10 s must get *something* back), so a
 * laptop waking from sleep does not sit on a half-open connection showing an old leader.
 */
import { GATEWAY_ROUTES, type ServerMessage } from '@zkviz/shared';
import { useEffect, useReducer, useRef } from 'react';
import { notePingSent, notePong } from '../timeline/clock.js';
import {
  initialStreamState,
  parseServerMessage,
  reconnectDelayMs,
  sharePrevious,
  streamReducer,
  type PreviousViews,
  type StreamState,
} from '../state/stream-state.js';

const PING_EVERY_MS = 10_000;
const SILENCE_LIMIT_MS = 25_000;

function gatewaySocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${GATEWAY_ROUTES.ws}`;
}

/** `onMessage` also sees every message (with its text size): the page's own history for scrubbing back. */
export function useClusterStream(onMessage?: (message: ServerMessage, bytes: number) => void): StreamState {
  const [state, dispatch] = useReducer(streamReducer, initialStreamState);
  const listener = useRef(onMessage);
  useEffect(() => {
    listener.current = onMessage;
  });

  useEffect(() => {
    let socket: WebSocket | null = null;
    let attempt = 0;
    let retryTimer: number | undefined;
    let pingTimer: number | undefined;
    let lastHeardAt = Date.now();
    let disposed = false;
    const previous: PreviousViews = { view: null, zookeeper: null };

    const connect = () => {
      const ws = new WebSocket(gatewaySocketUrl());
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        lastHeardAt = Date.now();
        dispatch({ type: 'socket-open' });
        const ping = () => {
          notePingSent(Date.now());
          ws.send(JSON.stringify({ type: 'ping' }));
        };
        ping(); // the first pong aligns the page's clock with the gateway's (timeline/clock.ts)
        pingTimer = window.setInterval(() => {
          if (Date.now() - lastHeardAt > SILENCE_LIMIT_MS) ws.close();
          else ping();
        }, PING_EVERY_MS);
      };
      ws.onmessage = (e: MessageEvent) => {
        lastHeardAt = Date.now();
        const parsed = parseServerMessage(e.data);
        if (!parsed) return;
        const message = sharePrevious(parsed, previous);
        if (message.type === 'pong') notePong(message.at, Date.now());
        dispatch({ type: 'message', message });
        listener.current?.(message, typeof e.data === 'string' ? e.data.length : 0);
      };
      ws.onclose = () => {
        window.clearInterval(pingTimer);
        if (disposed) return;
        dispatch({ type: 'socket-closed' });
        retryTimer = window.setTimeout(connect, reconnectDelayMs(attempt++));
      };
      // onerror is always followed by onclose, which does the work.
    };

    connect();
    return () => {
      disposed = true;
      window.clearTimeout(retryTimer);
      window.clearInterval(pingTimer);
      socket?.close();
    };
  }, []);

  return state;
}
