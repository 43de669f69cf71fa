// Stands in for `@secretlint/profiler` (package.json "overrides"), for Hearth's redactor and for
// vsce's own secretlint alike. The real one observes every performance mark of the process and
// keeps each one forever, secretlint sets ~56 marks per scan, and Hearth scans every prompt: in a
// long-lived extension host that is a leak, and each mark also searches all the earlier ones, so
// scans got slower the longer the process lived (a completion bench went from 1.5 to 15 ms p50).
export class SecretLintProfiler {
  mark() {}
  async getEntries() { return []; }
  async getMeasures() { return []; }
}

export const secretLintProfiler = new SecretLintProfiler();
