// `npm run bench [model|overhead|typing]`: every benchmark, printed as medians and tails. Figures go
// into the README. Targets are reported here, never asserted in unit tests (CI machines are noisy).
import { benchModelLayer } from './modelLayer';
import { benchCompletionOverhead } from './completionOverhead';
import { benchTypingSession } from './typingSession';
import { fmt } from './stats';

async function main(): Promise<void> {
  const only = process.argv[2];
  const t0 = performance.now();
  if (!only || only === 'model') {
    const r = await benchModelLayer();
    console.log('model layer (fake Ollama on loopback, 2.4K-token raw prompt)');
    console.log(`  call → request on the wire   ${fmt(r.toWire)}`);
    console.log(`  server's first byte → event  ${fmt(r.firstChunk)}`);
    console.log(`  abort → connection closed    ${fmt(r.abortToClose)}  (target < 50 ms)`);
  }
  if (!only || only === 'overhead') {
    const r = await benchCompletionOverhead();
    console.log(`\ncompletion client overhead (${r.files} TypeScript lib files, ${(r.bytes / 1048576).toFixed(1)} MB, ${r.toWire.n} cursors at line ends, ${r.skipped} declined by the prefilter, no repository context)`);
    console.log(`  provider entry → request on the wire  ${fmt(r.toWire)}  (target p50 ≤ 3, p99 ≤ 15)`);
    console.log(`  last chunk → items returned           ${fmt(r.afterStream)}  (target p50 ≤ 3, p99 ≤ 15)`);
  }
  if (!only || only === 'typing') {
    const r = await benchTypingSession();
    console.log('\n' + r.report);
  }
  console.log(`\nbench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
