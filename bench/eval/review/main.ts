// `npm run eval:review [-- --host URL] [--model NAME] [--replay DIR [--rekey]] [--record DIR] [--case ID]... [--json]`
//
// Reviews every seeded-bug diff and its clean twin (cases.ts) and prints recall within ±2 lines,
// precision, false positives per clean diff, anchor validity before filtering, JSON validity and
// latency. Against a real Ollama by default (the CLI's server and review model); with no server
// reachable it says so and exits 0. `--replay bench/eval/review/recorded` serves the committed
// hand-written replies through the fake Ollama: those figures measure the pipeline, not a model.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatMetrics } from './metrics';
import { runReviewEval } from './run';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      model: { type: 'string' },
      replay: { type: 'string' },
      rekey: { type: 'boolean', default: false },
      record: { type: 'string' },
      case: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.replay && (values.record || values.host)) {
    console.error('--replay serves recorded replies: it takes no --host or --record');
    return 2;
  }
  const log = values.json ? () => {} : (line: string) => console.log(line);
  const t0 = performance.now();
  const r = await runReviewEval({
    host: values.host, model: values.model, replay: values.replay ? resolve(values.replay) : undefined, rekey: values.rekey,
    record: values.record ? resolve(values.record) : undefined, cases: values.case, log,
  });
  if (r.status === 'unavailable') {
    console.log(`${r.message}\nNothing was evaluated. Start Ollama (ollama serve) with a Gemma 4 model, or pass --host URL; --replay bench/eval/review/recorded runs on the committed replies.`);
    return r.reason === 'unreachable' ? 0 : 1;
  }
  if (values.json) {
    console.log(JSON.stringify({ server: r.server, model: r.model, replay: values.replay ?? null, metrics: r.metrics, misses: r.misses }, null, 2));
  } else {
    console.log(`\nreview eval: ${r.outcomes.length} staged diffs (${r.metrics.buggy} seeded bugs, ${r.metrics.clean} clean twins), model ${r.model} ${values.replay ? `replayed from ${values.replay} (hand-written replies: these figures measure the pipeline, not the model)` : `on ${r.server}`}`);
    console.log(formatMetrics(r.metrics));
    console.log(`finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (r.misses.length) {
    console.error(`\n${r.misses.length} requests had no recorded reply for their prompt (the prompt changed since the replies were written):`);
    for (const m of r.misses) console.error(`  ${m.variant} request ${m.attempt}: prompt ${m.prompt}`);
    console.error('Hand-written replies name staged lines, not prompts: accept the new prompts with --rekey.');
    return 1;
  }
  return 0;
}

main().then((code) => {
  process.exitCode = code;
}, (e) => {
  console.error(e);
  process.exitCode = 1;
});
