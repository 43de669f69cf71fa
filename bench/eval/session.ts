// The model session an evaluation runs on: the server and model the user named (else OLLAMA_HOST
// and the default model), through the same settings reader the editor uses, with the backend
// wrapped as the evaluation needs (recording, observing). A server that is not there, or a model it
// does not have, is an answer, not an exception: the evaluation says so and exits cleanly.
import { readConfig, type Feature, type HearthConfig, type SettingValue } from '../../src/core/config';
import { ModelError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/log';
import type { ModelBackend } from '../../src/core/model/backend';
import type { ModelSession } from '../../src/core/model/session';
import { ModelService } from '../../src/core/model/service';
import { OllamaBackend } from '../../src/node/ollama/ollamaBackend';

export type EvalSession =
  | { readonly status: 'ready'; readonly session: ModelSession; readonly server: string; readonly model: string; readonly config: HearthConfig }
  | { readonly status: 'unavailable'; readonly reason: 'unreachable' | 'model'; readonly message: string };

export async function openEvalSession(
  opts: { readonly host?: string; readonly model?: string; readonly env?: NodeJS.ProcessEnv },
  feature: Feature,
  wrap: (inner: ModelBackend, model: string) => ModelBackend,
): Promise<EvalSession> {
  const flags: Record<string, unknown> = { 'hearth.serverUrl': opts.host, 'hearth.model': opts.model };
  const read = (key: string): SettingValue => ({ value: flags[key], isSet: flags[key] !== undefined });
  const { config, invalidServer } = readConfig(read, { OLLAMA_HOST: (opts.env ?? process.env).OLLAMA_HOST });
  if (invalidServer) throw new Error(`"${invalidServer.address}" is not a valid server address: ${invalidServer.reason}`);
  const model = config.features[feature].model;
  const inner = new OllamaBackend(config.serverUrl, { headers: config.requestHeaders });
  const backend = wrap(inner, model);
  try {
    await inner.version();
  } catch (e) {
    if (ModelError.is(e, 'unreachable')) return { status: 'unavailable', reason: 'unreachable', message: `No model server at ${inner.url}: ${e.userMessage}` };
    throw e;
  }
  const service = new ModelService(backend, config, silentLogger);
  try {
    return { status: 'ready', session: await service.session(feature), server: inner.url, model, config };
  } catch (e) {
    if (ModelError.is(e)) return { status: 'unavailable', reason: ModelError.is(e, 'unreachable') ? 'unreachable' : 'model', message: e.userMessage };
    throw e;
  }
}
