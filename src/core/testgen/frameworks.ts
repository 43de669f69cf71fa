// What Hearth must know of each test framework's syntax to check the model's tests without running
// them: the name a test's code declares (it must equal the reply's `name`, since the runner reports
// by it), the names an existing test file already uses, and which language family's import rules
// apply. Pure text work: a test whose name cannot be read this way is not sent to a runner.
import type { FrameworkId, TestLanguage } from './types';

export type ImportStyle = 'js' | 'python' | 'go';

export function importStyleOf(framework: FrameworkId): ImportStyle {
  if (framework === 'pytest' || framework === 'unittest') return 'python';
  if (framework === 'go') return 'go';
  return 'js';
}

export function languageFamily(language: TestLanguage): ImportStyle {
  return language === 'python' ? 'python' : language === 'go' ? 'go' : 'js';
}

// `it('title', …)`, `test("title", …)`, `it.concurrent(`title`, …)`: the first string argument.
const JS_TEST = /(?:^|[^\w$.])(?:it|test)(?:\.(?:only|concurrent|sequential|fails))?\s*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
const PY_TEST = /^[ \t]*(?:async[ \t]+)?def[ \t]+(test\w*)[ \t]*\(/gm;
const GO_TEST = /^func[ \t]+(Test\w*)[ \t]*\([ \t]*\w+[ \t]+\*testing\.T[ \t]*\)/gm;

function unescapeJs(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c);
}

/** Every test name a text declares, in order (an existing test file's, or one test's code). */
export function declaredTestNames(framework: FrameworkId, text: string): string[] {
  const style = importStyleOf(framework);
  const re = style === 'js' ? JS_TEST : style === 'python' ? PY_TEST : GO_TEST;
  const out: string[] = [];
  for (const m of text.matchAll(re)) out.push(style === 'js' ? unescapeJs(m[2]) : m[1]);
  return out;
}

/**
 * Why one test's code cannot stand as the test `name` (undefined when it can): it must declare
 * exactly one test, and that test must be called `name`.
 */
export function nameProblem(framework: FrameworkId, name: string, code: string): string | undefined {
  const names = declaredTestNames(framework, code);
  const form = NAME_FORM[importStyleOf(framework)];
  if (names.length === 0) return `its code declares no test (${form})`;
  if (names.length > 1) return `its code declares ${names.length} tests (${names.map((n) => JSON.stringify(n)).join(', ')}), not one`;
  if (names[0] !== name) return `its code declares the test ${JSON.stringify(names[0])}, not ${JSON.stringify(name)}`;
  if (framework === 'go' && !/^Test[A-Z0-9_]/.test(name) && name !== 'Test') return 'a Go test function\'s name must start with "Test" and an upper-case letter';
  return undefined;
}

const NAME_FORM: Record<ImportStyle, string> = {
  js: 'one it(\'name\', …) or test(\'name\', …) call',
  python: 'one def test_…() function',
  go: 'one func Test…(t *testing.T) function',
};
