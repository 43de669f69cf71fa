// Loaded model instances: one per model, with the load-time options it was started with, its
// keep-alive deadline and the previous prompt's tokens (the slot's prefix cache).
import { now } from './clock';

export interface LoadedInstance {
  /** Normalised model name. */
  name: string;
  /** Load-time options; a request with different ones reloads the model. */
  loadKey: string;
  numCtx: number;
  loadedAt: number;
  /** Monotonic ms; Infinity = forever. While a request runs the model never expires. */
  expiresAt: number;
  active: number;
  previousPrompt: string[];
}

export class LoadedModels {
  private readonly instances = new Map<string, LoadedInstance>();

  /** The live instance, or undefined when absent or expired. */
  get(name: string): LoadedInstance | undefined {
    const inst = this.instances.get(name);
    if (inst && inst.active === 0 && inst.expiresAt <= now()) {
      this.instances.delete(name);
      return undefined;
    }
    return inst;
  }

  /** Makes sure `name` is loaded with `loadKey`; `reloaded` when it had to be (re)started. */
  ensure(name: string, loadKey: string, numCtx: number): { instance: LoadedInstance; reloaded: boolean } {
    const current = this.get(name);
    if (current && current.loadKey === loadKey) return { instance: current, reloaded: false };
    const instance: LoadedInstance = {
      name, loadKey, numCtx, loadedAt: now(), expiresAt: Infinity, active: current?.active ?? 0, previousPrompt: [],
    };
    this.instances.set(name, instance);
    return { instance, reloaded: true };
  }

  unload(name: string): boolean {
    return this.instances.delete(name);
  }

  unloadAll(): void {
    this.instances.clear();
  }

  list(): LoadedInstance[] {
    return [...this.instances.keys()].map((k) => this.get(k)).filter((i): i is LoadedInstance => i !== undefined);
  }
}
