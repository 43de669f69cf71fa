// Hearth's own time on the completion path, on large real files (TypeScript's lib .d.ts files):
// from provider entry (the cursor slice is built inside the measurement, as the editor adapter does)
// to the request arriving at the server, and from the last chunk to the items being returned
// (filters, post-processing, cache). The fake answers instantly, so the model's time is excluded.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOllama } from '../test/fake-ollama/index';
import { serviceFor } from '../test/support/model';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS } from '../src/core/completion/engine';
import { TextLines } from '../src/core/text/cursorText';
import { NO_CONTEXT } from '../src/core/completion/types';
import { silentLogger } from '../src/core/log';
import { summarize, type Summary } from './stats';
import { SecretlintRedactor } from '../src/node/privacy/redact';

const LIB = join('node_modules', 'typescript', 'lib');
const FILES = ['lib.dom.d.ts', 'typescript.d.ts', 'lib.webworker.d.ts', 'lib.es5.d.ts'];

/** `skipped`: cursors the prefilter declined (e.g. a blank line in the middle of a block), not measured. */
export interface OverheadResult { files: number; bytes: number; skipped: number; toWire: Summary; afterStream: Summary }

export async function benchCompletionOverhead(samples = 400): Promise<OverheadResult> {
  // The editor's text model has its lines indexed before the provider runs; so does TextLines.
  const docs = FILES.map((f) => ({ path: join(LIB, f), lines: new TextLines(readFileSync(join(LIB, f), 'utf8')) }));
  const bytes = FILES.reduce((n, f) => n + statSync(join(LIB, f)).size, 0);
  const fake = new FakeOllama();
  fake.setDefaultReply(() => ({ response: 'readonly value: number;\n' }));
  try {
    const { service } = serviceFor(await fake.start(0));
    await service.sessionFor('gemma4:e4b');
    const engine = new CompletionEngine({
      session: () => service.sessionFor('gemma4:e4b'), context: NO_CONTEXT, logger: silentLogger,
      // As in the editor: every prompt part goes through the privacy gate's redactor.
      redactor: new SecretlintRedactor(),
      settings: DEFAULT_COMPLETION_SETTINGS,
    });
    const toWire: number[] = [];
    const afterStream: number[] = [];
    let skipped = 0;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < samples + 20; i++) {
      const doc = docs[i % docs.length];
      const line = 50 + Math.floor(rand() * (doc.lines.lineCount - 100));
      const t0 = performance.now();
      // At the end of a line, where completions are asked for most.
      const { cursor, prefixFirstLine } = doc.lines.cursorSlice(line, Number.MAX_SAFE_INTEGER, doc.path);
      const o = await engine.complete({ document: `${doc.path}#${i}`, cursor, prefixFirstLine, trigger: 'manual' });
      const rec = fake.requests.filter((r) => r.path === '/api/generate').at(-1);
      if (!rec || o.source !== 'model' || o.timings?.afterStream === undefined) { skipped++; continue; }
      if (i >= 20) {
        toWire.push(rec.receivedAt - t0);
        afterStream.push(o.timings.afterStream);
      }
      fake.clearLog();
    }
    engine.dispose();
    return { files: docs.length, bytes, skipped, toWire: summarize(toWire), afterStream: summarize(afterStream) };
  } finally {
    await fake.stop();
  }
}
