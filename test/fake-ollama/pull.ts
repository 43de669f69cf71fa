// POST /api/pull: progress lines like Ollama's (manifest, layer downloads, verify, write, success);
// the model joins the local catalog only after success, and a client that leaves stops the pull.
import { sleep } from './clock';
import type { Exchange, ServerState } from './context';
import { PULL_UNKNOWN, badRequest } from './errors';
import { type FakeModel, modelDigest, modelSize } from './models';
import { NdjsonWriter, sendJson } from './wire';

const DOWNLOAD_STEPS = 10;

export async function handlePull(state: ServerState, ex: Exchange, body: Record<string, unknown>): Promise<void> {
  const name = String(body.model ?? body.name ?? '').trim();
  if (name === '') throw badRequest('invalid model name');
  ex.rec.model = name;
  const stream = body.stream !== false;
  const model = state.registry.resolve(name) ?? state.catalog.resolve(name);
  const writer = new NdjsonWriter(ex.res, ex.rec);
  const progress = (p: object): void => {
    if (stream) writer.line(p);
  };
  const step = (): Promise<void> => sleep(state.pullStepMs, ex.signal);

  progress({ status: 'pulling manifest' });
  await step();
  if (!model) {
    if (stream) {
      writer.line({ error: PULL_UNKNOWN });
      writer.end();
    } else sendJson(ex.res, ex.rec, 500, { error: PULL_UNKNOWN });
    return;
  }

  for (const layer of layers(model)) {
    const status = `pulling ${layer.digest.slice(7, 19)}`;
    const steps = layer.size > 1_000_000 ? DOWNLOAD_STEPS : 1;
    progress({ status, digest: layer.digest, total: layer.size });
    for (let i = 1; i <= steps; i++) {
      await step();
      progress({ status, digest: layer.digest, total: layer.size, completed: Math.round((layer.size * i) / steps) });
    }
  }
  progress({ status: 'verifying sha256 digest' });
  await step();
  progress({ status: 'writing manifest' });
  await step();
  state.catalog.add(model);
  if (stream) {
    writer.line({ status: 'success' });
    writer.end();
  } else sendJson(ex.res, ex.rec, 200, { status: 'success' });
}

/** The weights plus the small license/params blobs a real manifest lists. */
function layers(model: FakeModel): Array<{ digest: string; size: number }> {
  const base = modelDigest(model);
  const blob = (salt: string): string => `sha256:${[...base].reverse().join('').slice(0, 60)}${salt}`;
  return [
    { digest: `sha256:${base}`, size: modelSize(model) },
    { digest: blob('a1c3'), size: 11_355 },
    { digest: blob('7e02'), size: 492 },
  ];
}
