// `npm run bench [model|overhead|index|typing|hostile|review|tests|editor]`: every benchmark, printed as medians
// and tails. Figures go into the README. Targets are reported here, never asserted in unit tests (CI
// machines are noisy). `review` runs only when named (about 2.5 minutes: git is started several
// times per staged file). `editor` runs only when named: it needs the e2e tier provisioned
// (npm run provision:e2e) and takes about three minutes.
import { benchModelLayer } from './modelLayer';
import { benchCompletionOverhead } from './completionOverhead';
import { benchTypingSession } from './typingSession';
import { benchIndex } from './indexBench';
import { benchHostileServer } from './hostileServer';
import { benchReview } from './reviewBench';
import { benchTestGen } from './testgenBench';
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
  if (!only || only === 'index') {
    const r = await benchIndex();
    console.log(`\nrepository index (node_modules: ${r.files} files, ${r.mb.toFixed(1)} MB, ${r.symbols} symbols; 2 workers)`);
    console.log(`  cold build          ${(r.coldMs / 1000).toFixed(2)} s = ${r.coldMbPerSec.toFixed(1)} MB/s  (target ≥ 8 MB/s)`);
    console.log(`  warm start          ${Math.round(r.warmMs)} ms for ${r.warmFiles} cached files  (target ≤ 1 s for 5,000)`);
    console.log(`  single-file update  ${fmt(r.update)}  (target p99 ≤ 20 ms)`);
    console.log(`    in a git work tree ${fmt(r.gitUpdate)}  (the gate asks git about the path)`);
    console.log(`  context assembly    ${fmt(r.assemble)}  (target p99 ≤ 10 ms)`);
    console.log(`  memory              index heap +${r.heapMb.toFixed(0)} MB, process RSS ${r.rssMb.toFixed(0)} MB with both workers  (target ≤ 200 MB)`);
  }
  if (!only || only === 'hostile') {
    const r = await benchHostileServer();
    console.log(`\nhostile server (loopback; medians of ${r.runs} runs)`);
    console.log(`  ${r.lineMb} MB NDJSON line → failure   ${r.hugeLineMs.toFixed(0)} ms, +${r.hugeLineRssMb.toFixed(1)} MB RSS, +${r.hugeLineHeapMb.toFixed(1)} MB heap and buffers  (target < 2 s, < 100 MB)`);
    console.log(`    first run in the process    ${r.coldMs.toFixed(0)} ms, +${r.coldRssMb.toFixed(1)} MB RSS, +${r.coldHeapMb.toFixed(1)} MB heap and buffers`);
    console.log(`    the server wrote ${r.hugeLineWrittenMb.toFixed(1)} MB of ${r.lineMb} before the client closed the connection`);
    console.log(`    ${r.hugeLineError}`);
    console.log(`  stalled stream → failure    ${r.stallMs.toFixed(0)} ms with the inactivity limit at ${r.idleMs} ms`);
    console.log(`    ${r.stallError}`);
  }
  if (only === 'review') {
    const r = await benchReview();
    console.log(`\nreview, client side (fake Ollama answering at once; RxJS 7.8.2 with a rename refactor staged: ${r.files} files, +${r.addedLines} −${r.removedLines} lines, ${r.requests} requests)`);
    console.log(`  call → first request on the wire   ${fmt(r.prepare)}  (collect, parse, redact, context, plan; target ≤ 1 s)`);
    console.log(`  whole review, answers instant      ${fmt(r.whole)}`);
    console.log(`  validate 100 findings, realistic   ${fmt(r.validateRealistic)}  (target ≤ 50 ms)`);
    console.log(`  validate 100 findings, worst case  ${fmt(r.validateWorst)}  (every anchor fuzzy against 200 near-identical lines)`);
  }
  if (only === 'tests') {
    const r = await benchTestGen();
    console.log(`\ntest generation, Hearth's own time (Vitest fixture, real Vitest; fake Ollama answering at once; ${r.pipelines} pipelines after a warm-up, each ${r.requestsPerPipeline} model requests and ${r.runsPerPipeline} runs of the runner)`);
    console.log(`  per iteration (per runner run)      ${fmt(r.overheadPerIteration)}  (target ≤ 200 ms)`);
    console.log(`  per pipeline, Hearth's own          ${fmt(r.overheadPerPipeline)}`);
    console.log(`  per pipeline, the runner's processes ${fmt(r.runnerPerPipeline)}`);
    console.log(`  per pipeline, the model (instant)   ${fmt(r.modelPerPipeline)}`);
    console.log(`  per pipeline, whole                 ${fmt(r.wholePerPipeline)}`);
  }
  if (!only || only === 'typing') {
    const r = await benchTypingSession();
    console.log('\n' + r.report);
  }
  if (only === 'editor') {
    // Loaded here only: the e2e harness it drives registers node:test hooks when imported.
    const { benchEditorTyping } = await import('./editorTyping');
    const r = await benchEditorTyping({ seed: process.argv[3] ? Number(process.argv[3]) : undefined });
    console.log(r.report);
  }
  console.log(`\nbench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
