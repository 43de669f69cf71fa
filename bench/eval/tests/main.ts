// `npm run eval:tests [-- --host URL] [--model NAME] [--replay DIR [--rekey]] [--record DIR] [--function ID]... [--timeout SECONDS] [--json]`
//
// Asks for tests for each function of functions.ts (plain functions of npm packages the project did
// not write, each in a temporary Vitest project) through the whole pipeline with the real runner,
// and prints the funnel per function and in total: generated → parsed → passed after repair →
// stable → kept, possible bugs, coverage gain in lines, model requests, seconds. The JSON goes to
// .cache/eval/tests-last.json. Against a real Ollama by default (the CLI's server and tests model);
// with no server reachable it says so and exits 0. `--replay bench/eval/tests/recorded` serves the
// committed hand-written replies through the fake Ollama: those figures measure the pipeline, not a model.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../editor/repo';
import { formatTable } from './metrics';
import { runTestsEval } from './run';

const LAST = join(REPO_ROOT, '.cache', 'eval', 'tests-last.json');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      model: { type: 'string' },
      replay: { type: 'string' },
      rekey: { type: 'boolean', default: false },
      record: { type: 'string' },
      function: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.replay && (values.record || values.host)) {
    console.error('--replay serves recorded replies: it takes no --host or --record');
    return 2;
  }
  const timeout = values.timeout !== undefined ? Number(values.timeout) : undefined;
  if (timeout !== undefined && !(timeout > 0)) {
    console.error('--timeout is the seconds each test run may take: a positive number');
    return 2;
  }
  const log = values.json ? () => {} : (line: string) => console.log(line);
  const replayed = values.replay
    ? `replayed from ${values.replay}: replies written by hand by Hearth's developers, not a model's; these figures measure the pipeline (prompt, syntax check, runs, repair, flakiness, coverage), not the model`
    : undefined;
  if (replayed) log(`tests eval: ${replayed}`);
  const t0 = performance.now();
  const r = await runTestsEval({
    host: values.host, model: values.model, replay: values.replay ? resolve(values.replay) : undefined, rekey: values.rekey,
    record: values.record ? resolve(values.record) : undefined, functions: values.function,
    runTimeoutMs: timeout !== undefined ? timeout * 1000 : undefined, log,
  });
  if (r.status === 'unavailable') {
    console.log(`${r.message}\nNothing was evaluated: the tests eval needs a running Ollama with the model (ollama serve; ollama pull ${values.model ?? 'gemma4:e4b'}), or --host URL. --replay bench/eval/tests/recorded runs the pipeline on the committed hand-written replies.`);
    return r.reason === 'unreachable' ? 0 : 1;
  }
  const json = {
    server: r.server, model: r.model, replay: values.replay ?? null, ...(replayed ? { note: replayed } : {}),
    date: new Date().toISOString(), totals: r.totals, functions: r.outcomes, misses: r.misses,
  };
  mkdirSync(join(LAST, '..'), { recursive: true });
  writeFileSync(LAST, `${JSON.stringify(json, null, 2)}\n`);
  if (values.json) {
    console.log(JSON.stringify(json, null, 2));
  } else {
    console.log(`\ntests eval: ${r.outcomes.length} function${r.outcomes.length === 1 ? '' : 's'} from npm packages, model ${r.model} ${replayed ? '(hand-written replies, see above)' : `on ${r.server}`}`);
    console.log(formatTable(r.outcomes, r.totals));
    console.log(`finished in ${((performance.now() - t0) / 1000).toFixed(1)} s; JSON in ${relative(process.cwd(), LAST) || LAST}`);
  }
  if (r.misses.length) {
    console.error(`\n${r.misses.length} requests had no usable recorded reply:`);
    for (const m of r.misses) console.error(`  ${m.function} request ${m.request}: ${m.why}`);
    console.error('Hand-written replies name the function, not the prompt: accept a changed generation prompt with --rekey.');
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
