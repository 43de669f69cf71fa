// Stands in for `@secretlint/profiler` in the bundles (see esbuild.mjs). The real one observes every
// performance mark of the process and keeps each one forever, and secretlint marks several per rule
// per scan: in an extension host that redacts a prompt on every completion, that is a leak.
export const secretLintProfiler = {
  mark(_marker: unknown): void {},
};
