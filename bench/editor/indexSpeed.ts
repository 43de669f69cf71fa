// Issue 9 asks for indexing in the editor at the CLI's speed (within 30 %). The editor's figure is
// its first build, as Hearth logs it (it starts while the editor itself starts up); the CLI's is
// `hearth index` on the bench's cached copy of the same tree with an empty cache, median of three,
// run twice: while the editor is still open (idle: code-server and its headless Chromium, which
// renders in software here, still hold a core), and after it has stopped. Both count the bytes of
// the files indexed over the whole build, walk and cache included (IndexService's MB/s).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './repo';

export interface BuildSpeed {
  readonly files: number;
  readonly ms: number;
  readonly mbPerSec: number;
}

export interface IndexSpeed {
  /** The editor's first build; undefined when Hearth's log has none. */
  readonly editor?: BuildSpeed;
  /** Each CLI run, in order. */
  readonly cli: BuildSpeed[];
  readonly cliMedianMbPerSec?: number;
  /** editor / CLI median. */
  readonly ratio?: number;
  /** The CLI's runs while the editor was still open, its median and the editor's ratio to it. */
  readonly cliBeside?: BuildSpeed[];
  readonly cliBesideMedianMbPerSec?: number;
  readonly ratioBeside?: number;
}

/** `Indexed 252 files (0.8 MB, 1170 symbols) in 6469 ms (0.12 MB/s): …` from Hearth's log. */
export function editorBuild(log: ReadonlyArray<{ text: string }>): BuildSpeed | undefined {
  for (const { text } of log) {
    const m = /Indexed (\d+) files \(.*\) in (\d+) ms \(([\d.]+) MB\/s\)/.exec(text);
    if (m) return { files: Number(m[1]), ms: Number(m[2]), mbPerSec: Number(m[3]) };
  }
  return undefined;
}

/** `hearth index --json` on `repoDir`, each run with an empty cache; none when the CLI is not built. */
export function cliBuilds(repoDir: string, runs = 3): BuildSpeed[] {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) return [];
  const out: BuildSpeed[] = [];
  for (let i = 0; i < runs; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'hearth-bench-cli-cache-'));
    try {
      const r = spawnSync(process.execPath, [cli, 'index', '--repo', repoDir, '--json'], {
        encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_CACHE_HOME: cache },
      });
      if (r.status !== 0) continue;
      const s = JSON.parse(r.stdout) as { files: number; ms: number; mbPerSec: number };
      out.push({ files: s.files, ms: s.ms, mbPerSec: s.mbPerSec });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
  return out;
}

const medianOf = (runs: readonly BuildSpeed[]): number | undefined => {
  const sorted = runs.map((c) => c.mbPerSec).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined;
};

export function indexSpeed(editor: BuildSpeed | undefined, cli: BuildSpeed[], cliBeside: BuildSpeed[] = []): IndexSpeed {
  const median = medianOf(cli);
  const beside = medianOf(cliBeside);
  return {
    editor, cli, cliMedianMbPerSec: median, ratio: editor && median ? editor.mbPerSec / median : undefined,
    ...(cliBeside.length ? { cliBeside, cliBesideMedianMbPerSec: beside, ratioBeside: editor && beside ? editor.mbPerSec / beside : undefined } : {}),
  };
}

export function indexSpeedLine(s: IndexSpeed): string {
  const editor = s.editor ? `${s.editor.files} files in ${s.editor.ms} ms = ${s.editor.mbPerSec.toFixed(2)} MB/s` : 'no build logged';
  const runs = (median: number | undefined, list: readonly BuildSpeed[]) => (list.length ? `median ${median!.toFixed(2)} MB/s of ${list.map((c) => c.mbPerSec.toFixed(2)).join(', ')}` : 'not run (dist/cli.js missing)');
  const pct = (r: number | undefined) => (r === undefined ? '—' : `${Math.round(r * 100)} %`);
  const beside = s.cliBeside ? `with the editor still open (idle): ${runs(s.cliBesideMedianMbPerSec, s.cliBeside)}; ` : '';
  const ratio = s.ratio === undefined ? '' : `; editor at ${s.cliBeside ? `${pct(s.ratioBeside)} of the CLI beside the open editor, ` : ''}${pct(s.ratio)} of the CLI alone (issue: within 30 %)`;
  return `index: editor's first build ${editor}; \`hearth index\` on the same tree, empty cache, ${beside}after the editor stopped: ${runs(s.cliMedianMbPerSec, s.cli)}${ratio}`;
}
