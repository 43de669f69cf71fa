// `npm run bench`: every benchmark, printed as medians and tails. Figures go into the README.
// Targets are checked here and reported, never asserted in unit tests (CI machines are noisy).
import { benchModelLayer } from './modelLayer';
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
  console.log(`\nbench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
