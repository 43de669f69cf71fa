import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPreempted, RequestScheduler } from '../../src/core/model/scheduler';
import { ModelError } from '../../src/core/errors';

const tick = () => new Promise((r) => setImmediate(r));

describe('RequestScheduler', () => {
  it('keeps at most N in flight and grants in order', async () => {
    const s = new RequestScheduler(1);
    const order: string[] = [];
    const a = await s.acquire({ priority: 'background', controller: new AbortController() });
    const pb = s.acquire({ priority: 'background', controller: new AbortController() }).then((l) => { order.push('b'); return l; });
    const pc = s.acquire({ priority: 'background', controller: new AbortController() }).then((l) => { order.push('c'); return l; });
    await tick();
    assert.equal(s.inFlight, 1);
    assert.equal(s.queued, 2);
    a.release();
    (await pb).release();
    (await pc).release();
    assert.deepEqual(order, ['b', 'c']);
    assert.equal(s.inFlight, 0);
  });

  it('interactive work overtakes queued background work', async () => {
    const s = new RequestScheduler(1);
    const running = await s.acquire({ priority: 'background', controller: new AbortController() });
    const order: string[] = [];
    const review = s.acquire({ priority: 'background', controller: new AbortController() }).then((l) => { order.push('review'); l.release(); });
    const completion = s.acquire({ priority: 'interactive', controller: new AbortController() }).then((l) => { order.push('completion'); l.release(); });
    await tick();
    running.release();
    await Promise.all([review, completion]);
    assert.deepEqual(order, ['completion', 'review']);
  });

  it('a running review request yields to waiting interactive work; background work does not', async () => {
    const s = new RequestScheduler(1);
    const review = new AbortController();
    const lease = await s.acquire({ priority: 'review', controller: review });
    const order: string[] = [];
    const completion = s.acquire({ priority: 'interactive', controller: new AbortController() }).then((l) => { order.push('completion'); return l; });
    await tick();
    assert.ok(review.signal.aborted, 'the review request was closed');
    assert.ok(isPreempted(review.signal.reason), 'with the reason its owner asks again on');
    lease.release();
    (await completion).release();
    assert.deepEqual(order, ['completion']);

    const warm = new AbortController();
    const warmLease = await s.acquire({ priority: 'background', controller: warm });
    const next = s.acquire({ priority: 'interactive', controller: new AbortController() });
    await tick();
    assert.equal(warm.signal.aborted, false, 'a warm-up is waited for, never preempted');
    assert.equal(isPreempted(new Error('x')), false);
    warmLease.release();
    (await next).release();
  });

  it('a newer request with the same key aborts the older one, queued or running', async () => {
    const s = new RequestScheduler(1);
    const c1 = new AbortController();
    const first = await s.acquire({ priority: 'interactive', controller: c1, supersedeKey: 'editor-1' });
    const c2 = new AbortController();
    const second = s.acquire({ priority: 'interactive', controller: c2, supersedeKey: 'editor-1' });
    assert.ok(c1.signal.aborted, 'running request aborted');
    assert.ok(ModelError.is(c1.signal.reason, 'aborted'));
    const c3 = new AbortController();
    const third = s.acquire({ priority: 'interactive', controller: c3, supersedeKey: 'editor-1' });
    assert.ok(c2.signal.aborted, 'queued request aborted');
    await assert.rejects(second, (e: unknown) => ModelError.is(e, 'aborted'));
    first.release();
    (await third).release();
    assert.equal(s.inFlight, 0);
    assert.equal(s.queued, 0);
  });

  it('a waiter aborted by its owner leaves the queue', async () => {
    const s = new RequestScheduler(1);
    const held = await s.acquire({ priority: 'background', controller: new AbortController() });
    const c = new AbortController();
    const waiting = s.acquire({ priority: 'background', controller: c });
    c.abort();
    await assert.rejects(waiting, (e: unknown) => ModelError.is(e, 'aborted'));
    assert.equal(s.queued, 0);
    held.release();
  });

  it('release is idempotent', async () => {
    const s = new RequestScheduler(2);
    const a = await s.acquire({ priority: 'background', controller: new AbortController() });
    a.release();
    a.release();
    assert.equal(s.inFlight, 0);
  });
});
