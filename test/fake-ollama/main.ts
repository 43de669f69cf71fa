// Runs the fake by hand: npm run fake-ollama -- --port 11434 [--host 127.0.0.1]
//   [--latency loadMs,prefillTokPerSec,decodeTokPerSec] [--models e4b,e2b,26b,31b,qwen,llama]
import { parseArgs } from 'node:util';
import {
  DEFAULT_MODELS, FakeOllama, type FakeModel, GEMMA4_26B, GEMMA4_31B, GEMMA4_E2B, GEMMA4_E4B, LLAMA32_1B, QWEN25_CODER_1_5B,
  type LatencyModel,
} from './index';

const MODELS_BY_ALIAS: Record<string, FakeModel> = {
  e2b: GEMMA4_E2B, e4b: GEMMA4_E4B, '26b': GEMMA4_26B, '31b': GEMMA4_31B, qwen: QWEN25_CODER_1_5B, llama: LLAMA32_1B,
};

function parseLatency(text: string | undefined): Partial<LatencyModel> | undefined {
  if (text === undefined) return undefined;
  const [loadMs, prefill, decode] = text.split(',').map(Number);
  if ([loadMs, prefill, decode].some((n) => n === undefined || Number.isNaN(n))) {
    throw new Error(`--latency wants loadMs,prefillTokensPerSec,decodeTokensPerSec, got ${JSON.stringify(text)}`);
  }
  return { loadMs, prefillTokensPerSec: prefill, decodeTokensPerSec: decode };
}

function parseModels(text: string | undefined): FakeModel[] {
  if (text === undefined) return DEFAULT_MODELS;
  return text.split(',').map((alias) => {
    const m = MODELS_BY_ALIAS[alias.trim()];
    if (!m) throw new Error(`unknown model ${JSON.stringify(alias)}; known: ${Object.keys(MODELS_BY_ALIAS).join(', ')}`);
    return m;
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '11434' },
      host: { type: 'string', default: '127.0.0.1' },
      latency: { type: 'string' },
      models: { type: 'string' },
      'num-ctx': { type: 'string' },
    },
  });
  const fake = new FakeOllama({
    models: parseModels(values.models),
    latency: parseLatency(values.latency),
    defaultNumCtx: values['num-ctx'] !== undefined ? Number(values['num-ctx']) : undefined,
  });
  const url = await fake.start(Number(values.port), values.host);
  console.log(`fake-ollama listening on ${url}`);
  const shutdown = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
