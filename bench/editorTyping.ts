// `npm run bench -- editor`: typing in a real editor on a real repository. The packaged extension runs
// in code-server (VS Code 1.139, test/e2e/harness.ts) on a copy of rxjs 7.8.2's sources made a git
// work tree, with default editor settings; the fake Ollama plays Gemma 4 E4B on a laptop (prefill
// 3,000 tokens/s, decode 80 tokens/s) and answers with the file's real continuation most of the
// time. Right after the workspace opens, a scripted person (bench/editor/person.ts) re-types a
// block of one file word by word with 2.5 s pauses, typing through and accepting suggestions.
// Measured per pause against issue 9's targets: key → request on the wire and → visible ghost
// text, requests per pause, re-prefilled tokens (the fake's prefix-cache model), requests while
// typing through, and whether Tab left the intended text. A JSON result, Hearth's log and the
// fake's completion prompts go to test-artifacts/bench/.
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOllama, type RecordedRequest } from '../test/fake-ollama/index';
import { assertProvisioned, collectLogs, ensureVsix, startEditor, waitUntil, type EditorSession } from '../test/e2e/harness';
import { EditorProbe } from './editor/page';
import { ScriptedPerson, PAUSE_MS } from './editor/person';
import { copyRepo, ensureRepo, REPO_ROOT, RXJS, treeSize } from './editor/repo';
import { AJAX_ERROR_EVENT, EditorScript, type Reply, TRUE_REPLY_SHARE, type TypingTarget } from './editor/script';
import { type EditorFigures, isCompletionRequest, measure } from './editor/measure';
import { renderReport } from './editor/report';
import { type BuildSpeed, cliBuilds, editorBuild, indexSpeed, indexSpeedLine } from './editor/indexSpeed';

/** Gemma 4 E4B on a laptop, model already loaded. */
export const E4B_LAPTOP = { loadMs: 0, prefillTokensPerSec: 3000, decodeTokensPerSec: 80 };
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'bench');

export interface EditorTypingResult {
  readonly figures: EditorFigures;
  readonly report: string;
  readonly jsonPath: string;
}

export async function benchEditorTyping(opts: { seed?: number; target?: TypingTarget } = {}): Promise<EditorTypingResult> {
  const r = await typeInEditor(opts);
  // The CLI on the same tree once the editor has stopped too, on an otherwise idle machine.
  const speed = indexSpeed(editorBuild(r.hearthLog), cliBuilds(r.repoDir), r.cliBeside);
  const json = JSON.parse(readFileSync(r.jsonPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(r.jsonPath, JSON.stringify({ ...json, index: speed }, null, 2));
  return { figures: r.figures, report: r.report.replace('\n\n  written:', `\n  ${indexSpeedLine(speed)}\n\n  written:`), jsonPath: r.jsonPath };
}

async function typeInEditor(opts: { seed?: number; target?: TypingTarget }): Promise<EditorTypingResult & { hearthLog: Array<{ at: number; text: string }>; repoDir: string; cliBeside: BuildSpeed[] }> {
  const seed = opts.seed ?? 1;
  const wall0 = performance.now();
  assertProvisioned();
  const vsix = ensureVsix();
  const repoDir = ensureRepo(RXJS);
  const size = treeSize(repoDir);
  const target = opts.target ?? AJAX_ERROR_EVENT;
  const original = readFileSync(join(repoDir, target.path), 'utf8');
  const script = new EditorScript(original, target, seed);
  const prepared = performance.now();

  const fake = new FakeOllama({ latency: E4B_LAPTOP });
  const replies = new Map<number, Reply>();
  fake.setDefaultReply((rec: RecordedRequest) => {
    const p = isCompletionRequest(rec) ? script.positionOf(rec.body.prompt as string) : undefined;
    if (p === undefined) return { response: '' };
    const reply = script.replyAt(p);
    replies.set(rec.id, reply);
    // Gemma ends its turn with <turn|>; the server strips it (one more token of decode).
    return { response: `${reply.text}<turn|>` };
  });
  const url = await fake.start(0);
  mkdirSync(ARTIFACTS, { recursive: true });

  let editor: EditorSession | undefined;
  try {
    editor = await startEditor({
      vsix,
      name: 'bench-editor',
      // Default editor settings: only where the model server is (HEARTH_BENCH_EARLY=1 also turns on
      // hearth.completion.earlyGhostText, to compare).
      settings: { 'hearth.serverUrl': url, ...(process.env.HEARTH_BENCH_EARLY === '1' ? { 'hearth.completion.earlyGhostText': true } : {}) },
      prepareWorkspace: (workspace) => {
        copyRepo(repoDir, workspace);
        writeFileSync(join(workspace, target.path), script.documentBefore());
      },
    });
    const opened = performance.now();
    const { page } = editor;
    const probe = new EditorProbe(page);
    await probe.install();
    // The person starts at once: open the file, go to the line before the block, type.
    await editor.openFile(target.path);
    const fileOpen = performance.now();
    await editor.goToLine(target.firstLine - 1);
    const person = new ScriptedPerson(page, probe, script);
    const session = await person.run();
    await new Promise((r) => setTimeout(r, 300));
    const events = [...(await probe.drain())];
    const ghostHtml = await probe.ghostHtml().catch(() => '');

    // The whole file, saved, against the original: what every Tab and keystroke left behind.
    const file = join(editor.workspace, target.path);
    const mtime = statSync(file).mtimeMs;
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+s');
    await waitUntil(() => statSync(file).mtimeMs !== mtime, 10_000, 'the file to be saved').catch(() => undefined);
    const final = readFileSync(file, 'utf8');
    const finalFileOk = final === original;
    // The CLI on the same tree while the editor is still open (idle): the same machine as the
    // editor's build had, code-server and its headless browser included; a second measure after it stops.
    const cliBeside = cliBuilds(repoDir);

    const logs = collectLogs(editor.userDataDir);
    const hearthLog = logs.hearth ? parseLog(readFileSync(logs.hearth, 'utf8')) : [];
    const figures = measure({
      session, events, requests: fake.requests, script, replies, prefillTokensPerSec: E4B_LAPTOP.prefillTokensPerSec, hearthLog,
    });
    // Hearth's log holds its first lines back until its channel is set up: the status bar tells when it started.
    const activatedAt = events.find((e) => e.kind === 'status' && e.value !== '')?.at;
    const modelShownAt = events.find((e) => e.kind === 'status' && /gemma/i.test(e.value))?.at;
    const firstKey = session.keys[0]?.at ?? opened;
    const title = `editor typing: packaged ${vsix.split('/').pop()} in code-server (VS Code 1.139), default editor settings`;
    const lines = [
      `repository: ${RXJS.pkg} ${RXJS.version} from the npm registry, ${size.files} files, ${(size.bytes / 1048576).toFixed(1)} MB, git work tree; typed: ${target.path} lines ${target.firstLine}-${target.lastLine}`,
      `server: fake gemma4:e4b, prefill ${E4B_LAPTOP.prefillTokensPerSec} tokens/s, decode ${E4B_LAPTOP.decodeTokensPerSec} tokens/s; ${Math.round(TRUE_REPLY_SHARE * 100)} % of replies are the file's continuation (seed ${seed})`,
      `person: ${session.keys.length} keys, ${session.pauses.length} pauses of ${PAUSE_MS / 1000} s; first key ${sec(firstKey - opened)} s after the workbench showed (file open through Quick Open after ${sec(fileOpen - opened)} s, including 3 s to read it)`,
      `Hearth: status item ${activatedAt === undefined ? 'never shown' : `shown ${sec(activatedAt - opened)} s`}, model on the status bar ${modelShownAt === undefined ? 'never' : `${sec(modelShownAt - opened)} s`} after the workbench showed; ${indexLine(hearthLog)}`,
      `time: ${((prepared - wall0) / 1000).toFixed(1)} s packaging and repository, ${((opened - prepared) / 1000).toFixed(1)} s code-server install and start, ${((session.endedAt - opened) / 1000).toFixed(1)} s typing`,
    ];
    const diff = finalFileOk ? '' : firstDiff(original, final);
    const report = renderReport(figures, { title, lines, finalFileOk, finalFileDiff: diff });

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    // The CI slice keeps its own files, beside a full run's.
    const stem = target === AJAX_ERROR_EVENT ? 'editor-typing' : 'editor-typing-slice';
    const jsonPath = join(ARTIFACTS, `${stem}.json`);
    const hearthCopy = join(ARTIFACTS, `${stem}-Hearth.log`);
    if (logs.hearth) copyFileSync(logs.hearth, hearthCopy);
    if (logs.exthost) copyFileSync(logs.exthost, join(ARTIFACTS, `${stem}-exthost.log`));
    const promptsPath = join(ARTIFACTS, `${stem}-requests.json`);
    writeFileSync(promptsPath, JSON.stringify(fake.requests.filter(isCompletionRequest).map((r) => ({
      id: r.id, receivedAt: r.receivedAt, firstByteAt: r.firstByteAt, endedAt: r.endedAt, clientClosedAt: r.clientClosedAt,
      promptTokens: r.promptTokens, cachedTokens: r.cachedTokens, evalCount: r.evalCount, reply: replies.get(r.id), prompt: r.body.prompt, options: r.body.options,
    })), null, 2));
    writeFileSync(jsonPath, JSON.stringify({
      bench: 'editor', at: stamp, seed, vsix, repository: { ...RXJS, ...size }, target, latency: E4B_LAPTOP, trueReplyShare: TRUE_REPLY_SHARE, pauseMs: PAUSE_MS,
      summary: { ...figures.summary, finalFileOk }, pauses: figures.pauses, requests: figures.requests,
      person: { keys: session.keys, repairs: session.repairs, strayLines: session.strayLines, pauses: session.pauses },
      pageEvents: events, finalFileDiff: diff, ghostHtmlAtEnd: ghostHtml,
      // Wall-clock times, to line the bench's clock up with the editor's own logs.
      clock: { timeOrigin: performance.timeOrigin, workbenchShown: new Date(performance.timeOrigin + opened).toISOString(), firstKey: new Date(performance.timeOrigin + firstKey).toISOString() },
      files: { prompts: promptsPath, hearthLog: logs.hearth ? hearthCopy : undefined, codeServerLog: editor.logFile, userDataDir: editor.userDataDir },
    }, null, 2));
    return { figures, report: `${report}\n\n  written: ${jsonPath}, ${promptsPath}${logs.hearth ? `, ${hearthCopy}` : ' (no Hearth.log found)'}`, jsonPath, hearthLog, repoDir, cliBeside };
  } finally {
    await editor?.stop();
    await fake.stop();
  }
}


/** `2026-12-02 11:37:01.123 [trace] text` → bench time (this process's performance.now()). */
function parseLog(text: string): Array<{ at: number; text: string }> {
  const out: Array<{ at: number; text: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) (\[\w+\] .*)$/.exec(line);
    if (!m) continue;
    const epoch = new Date(`${m[1]}T${m[2]}`).getTime();
    out.push({ at: epoch - performance.timeOrigin, text: m[3] });
  }
  return out;
}

function sec(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function indexLine(log: ReadonlyArray<{ text: string }>): string {
  const line = log.find((l) => /Indexed \d+ files/.test(l.text))?.text;
  return line ? line.replace(/^\[\w+\] /, '').replace(/\.$/, '') : 'no index build logged';
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const show = (ls: string[]) => ls.slice(Math.max(0, i - 1), i + 4).map((l, k) => `${Math.max(0, i - 1) + k + 1}: ${l}`).join('\n');
  return `first difference at line ${i + 1}\n--- original\n${show(x)}\n--- in the editor\n${show(y)}`;
}
