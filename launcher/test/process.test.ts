import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort, isPortFree, ManagedProcess, PortInUseError, assertPortFree } from '../src/index.js';
import { createServer } from 'node:net';

/** A child that logs JSON lines like our nodes do, plus some noise. */
function fakeChild(script: string, name = 'fake'): ManagedProcess {
  return new ManagedProcess({ name, command: process.execPath, args: ['-e', script] });
}

describe('ManagedProcess', () => {
  it('parses JSON stdout lines into events, keeps the rest as raw output', async () => {
    const p = fakeChild(`
      console.log(JSON.stringify({ level: 30, ev: 'listening', port: 1 }));
      console.log('not json');
      console.error('to stderr');
      console.log(JSON.stringify({ level: 30, ev: 'acting-start', n: 2 }));
      setTimeout(() => {}, 200);
    `);
    const acting = await p.waitFor((e) => e.ev === 'acting-start');
    assert.equal(acting.n, 2);
    // already seen: found only when asked
    assert.equal((await p.waitFor('listening', { includeHistory: true })).port, 1);
    const info = await p.exited;
    assert.deepEqual(info, { code: 0, signal: null });
    assert.deepEqual(
      p.events.map((e) => e.ev),
      ['listening', 'acting-start'],
    );
    assert.ok(p.output.includes('not json'));
    assert.ok(p.output.includes('stderr: to stderr'));
  });

  it('rejects with a clear message on timeout', async () => {
    const p = fakeChild(`console.log('booting'); setInterval(() => {}, 1000);`);
    await assert.rejects(p.waitFor('listening', { timeoutMs: 300 }), /fake \(pid \d+\): timed out after 300 ms waiting for event "listening"/);
    await p.stop();
  });

  it('rejects when the process exits first, with its output', async () => {
    const p = fakeChild(`console.error('boom: cannot connect'); process.exit(3);`);
    await assert.rejects(
      p.waitFor('listening', { timeoutMs: 5000 }),
      (err: Error) => /exited \(code 3\)/.test(err.message) && /boom: cannot connect/.test(err.message),
    );
    await assert.rejects(p.waitFor('listening'), /had already exited \(code 3\)/);
  });

  it('cursors select events after a point', async () => {
    const p = fakeChild(`
      let i = 0;
      const t = setInterval(() => console.log(JSON.stringify({ ev: 'tick', i: i++ })), 20);
    `);
    await p.waitFor((e) => e.ev === 'tick' && e.i === 3);
    const c = p.cursor();
    const next = await p.waitFor('tick', { since: c });
    assert.ok((next.i as number) >= 4);
    await p.stop();
  });

  it('stop() SIGTERMs, and SIGKILLs after the grace period; signal() on a stopped process continues it', async () => {
    const stubborn = fakeChild(`process.on('SIGTERM', () => console.log('ignoring')); console.log(JSON.stringify({ev:'ready'})); setInterval(() => {}, 1000);`);
    await stubborn.waitFor('ready', { includeHistory: true });
    const started = Date.now();
    const info = await stubborn.stop(300);
    assert.equal(info.signal, 'SIGKILL');
    assert.ok(Date.now() - started >= 250);

    const polite = fakeChild(`console.log(JSON.stringify({ev:'ready'})); setInterval(() => {}, 1000);`);
    await polite.waitFor('ready', { includeHistory: true });
    assert.equal(polite.signal('SIGSTOP'), true);
    assert.deepEqual(await polite.stop(5000), { code: null, signal: 'SIGTERM' });
    assert.equal(polite.signal('SIGTERM'), false, 'no signal to a dead process');
  });
});

describe('ports', () => {
  it('freePort gives a bindable port; isPortFree/assertPortFree see a taken one', async () => {
    const port = await freePort();
    assert.ok(port > 0);
    assert.equal(await isPortFree(port), true);
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      assert.equal(await isPortFree(port), false);
      await assert.rejects(
        assertPortFree(port, 'gateway', 'choose another with --port'),
        (err: unknown) => err instanceof PortInUseError && err.message === `Port ${port} is already in use (gateway): choose another with --port`,
      );
    } finally {
      server.close();
    }
  });
});
