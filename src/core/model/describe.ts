// Reads a model's description out of Ollama's /api/show reply. Decisions about prompt routes are
// made from these capabilities and metadata, never from the model's name.
import type { ModelDescription, PromptFormat } from './backend';

export interface ShowReply {
  readonly capabilities?: readonly string[];
  readonly details?: { readonly family?: string; readonly parameter_size?: string; readonly quantization_level?: string };
  readonly model_info?: Record<string, unknown>;
}

/** Gemma 4 models at or above this size use the large prompt format (empty thought block). */
const LARGE_GEMMA4_PARAMS = 10e9;

export function describeFromShow(name: string, show: ShowReply): ModelDescription {
  const info = show.model_info ?? {};
  const arch = typeof info['general.architecture'] === 'string' ? (info['general.architecture'] as string) : undefined;
  const family = arch ?? show.details?.family ?? 'unknown';
  const num = (key: string): number | undefined => {
    const v = info[key];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const contextLength = arch ? num(`${arch}.context_length`) : undefined;
  const slidingWindow = arch ? num(`${arch}.attention.sliding_window`) : undefined;
  const parameterCount = num('general.parameter_count') ?? parseParameterSize(show.details?.parameter_size);
  const capabilities = (show.capabilities ?? []).filter((c): c is string => typeof c === 'string');

  let promptFormat: PromptFormat = 'generic';
  if (family === 'gemma4') {
    promptFormat = parameterCount !== undefined && parameterCount >= LARGE_GEMMA4_PARAMS ? 'gemma4-large' : 'gemma4-small';
  }
  return {
    name,
    family,
    capabilities,
    contextLength,
    parameterCount,
    parameterSize: show.details?.parameter_size,
    quantization: show.details?.quantization_level,
    slidingWindow,
    promptFormat,
    thinking: capabilities.includes('thinking'),
    insert: capabilities.includes('insert'),
  };
}

/** "8.0B" → 8e9, "567M" → 5.67e8. */
export function parseParameterSize(s: string | undefined): number | undefined {
  const m = s ? /^\s*([\d.]+)\s*([KMBT])\s*$/i.exec(s) : null;
  if (!m) return undefined;
  const scale = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[m[2].toUpperCase() as 'K' | 'M' | 'B' | 'T'];
  const v = Number(m[1]) * scale;
  return Number.isFinite(v) ? v : undefined;
}
