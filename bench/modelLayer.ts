// Model-layer overhead against the fake Ollama on loopback: how long Hearth's own code (session,
// scheduler, client, HTTP) takes to put a request on the wire, and how fast an abort closes the
// connection. Both clocks are in this process (performance.now), so the figures are comparable.
import { FakeOllama } from '../test/fake-ollama/index';
import { serviceFor } from '../test/support/model';
import { summarize, type Summary } from './stats';

export interface ModelLayerResult { toWire: Summary; abortToClose: Summary; firstChunk: Summary }

export async function benchModelLayer(n = 300): Promise<ModelLayerResult> {
  const fake = new FakeOllama();
  const url = await fake.start(0);
  try {
    const { service } = serviceFor(url);
    const s = await service.sessionFor('gemma4:e4b');
    const prompt = `<|turn>user\n${'const x = 1;\n'.repeat(200)}<turn|>\n<|turn>model\n`;
    const toWire: number[] = [];
    const firstChunk: number[] = [];
    for (let i = 0; i < n + 20; i++) {
      fake.reply({ response: 'ok' });
      const t0 = performance.now();
      let first = 0;
      for await (const ev of s.stream({ kind: 'generate', feature: 'bench', raw: true, prompt: `${prompt}${i}`, options: { num_predict: 16 } })) {
        if (ev.type === 'text' && first === 0) first = performance.now();
      }
      const rec = fake.requests.filter((r) => r.path === '/api/generate').at(-1)!;
      if (i >= 20) {
        toWire.push(rec.receivedAt - t0);
        firstChunk.push(first - (rec.firstByteAt ?? first));
      }
    }
    fake.setLatency({ decodeTokensPerSec: 200 });
    const abortToClose: number[] = [];
    for (let i = 0; i < Math.min(100, n); i++) {
      fake.clearLog();
      fake.reply({ response: 'tok '.repeat(500) });
      const c = new AbortController();
      let at = 0;
      try {
        for await (const ev of s.stream({ kind: 'generate', feature: 'bench', raw: true, prompt: 'x', signal: c.signal })) {
          if (ev.type === 'text') { at = performance.now(); c.abort(); }
        }
      } catch { /* aborted, as intended */ }
      const rec = fake.requests.find((r) => r.path === '/api/generate')!;
      await fake.waitForClose(rec, 2000);
      abortToClose.push((rec.clientClosedAt ?? NaN) - at);
    }
    return { toWire: summarize(toWire), abortToClose: summarize(abortToClose), firstChunk: summarize(firstChunk) };
  } finally {
    await fake.stop();
  }
}
