// Runs the TypeScript test files of the named tiers (test/<tier>/**/*.test.ts) with Node's own test
// runner, loading TypeScript through tsx. Node 20's runner does not discover .ts files by itself.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const tiers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
if (tiers.length === 0) {
  console.error('usage: node scripts/run-tests.mjs <tier> [<tier> ...] [node --test options]');
  process.exit(2);
}

function collect(dir) {
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = tiers.flatMap((t) => collect(join('test', t)));
if (files.length === 0) {
  console.error(`no test files under ${tiers.map((t) => `test/${t}`).join(', ')}`);
  process.exit(1);
}
const serial = tiers.includes('e2e') ? ['--test-concurrency=1'] : [];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...serial, ...extra, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
