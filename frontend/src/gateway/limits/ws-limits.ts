/**
 * The /ws budgets: open connections per client address (checked before the upgrade, so a client
 * at its cap gets a 429 and no WebSocket), and a message budget per connection. A connection over
 * its budget is told once (`{"type":"error","error":"rate_limited"}`), closed with 1008 (policy
 * violation) and no longer read: what it keeps sending waits unparsed in the kernel until the
 * socket is dropped. Cut-offs are logged once per address per minute, not once per message.
 */
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerMessage } from '@zkviz/shared';
import { ConnectionCap, CutoffLog } from '@zkviz/shared/fastify';
import type { GatewayLimits } from './config.js';
import { TokenBucket } from './token-bucket.js';

export const WS_POLICY_VIOLATION = 1008;
/** Time for the error and the close frame to reach a client that reads, before the socket goes. */
const CUTOFF_LINGER_MS = 1000;
const REPORT_WINDOW_MS = 60_000;

type WsLimitValues = Pick<GatewayLimits, 'wsConnectionsPerAddress' | 'wsMessageBurst' | 'wsMessagesPerSecond'>;

export class WsLimits {
  private readonly cap: ConnectionCap;
  private readonly reported = new CutoffLog(REPORT_WINDOW_MS);

  constructor(
    private readonly limits: WsLimitValues,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
  ) {
    this.cap = new ConnectionCap(limits.wsConnectionsPerAddress);
  }

  /** Counts an upgrade from `address` until `socket` closes; false if the address is at its cap. */
  admit(address: string, socket: Duplex): boolean {
    if (socket.destroyed) return true; // it will never emit 'close' again; ws refuses it anyway
    if (!this.cap.tryAcquire(address)) {
      if (this.reported.first(`connections ${address}`)) {
        this.log.warn(
          { ev: 'rate-limited', limit: 'ws-connections', client: address, max: this.limits.wsConnectionsPerAddress },
          'client at its WebSocket connection cap: refusing upgrades with 429',
        );
      }
      return false;
    }
    socket.once('close', () => this.cap.release(address));
    return true;
  }

  openFrom(address: string): number {
    return this.cap.count(address);
  }

  messageBudget(): TokenBucket {
    return new TokenBucket({ burst: this.limits.wsMessageBurst, perSecond: this.limits.wsMessagesPerSecond });
  }

  /** Over budget: one error, close 1008, stop reading, drop the socket shortly after. */
  cutOff(socket: WebSocket, address: string, send: (reply: ServerMessage) => void): void {
    const { wsMessageBurst: burst, wsMessagesPerSecond: perSecond } = this.limits;
    send({ type: 'error', error: 'rate_limited', message: `more than ${burst} messages at once or ${perSecond} per second; closing` });
    socket.close(WS_POLICY_VIOLATION, 'rate limited');
    socket.pause();
    setTimeout(() => socket.terminate(), CUTOFF_LINGER_MS).unref();
    if (this.reported.first(`messages ${address}`)) {
      this.log.warn({ ev: 'rate-limited', limit: 'ws-messages', client: address, burst, perSecond }, 'WebSocket client over its message budget: closed with 1008');
    }
  }
}
