// Shared set-up for tests that need the model layer wired to the fake Ollama server.
import { readConfig, type HearthConfig } from '../../src/core/config';
import { MemoryLogger } from '../../src/core/log';
import { ModelService } from '../../src/core/model/service';
import { OllamaBackend } from '../../src/node/ollama/ollamaBackend';

export function configFor(url: string, overrides: Record<string, unknown> = {}): HearthConfig {
  const values: Record<string, unknown> = { 'hearth.serverUrl': url, ...overrides };
  return readConfig((key) => ({ value: values[key], isSet: key in values })).config;
}

export function serviceFor(url: string, overrides: Record<string, unknown> = {}): { service: ModelService; logger: MemoryLogger; config: HearthConfig } {
  const config = configFor(url, overrides);
  const logger = new MemoryLogger();
  const backend = new OllamaBackend(config.serverUrl, { headers: config.requestHeaders });
  return { service: new ModelService(backend, config, logger), logger, config };
}

/** Drains a stream, returning the text; rethrows what the stream throws. */
export async function drain(events: AsyncIterable<{ type: string; text?: string }>): Promise<string> {
  let text = '';
  for await (const e of events) if (e.type === 'text') text += e.text ?? '';
  return text;
}
