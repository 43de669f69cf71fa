// One fake Ollama per describe block: started before its tests, stopped after them.
import { after, before } from 'node:test';
import { FakeOllama, type FakeOllamaOptions } from '../fake-ollama/index';
import type { ModelService } from '../../src/core/model/service';
import { serviceFor } from './model';

export interface FakeHandle {
  readonly fake: FakeOllama;
  readonly url: string;
  /** A ModelService wired to this fake with default settings. */
  readonly service: ModelService;
}

export function useFakeOllama(opts?: FakeOllamaOptions): FakeHandle {
  let fake: FakeOllama | undefined;
  let url = '';
  let service: ModelService | undefined;
  before(async () => {
    fake = new FakeOllama(opts);
    url = await fake.start(0);
    service = serviceFor(url).service;
  });
  after(() => fake?.stop());
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the fake Ollama is not started (used outside a test?)');
    return v;
  };
  return {
    get fake() { return must(fake); },
    get url() { return url; },
    get service() { return must(service); },
  };
}
