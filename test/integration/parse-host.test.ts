// Where parse workers run (parseHost.ts): a child process with wasm tier-up off, or a thread. The
// pool's own behaviour over either (crashes, hangs, cancellation) is in index-pool.test.ts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_HOST_FLAGS, type ParseHostEvents, type ParseIsolation, startParseHost } from '../../src/node/index/parseHost';
import type { WorkerInit } from '../../src/node/index/worker';

const dir = mkdtempSync(join(tmpdir(), 'hearth-parse-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const INIT: WorkerInit = { grammarPaths: { wasmDir: 'w', runtimeWasm: 'r' }, maxFileBytes: 7 };

/** A script that answers as a worker would, over either channel, then runs `then`. */
function script(name: string, then: string): string {
  const file = join(dir, name);
  writeFileSync(file, `
const { parentPort, workerData } = require('node:worker_threads');
const send = (m) => (parentPort ? parentPort.postMessage(m) : process.send(m));
const init = parentPort ? workerData : JSON.parse(process.env.HEARTH_PARSE_WORKER_INIT);
send({ kind: 'ready', pid: process.pid, execArgv: process.execArgv, init });
for (let i = 0; i < 3; i++) send({ kind: 'text', id: i, tags: { defs: new Int32Array([i, 2, 3]) } });
${then}
`);
  return file;
}

/** What the scripts above send (not FromWorker: they say who they are). */
interface Echo { readonly kind: string; readonly pid: number; readonly execArgv: string[]; readonly init: unknown; readonly tags: { readonly defs: Int32Array } }

function run(isolation: ParseIsolation, filename: string): { messages: Echo[]; errors: string[]; exit: Promise<number>; host: ReturnType<typeof startParseHost> } {
  const messages: Echo[] = [];
  const errors: string[] = [];
  let exited!: (code: number) => void;
  const exit = new Promise<number>((r) => { exited = r; });
  const events: ParseHostEvents = { message: (m) => messages.push(m as unknown as Echo), error: (e) => errors.push(e), exit: (c) => exited(c) };
  const host = startParseHost({ isolation, filename, execArgv: [], init: INIT }, events);
  return { messages, errors, exit, host };
}

describe('parse hosts', () => {
  it('a process host is another process, runs without wasm tier-up, gets its init, and delivers every message before its exit', async () => {
    const r = run('process', script('exits.js', 'process.exit(3);'));
    assert.equal(await r.exit, 3);
    const [ready, ...texts] = r.messages;
    assert.notEqual(ready.pid, process.pid);
    for (const flag of PROCESS_HOST_FLAGS) assert.ok(ready.execArgv.includes(flag), JSON.stringify(ready.execArgv));
    assert.ok(PROCESS_HOST_FLAGS.includes('--liftoff-only'));
    assert.deepEqual(ready.init, INIT);
    // Typed arrays survive the channel, as between threads.
    assert.deepEqual(texts.map((t) => [...t.tags.defs]), [[0, 2, 3], [1, 2, 3], [2, 2, 3]]);
    assert.deepEqual(r.errors, []);
  });

  it('a thread host is this process, with the same messages', async () => {
    const r = run('thread', script('thread-exits.js', 'process.exit(3);'));
    assert.equal(await r.exit, 3);
    assert.equal(r.messages[0].pid, process.pid);
    assert.deepEqual(r.messages[0].init, INIT);
    assert.equal(r.messages.length, 4);
  });

  it('a process that dies before it can answer says why (from its stderr)', async () => {
    const file = join(dir, 'broken.js');
    writeFileSync(file, "throw new TypeError('cannot load');\n");
    const r = run('process', file);
    assert.equal(await r.exit, 1);
    assert.deepEqual(r.errors, ['TypeError: cannot load']);
  });

  it('terminate stops a process that no longer answers, and resolves once it is gone', async () => {
    const r = run('process', script('hangs.js', 'for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);'));
    while (r.messages.length < 4) await new Promise((res) => setTimeout(res, 10));
    await r.host.terminate();
    assert.equal(await r.exit, 1);
  });
});
