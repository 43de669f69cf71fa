import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import Logger, { LogLevel, type Sink as LogSink } from './logger';
import './polyfills';
export { formatBytes } from './format';
export * from './errors';

export const DEFAULT_TIMEOUT_MS = 5_000;
let requestCount = 0;

export type CacheKey = string | number;

export interface CacheEntry<T> {
  readonly key: CacheKey;
  value: T;
  expiresAt: number;
  refresh(now: number): Promise<T>;
}

export enum EvictionPolicy {
  Lru,
  Fifo = 'fifo',
}

export const makeKey = (scope: string, id: number): CacheKey => `${scope}:${id}`;

export abstract class Store<T> {
  abstract get(key: CacheKey): CacheEntry<T> | undefined;
}

export class MemoryCache<T>
  extends Store<T>
  implements Iterable<CacheEntry<T>> {
  private readonly entries = new Map<CacheKey, CacheEntry<T>>();
  static instances = 0;

  constructor(private readonly log: Logger, readonly policy: EvictionPolicy = EvictionPolicy.Lru) {
    super();
    MemoryCache.instances++;
  }

  get(key: CacheKey): CacheEntry<T> | undefined {
    requestCount++;
    const entry = this.entries.get(key);
    this.log.write(LogLevel.Debug, `get ${key}`);
    return entry;
  }

  async load(file: string): Promise<number> {
    const text = await readFile(path.resolve(file), 'utf8');
    return JSON.parse(text).length;
  }

  *[Symbol.iterator](): Iterator<CacheEntry<T>> {
    yield* this.entries.values();
  }
}

export namespace Stats {
  export function hitRate(hits: number, total: number): number {
    return total === 0 ? 0 : hits / total;
  }
}

export default function createCache<T>(sink: LogSink): MemoryCache<T> {
  const logger = new Logger(sink);
  function helper(): void {
    logger.flush();
  }
  helper();
  return new MemoryCache<T>(logger);
}
