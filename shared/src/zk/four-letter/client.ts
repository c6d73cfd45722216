/**
 * The four-letter-word client: one TCP connection per word, the word written, the answer read
 * until the server closes. Bounded in time (connect + answer) and in size, and it never throws:
 * every way a server can fail to answer is a value the caller can show.
 */
import { connect } from 'node:net';

export type FourLetterWord = 'srvr' | 'mntr' | 'cons' | 'dump' | 'wchc' | 'wchp' | 'ruok';

export type FourLetterFailure =
  /** Connection refused, reset, host unknown: nothing serving there. */
  | 'down'
  /** No complete answer within the timeout. */
  | 'timeout'
  /** The answer grew past the size bound; it was cut off and not parsed. */
  | 'too-large'
  /** The server answered that the word is not in `4lw.commands.whitelist`. */
  | 'refused'
  /** The server is up but not serving requests (still starting, or lost its quorum). */
  | 'not-serving';

export type FourLetterAnswer =
  { ok: true; word: FourLetterWord; text: string; ms: number } | { ok: false; word: FourLetterWord; failure: FourLetterFailure; message: string; ms: number };

export interface FourLetterOptions {
  /** Whole exchange, connect included. Default 500 ms. */
  timeoutMs?: number;
  /** Largest answer accepted. Default 1 MiB (a `dump` of thousands of sessions fits). */
  maxBytes?: number;
}

export const DEFAULT_4LW_TIMEOUT_MS = 500;
export const DEFAULT_4LW_MAX_BYTES = 1024 * 1024;

/** `<word> is not executed because it is not in the whitelist.` (3.5 – 3.9, NIO and Netty alike). */
const REFUSED = /is not executed because it is not in the whitelist/;
const NOT_SERVING = /This ZooKeeper instance is not currently serving requests/;

/** Classifies a complete answer: the refusal and not-serving notices are answers too, not data. */
export function classifyAnswer(word: FourLetterWord, text: string, ms: number): FourLetterAnswer {
  if (REFUSED.test(text)) return { ok: false, word, failure: 'refused', message: text.trim().slice(0, 200), ms };
  if (NOT_SERVING.test(text)) return { ok: false, word, failure: 'not-serving', message: text.trim().slice(0, 200), ms };
  return { ok: true, word, text, ms };
}

export function sendFourLetterWord(host: string, port: number, word: FourLetterWord, options: FourLetterOptions = {}): Promise<FourLetterAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_4LW_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_4LW_MAX_BYTES;
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect({ host, port });
    const finish = (answer: FourLetterAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const fail = (failure: FourLetterFailure, message: string) => finish({ ok: false, word, failure, message, ms: Date.now() - started });
    const timer = setTimeout(() => fail('timeout', `no answer to ${word} from ${host}:${port} within ${timeoutMs} ms`), timeoutMs);
    socket.setNoDelay(true);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail('too-large', `${word} answer from ${host}:${port} exceeds ${maxBytes} bytes`);
      chunks.push(chunk);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => fail('down', `${host}:${port}: ${err.code ?? err.message}`));
    socket.on('close', () => {
      if (settled) return;
      finish(classifyAnswer(word, Buffer.concat(chunks).toString('utf8'), Date.now() - started));
    });
  });
}
