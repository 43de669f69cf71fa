// keep_alive as Ollama reads it: a number is seconds, a string is a Go duration ("30m", "1h30m",
// "0"), anything negative means forever. Returns milliseconds (Infinity = forever).
import { badRequest } from './errors';

export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseKeepAlive(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_KEEP_ALIVE_MS;
  if (typeof value === 'number') return value < 0 ? Infinity : value * 1000;
  if (typeof value !== 'string') throw badRequest(`json: cannot unmarshal ${typeof value} into Go struct field .keep_alive of type string`);
  const ms = parseGoDuration(value);
  return ms < 0 ? Infinity : ms;
}

function parseGoDuration(text: string): number {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const m = /^([+-]?)((?:\d*\.?\d+(?:ns|us|µs|ms|s|m|h))+)$/.exec(text);
  if (!m) {
    if (/^[+-]?\d*\.?\d+$/.test(text)) throw badRequest(`time: missing unit in duration ${JSON.stringify(text)}`);
    throw badRequest(`time: invalid duration ${JSON.stringify(text)}`);
  }
  let total = 0;
  for (const part of m[2].matchAll(/(\d*\.?\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * UNIT_MS[part[2]];
  return m[1] === '-' ? -total : total;
}
