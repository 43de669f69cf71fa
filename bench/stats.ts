// Order statistics for benchmark samples. Medians and high percentiles, never means alone.
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export interface Summary { n: number; p50: number; p90: number; p99: number; max: number }

export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, p50: percentile(samples, 50), p90: percentile(samples, 90), p99: percentile(samples, 99), max: Math.max(...samples) };
}

export function fmt(s: Summary, unit = 'ms', digits = 2): string {
  return `n=${s.n} p50=${s.p50.toFixed(digits)}${unit} p90=${s.p90.toFixed(digits)}${unit} p99=${s.p99.toFixed(digits)}${unit} max=${s.max.toFixed(digits)}${unit}`;
}
