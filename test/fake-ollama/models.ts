// The models the fake serves, and Ollama's model-name rules (default tag, full registry name).
import { createHash } from 'node:crypto';

export interface FakeModel {
  name: string;
  family: string;
  parameterSize: string;
  quantization: string;
  /** Trained context length. */
  contextLength: number;
  capabilities: string[];
  sizeBytes?: number;
  digest?: string;
  /**
   * Sliding-window attention size in tokens. When set, the prefix cache is reused only if the first
   * changed token lies within the last num_batch tokens of the previous prompt (llama.cpp checkpoints).
   */
  slidingWindow?: number;
  /** Gemma 4 12b/26b/31b: with thinking off the model turn opens with an empty thought block. */
  largePromptFormat?: boolean;
}

const GEMMA4_CAPS = ['completion', 'tools', 'thinking', 'vision', 'audio'];

export const GEMMA4_E2B: FakeModel = {
  name: 'gemma4:e2b', family: 'gemma4', parameterSize: '5.1B', quantization: 'Q4_K_M',
  contextLength: 131072, capabilities: GEMMA4_CAPS, sizeBytes: 7_162_394_016, slidingWindow: 512,
};
export const GEMMA4_E4B: FakeModel = {
  name: 'gemma4:e4b', family: 'gemma4', parameterSize: '8.0B', quantization: 'Q4_K_M',
  contextLength: 131072, capabilities: GEMMA4_CAPS, sizeBytes: 9_608_350_718, slidingWindow: 512,
};
export const GEMMA4_26B: FakeModel = {
  name: 'gemma4:26b', family: 'gemma4', parameterSize: '25.8B', quantization: 'Q4_K_M',
  contextLength: 262144, capabilities: ['completion', 'tools', 'thinking', 'vision'], sizeBytes: 17_988_641_952,
  slidingWindow: 512, largePromptFormat: true,
};
export const GEMMA4_31B: FakeModel = {
  name: 'gemma4:31b', family: 'gemma4', parameterSize: '30.7B', quantization: 'Q4_K_M',
  contextLength: 262144, capabilities: ['completion', 'tools', 'thinking', 'vision'], sizeBytes: 19_891_244_064,
  slidingWindow: 512, largePromptFormat: true,
};
export const QWEN25_CODER_1_5B: FakeModel = {
  name: 'qwen2.5-coder:1.5b', family: 'qwen2', parameterSize: '1.5B', quantization: 'Q4_K_M',
  contextLength: 32768, capabilities: ['completion', 'tools', 'insert'], sizeBytes: 986_062_089,
};
export const LLAMA32_1B: FakeModel = {
  name: 'llama3.2:1b', family: 'llama', parameterSize: '1.2B', quantization: 'Q8_0',
  contextLength: 131072, capabilities: ['completion', 'tools'], sizeBytes: 1_321_098_329,
};

export const DEFAULT_MODELS: FakeModel[] = [GEMMA4_E4B, GEMMA4_E2B, GEMMA4_26B, QWEN25_CODER_1_5B];
export const ALL_MODELS: FakeModel[] = [GEMMA4_E2B, GEMMA4_E4B, GEMMA4_26B, GEMMA4_31B, QWEN25_CODER_1_5B, LLAMA32_1B];

/** 'gemma4' -> 'gemma4:latest'; drops the default registry prefix; lower-case (Ollama matches names case-insensitively). */
export function normalizeName(name: string): string {
  let s = name.trim().toLowerCase().replace(/^registry\.ollama\.ai\//, '').replace(/^library\//, '');
  const last = s.slice(s.lastIndexOf('/') + 1);
  if (!last.includes(':')) s += ':latest';
  return s;
}

/** The fully qualified name Ollama puts in capability errors: registry.ollama.ai/library/gemma4:e4b. */
export function fullName(name: string): string {
  const n = normalizeName(name);
  const parts = n.split('/');
  if (parts.length === 1) return `registry.ollama.ai/library/${n}`;
  if (parts.length === 2) return `registry.ollama.ai/${n}`;
  return n;
}

/** sha256 hex (64 chars, no prefix) of a model. */
export function modelDigest(m: FakeModel): string {
  if (m.digest) return m.digest.replace(/^sha256:/, '');
  return createHash('sha256').update(`fake-ollama:${m.name}`).digest('hex');
}

export function modelSize(m: FakeModel): number {
  return m.sizeBytes ?? Math.round(parameterCount(m) * 0.6);
}

/** '8.0B' -> 8e9, '360M' -> 3.6e8. */
export function parameterCount(m: FakeModel): number {
  const match = /^([\d.]+)\s*([KMBT]?)/i.exec(m.parameterSize);
  if (!match) return 0;
  const scale: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
  return Math.round(Number(match[1]) * (scale[match[2].toUpperCase()] ?? 1));
}

export function hasCapability(m: FakeModel, cap: string): boolean {
  return m.capabilities.includes(cap);
}

/** The models a server has, looked up the way Ollama does. */
export class ModelCatalog {
  private readonly byName = new Map<string, FakeModel>();

  constructor(models: FakeModel[] = []) {
    for (const m of models) this.add(m);
  }

  add(m: FakeModel): void {
    this.byName.set(normalizeName(m.name), m);
  }

  remove(name: string): boolean {
    return this.byName.delete(normalizeName(name));
  }

  list(): FakeModel[] {
    return [...this.byName.values()];
  }

  /** Exact (normalised) name; 'gemma4:latest' falls back to gemma4:e4b when that is present. */
  resolve(name: string): FakeModel | undefined {
    const n = normalizeName(name);
    const direct = this.byName.get(n);
    if (direct) return direct;
    if (n === 'gemma4:latest') return this.byName.get('gemma4:e4b');
    return undefined;
  }
}
