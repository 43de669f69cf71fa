// When the server's prompt cache is warmed: after the cursor rests; at once, while typing goes on,
// for a document no prompt was made for, when the model becomes reachable and when the index has
// been built; a warm-up that met a completion in flight is tried again, and a newer urgent one
// stops the older one's retries. Timers are driven by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WarmSchedule, type WarmResult, type WarmTimers } from '../../src/core/completion/warmSchedule';

/** Timers on a clock the test advances. */
class ManualTimers implements WarmTimers {
  now = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  /** Runs every timer due within `ms`, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const first = [...this.due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!first) break;
      this.due.delete(first[0]);
      this.now = first[1].at;
      first[1].fn();
    }
    this.now = end;
    await settle();
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));
const OPTIONS = { restMs: 600, busyRetryMs: 250, busyRetries: 3 };

function schedule(answers: WarmResult[] = []) {
  const timers = new ManualTimers();
  const calls: Array<{ why: string; at: number }> = [];
  const s = new WarmSchedule(async (why) => {
    calls.push({ why, at: timers.now });
    return answers.shift() ?? 'sent';
  }, OPTIONS, timers);
  return { s, timers, calls };
}

describe('when the server\'s cache is warmed', () => {
  it('where the cursor comes to rest, only once it has rested', async () => {
    const { s, timers, calls } = schedule();
    s.editorChanged();
    for (let i = 0; i < 5; i++) {
      await timers.advance(200);
      s.cursorMoved(true);
    }
    assert.equal(calls.length, 0, 'typing (the cursor moving every 200 ms) is not resting');
    await timers.advance(599);
    assert.equal(calls.length, 0);
    await timers.advance(1);
    assert.deepEqual(calls, [{ why: 'the cursor rests', at: 1600 }]);
  });

  it('at the first keystroke in a document no prompt was made for, without waiting for a rest', async () => {
    const { s, timers, calls } = schedule();
    s.cursorMoved(false);
    await timers.advance(0);
    assert.deepEqual(calls, [{ why: 'first prompt for this file', at: 0 }]);
    // The keystrokes after it find the document known (the engine's prompt or warm-up for it).
    for (let i = 0; i < 3; i++) {
      await timers.advance(150);
      s.cursorMoved(true);
    }
    assert.equal(calls.length, 1, 'once, not per keystroke');
  });

  it('not again while that warm-up still runs, even if the document is not yet known', async () => {
    const timers = new ManualTimers();
    const calls: string[] = [];
    let finish: ((r: WarmResult) => void) | undefined;
    const s = new WarmSchedule((why) => {
      calls.push(why);
      return new Promise<WarmResult>((r) => { finish = r; });
    }, OPTIONS, timers);
    s.cursorMoved(false);
    await timers.advance(0);
    s.cursorMoved(false);
    s.cursorMoved(false);
    await timers.advance(100);
    assert.deepEqual(calls, ['first prompt for this file']);
    finish?.('failed');
    await timers.advance(0);
    s.cursorMoved(false);
    await timers.advance(0);
    assert.deepEqual(calls, ['first prompt for this file', 'first prompt for this file'], 'a failed one is tried at the next keystroke');
  });

  it('at once when the index has been built, while the user types on', async () => {
    const { s, timers, calls } = schedule();
    s.cursorMoved(true);
    await timers.advance(100);
    s.stale('the index finished building');
    await timers.advance(0);
    assert.deepEqual(calls, [{ why: 'the index finished building', at: 100 }]);
    s.cursorMoved(true);
    await timers.advance(300);
    assert.equal(calls.length, 1, 'keystrokes after it do not start another before a rest');
  });

  it('tries again while a completion holds the model, a bounded number of times', async () => {
    const { s, timers, calls } = schedule(['busy', 'busy', 'busy', 'busy', 'busy', 'busy']);
    s.stale('the index finished building');
    await timers.advance(10_000);
    assert.deepEqual(calls.map((c) => c.at), [0, 250, 500, 750], 'the first try and OPTIONS.busyRetries more');
  });

  it('stops retrying once a try got through', async () => {
    const { s, timers, calls } = schedule(['busy', 'sent']);
    s.stale('the model is reachable');
    await timers.advance(10_000);
    assert.deepEqual(calls.map((c) => c.at), [0, 250]);
  });

  it('a newer urgent warm-up ends the older one\'s retries', async () => {
    const { s, timers, calls } = schedule(['busy', 'busy', 'busy', 'busy']);
    s.stale('the model is reachable');
    await timers.advance(100);
    s.stale('the index finished building');
    await timers.advance(10_000);
    assert.deepEqual(calls.map((c) => `${c.at} ${c.why}`), [
      '0 the model is reachable',
      '100 the index finished building',
      '350 the index finished building',
      '600 the index finished building',
      '850 the index finished building',
    ]);
  });

  it('nothing after dispose', async () => {
    const { s, timers, calls } = schedule(['busy']);
    s.stale('the index finished building');
    s.cursorMoved(true);
    await timers.advance(0);
    s.dispose();
    s.cursorMoved(false);
    s.stale('the model is reachable');
    await timers.advance(10_000);
    assert.deepEqual(calls.map((c) => c.why), ['the index finished building']);
  });
});
