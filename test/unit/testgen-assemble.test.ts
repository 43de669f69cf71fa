// Test files as text: the scratch file of a batch per framework (imports merged and deduplicated,
// relative paths moved from the test file's folder to the scratch file's, Go's package clause), the
// kept tests merged into an existing test file, the names a test declares, and the unit's import path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  assembleScratch, mergeImportText, mergeIntoTestFile, rebaseRelativeSpecifiers, rebaseSpecifier, unitImportPath,
} from '../../src/core/testgen/assemble';
import { declaredTestNames, nameProblem } from '../../src/core/testgen/frameworks';

const ADD = { name: 'adds two numbers', code: "it('adds two numbers', () => {\n  expect(add(1, 2)).toBe(3);\n});" };
const NEG = { name: 'adds negatives', code: "it('adds negatives', () => {\n  expect(add(-1, -2)).toBe(-3);\n});\n\n" };

describe('scratch file', () => {
  it('vitest: imports once at the top (named imports of one module joined), then the tests', () => {
    const imports = "import { describe, it } from 'vitest';\nimport { it, expect } from 'vitest';\nimport { add } from './add';\nimport { add } from './add';";
    const text = assembleScratch(imports, [ADD, NEG], { framework: 'vitest' });
    assert.equal(text, [
      "import { describe, it, expect } from 'vitest';",
      "import { add } from './add';",
      '',
      ADD.code,
      '',
      NEG.code.trim(),
      '',
    ].join('\n'));
  });

  it('moves relative module paths from the test file\'s folder to the scratch file\'s', () => {
    const imports = "import { add } from '../src/add';\nimport * as util from '../src/lib/util.js';\nimport { it, expect } from 'vitest';";
    const test = { name: 'mocks', code: "it('mocks', () => {\n  vi.mock('../src/lib/util.js');\n  expect(require('../src/add').add(1, 1)).toBe(2);\n});" };
    const text = assembleScratch(imports, [test], { framework: 'vitest', testFile: 'test/add.test.ts', scratchFile: 'src/add.hearth-scratch-1.test.ts' });
    assert.match(text, /from '\.\/add';/);
    assert.match(text, /from '\.\/lib\/util\.js';/);
    assert.match(text, /vi\.mock\('\.\/lib\/util\.js'\)/);
    assert.match(text, /require\('\.\/add'\)/);
    assert.match(text, /from 'vitest'/, 'a package name is left alone');
  });

  it('multi-line imports stay whole', () => {
    const imports = "import {\n  add,\n  sub,\n} from './math';\nimport { it } from 'vitest';";
    assert.equal(assembleScratch(imports, [ADD], { framework: 'vitest' }).split('\n\n')[0], "import {\n  add,\n  sub,\n} from './math';\nimport { it } from 'vitest';");
  });

  it('go: the package clause and one import block', () => {
    const text = assembleScratch('import (\n\t"testing"\n\t"strings"\n)\n"testing"', [{ name: 'TestAdd', code: 'func TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("no")\n\t}\n}' }], { framework: 'go', goPackage: 'mathx' });
    assert.equal(text, 'package mathx\n\nimport (\n\t"testing"\n\t"strings"\n)\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("no")\n\t}\n}\n');
  });

  it('pytest: from-imports of one module joined; unittest gets `import unittest`', () => {
    assert.equal(
      assembleScratch('from pkg.geometry import area\nfrom pkg.geometry import perimeter\nimport pytest\nimport pytest', [{ name: 'test_a', code: 'def test_a():\n    assert area(1) == 1' }], { framework: 'pytest' }),
      'from pkg.geometry import area, perimeter\nimport pytest\n\ndef test_a():\n    assert area(1) == 1\n',
    );
    assert.match(assembleScratch('from shapes import Square', [{ name: 'test_x', code: 'class TestX(unittest.TestCase):\n    def test_x(self):\n        pass' }], { framework: 'unittest' }), /^import unittest\nfrom shapes import Square\n/);
  });

  it('mergeImportText: the union of two import lists', () => {
    assert.equal(mergeImportText('vitest', "import { it } from 'vitest';", "import { expect } from 'vitest';\nimport { add } from './add';"), "import { it, expect } from 'vitest';\nimport { add } from './add';");
    assert.equal(mergeImportText('go', '"testing"', 'import "testing"\nimport "fmt"'), '"testing"\n"fmt"');
  });
});

describe('merge into the test file', () => {
  const EXISTING = [
    "import { describe, it, expect } from 'vitest';",
    "import { add } from './add';",
    '',
    "describe('add', () => {",
    "  it('adds', () => expect(add(1, 1)).toBe(2));",
    '});',
    '',
  ].join('\n');

  it('appends the tests after what is there; a new name joins its module\'s import; new modules go after the last import', () => {
    const merged = mergeIntoTestFile(EXISTING, "import { it, expect, vi } from 'vitest';\nimport { add } from './add';\nimport { sub } from './sub';", [ADD], { framework: 'vitest' });
    assert.equal(merged, [
      "import { describe, it, expect, vi } from 'vitest';",
      "import { add } from './add';",
      "import { sub } from './sub';",
      '',
      "describe('add', () => {",
      "  it('adds', () => expect(add(1, 1)).toBe(2));",
      '});',
      '',
      ADD.code,
      '',
    ].join('\n'));
  });

  it('a name the file already imports is not imported again, whatever the module path says', () => {
    const merged = mergeIntoTestFile(EXISTING, "import { add, sub as minus } from './add.js';\nimport { add } from \"./add\";", [ADD], { framework: 'vitest' });
    assert.match(merged, /^import \{ describe, it, expect \} from 'vitest';\nimport \{ add \} from '\.\/add';\nimport \{ sub as minus \} from '\.\/add\.js';\n\n/);
  });

  it('keeps CRLF line ends, and an existing file with nothing new to import unchanged at the top', () => {
    const crlf = EXISTING.replace(/\n/g, '\r\n');
    const merged = mergeIntoTestFile(crlf, "import { it, expect } from 'vitest';", [ADD], { framework: 'vitest' });
    assert.ok(merged.startsWith(crlf.trimEnd()));
    assert.ok(!/[^\r]\n/.test(merged), 'every line ends in CRLF');
  });

  it('a file without imports gets them at the top, below a shebang or comment header', () => {
    const merged = mergeIntoTestFile('// header\ntest(\'x\', () => {});\n', "import test from 'node:test';", [], { framework: 'node:test' });
    assert.equal(merged, "// header\nimport test from 'node:test';\n\ntest('x', () => {});\n");
  });

  it('python: from-imports merged, tests appended', () => {
    const merged = mergeIntoTestFile('from pkg.geometry import area\n\n\ndef test_area():\n    assert area(2) == 4\n', 'from pkg.geometry import area, perimeter\nimport math', [{ name: 'test_p', code: 'def test_p():\n    assert perimeter(1) == 4' }], { framework: 'pytest' });
    assert.equal(merged, 'from pkg.geometry import area, perimeter\nimport math\n\n\ndef test_area():\n    assert area(2) == 4\n\ndef test_p():\n    assert perimeter(1) == 4\n');
  });

  it('go: new paths into the existing import block; no block → one after the package clause', () => {
    const inBlock = mergeIntoTestFile('package mathx\n\nimport (\n\t"testing"\n)\n\nfunc TestA(t *testing.T) {}\n', '"testing"\n"strings"', [{ name: 'TestB', code: 'func TestB(t *testing.T) {}' }], { framework: 'go' });
    assert.equal(inBlock, 'package mathx\n\nimport (\n\t"testing"\n\t"strings"\n)\n\nfunc TestA(t *testing.T) {}\n\nfunc TestB(t *testing.T) {}\n');
    const none = mergeIntoTestFile('package mathx\n', '"testing"', [{ name: 'TestB', code: 'func TestB(t *testing.T) {}' }], { framework: 'go' });
    assert.equal(none, 'package mathx\n\nimport "testing"\n\nfunc TestB(t *testing.T) {}\n');
  });

  it('no existing file: the file as the scratch would have it, paths as written for the test file', () => {
    assert.equal(mergeIntoTestFile(undefined, "import { add } from '../src/add';", [ADD], { framework: 'vitest' }), `import { add } from '../src/add';\n\n${ADD.code}\n`);
  });
});

describe('names and paths', () => {
  it('declaredTestNames per framework', () => {
    assert.deepEqual(declaredTestNames('vitest', "it('a b', () => {});\ntest(\"c\", () => {});\nit.concurrent(`d`, f); xit('no', f); fit('no')\nit('it\\'s', f)"), ['a b', 'c', 'd', "it's"]);
    assert.deepEqual(declaredTestNames('pytest', 'def test_a():\n    pass\ndef helper():\n    pass\nasync def test_b():\n    pass'), ['test_a', 'test_b']);
    assert.deepEqual(declaredTestNames('unittest', 'class T(unittest.TestCase):\n    def test_m(self):\n        pass'), ['test_m']);
    assert.deepEqual(declaredTestNames('go', 'func TestA(t *testing.T) {}\nfunc helper() {}\nfunc TestB(tt *testing.T) {}'), ['TestA', 'TestB']);
  });

  it('nameProblem: exactly one test, named as the reply says', () => {
    assert.equal(nameProblem('vitest', ADD.name, ADD.code), undefined);
    assert.match(nameProblem('vitest', 'other', ADD.code)!, /declares the test "adds two numbers", not "other"/);
    assert.match(nameProblem('vitest', 'x', "it('x', f); it('y', f)")!, /2 tests/);
    assert.match(nameProblem('pytest', 'test_x', 'def helper():\n    pass')!, /declares no test/);
  });

  it('rebaseSpecifier and unitImportPath', () => {
    assert.equal(rebaseSpecifier('../src/add', 'test', 'src'), './add');
    assert.equal(rebaseSpecifier('./add', 'src', 'src/__tests__'), '../add');
    assert.equal(rebaseSpecifier('../../lib/x', 'packages/a/test', 'packages/a/src'), '../../lib/x');
    assert.equal(rebaseRelativeSpecifiers("import x from './x';", 'src', 'src'), "import x from './x';");
    assert.equal(unitImportPath('vitest', 'test/add.test.ts', 'src/add.ts'), '../src/add');
    assert.equal(unitImportPath('jest', 'src/add.test.js', 'src/add.js'), './add');
    assert.equal(unitImportPath('pytest', 'tests/test_geometry.py', 'pkg/geometry.py'), 'pkg.geometry');
    assert.equal(unitImportPath('pytest', 'py/tests/test_g.py', 'py/src/pkg/__init__.py', 'py'), 'pkg');
    assert.equal(unitImportPath('go', 'x_test.go', 'x.go'), undefined);
  });
});
