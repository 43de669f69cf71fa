// The seeded-bug set of `npm run eval:review`: realistic edits to real code the project did not write
// (source files of well-known npm packages at pinned versions, fetched from the registry), each in two
// variants. The CLEAN twin is the edit as a careful author would stage it; the BUGGY one is the same
// edit with one known bug injected into its added lines. Ground truth: the file and the buggy file's
// lines of the bug (`at`, else the lines where the buggy file differs from the clean one).
//
// An edit is `find` (text of the published file, exactly once) replaced by `clean`; the bug is
// `bug.from` (text of `clean`, exactly once) replaced by `bug.to`. corpus.ts checks all of this,
// and that every ground-truth line is an added line of the staged diff, before anything is reviewed.
// `also` holds the rest of a change that touches the file in more than one place.
import type { BenchRepo } from '../../editor/repo';

/** The packages, pinned: a changed version changes every prompt, so the recorded replies' keys. */
export const PACKAGES: Readonly<Record<string, BenchRepo>> = {
  rxjs: { pkg: 'rxjs', version: '7.8.2', keep: ['src', 'package.json', 'tsconfig.json', 'README.md', 'LICENSE.txt', 'CHANGELOG.md', 'ajax', 'fetch', 'operators', 'testing', 'webSocket'] },
  ollama: { pkg: 'ollama', version: '0.6.3', keep: ['src', 'package.json', 'README.md', 'LICENSE'] },
  semver: { pkg: 'semver', version: '7.7.2', keep: ['classes', 'functions', 'internal', 'ranges', 'index.js', 'preload.js', 'package.json', 'README.md', 'LICENSE'] },
  express: { pkg: 'express', version: '4.21.2', keep: ['lib', 'index.js', 'package.json', 'Readme.md', 'LICENSE'] },
  'markdown-it': { pkg: 'markdown-it', version: '14.1.0', keep: ['lib', 'index.mjs', 'package.json', 'README.md', 'LICENSE'] },
};

export type BugKind =
  | 'off-by-one' | 'inverted-condition' | 'wrong-variable' | 'missing-await' | 'null-dereference'
  | 'swapped-arguments' | 'resource-leak' | 'wrong-operator' | 'lost-state';

export interface SeededCase {
  /** Short and unique; names the recorded replies. */
  readonly id: string;
  /** Key of PACKAGES. */
  readonly pkg: string;
  /** Package-relative path of the edited file. */
  readonly path: string;
  readonly kind: BugKind;
  /** What the clean edit does, for the report. */
  readonly change: string;
  readonly find: string;
  readonly clean: string;
  readonly bug: { readonly from: string; readonly to: string };
  /** Text of the buggy file (once) whose lines are the ground truth; default: the lines that differ from the clean file. */
  readonly at?: string;
  /** More edits of the same change elsewhere in the file (an import, a helper), in both variants. */
  readonly also?: readonly { readonly find: string; readonly replace: string }[];
}

export const CASES: readonly SeededCase[] = [
  // ---- rxjs 7.8.2 (TypeScript) ----
  {
    id: 'rxjs-buffercount-validate', pkg: 'rxjs', path: 'src/internal/operators/bufferCount.ts', kind: 'inverted-condition',
    change: 'bufferCount rejects a buffer size that is not positive',
    find: '  startBufferEvery = startBufferEvery ?? bufferSize;\n',
    clean: '  if (!(bufferSize > 0)) {\n    throw new RangeError(`bufferCount: bufferSize must be positive, got ${bufferSize}`);\n  }\n  startBufferEvery = startBufferEvery ?? bufferSize;\n',
    bug: { from: 'if (!(bufferSize > 0)) {', to: 'if (bufferSize > 0) {' },
  },
  {
    id: 'rxjs-range-for-loop', pkg: 'rxjs', path: 'src/internal/observable/range.ts', kind: 'off-by-one',
    change: 'the synchronous range path as a for loop',
    find: '          let n = start;\n          while (n < end && !subscriber.closed) {\n            subscriber.next(n++);\n          }\n          subscriber.complete();\n        }\n  );',
    clean: '          for (let n = start; n < end && !subscriber.closed; n++) {\n            subscriber.next(n);\n          }\n          subscriber.complete();\n        }\n  );',
    bug: { from: 'n < end && !subscriber.closed; n++', to: 'n <= end && !subscriber.closed; n++' },
  },
  {
    id: 'rxjs-takelast-shift', pkg: 'rxjs', path: 'src/internal/operators/takeLast.ts', kind: 'off-by-one',
    change: 'takeLast drops the oldest value with an if statement instead of a && expression',
    find: '              count < buffer.length && buffer.shift();\n',
    clean: '              // Keep only the last `count` values.\n              if (buffer.length > count) {\n                buffer.shift();\n              }\n',
    bug: { from: 'if (buffer.length > count) {', to: 'if (buffer.length >= count) {' },
  },
  {
    id: 'rxjs-arrremove-all', pkg: 'rxjs', path: 'src/internal/util/arrRemove.ts', kind: 'null-dereference',
    change: 'arrRemoveAll: remove several items, accepting a missing array like arrRemove',
    find: '    0 <= index && arr.splice(index, 1);\n  }\n}\n',
    clean: '    0 <= index && arr.splice(index, 1);\n  }\n}\n\n/**\n * Removes every one of `items` from an array, mutating it.\n * @param arr The array to remove the items from (nothing happens when it is missing)\n * @param items The items to remove\n */\nexport function arrRemoveAll<T>(arr: T[] | undefined | null, items: readonly T[]) {\n  if (!arr || arr.length === 0) {\n    return;\n  }\n  for (const item of items) {\n    arrRemove(arr, item);\n  }\n}\n',
    bug: { from: '  if (!arr || arr.length === 0) {\n    return;\n  }\n', to: '  if (arr.length === 0) {\n    return;\n  }\n' },
  },
  {
    id: 'rxjs-skiplast-ring', pkg: 'rxjs', path: 'src/internal/operators/skipLast.ts', kind: 'wrong-variable',
    change: 'skipLast keeps the ring index in a variable instead of a modulo per value',
    find: '        let seen = 0;\n        source.subscribe(\n          createOperatorSubscriber(subscriber, (value) => {\n            // Get the index of the value we have right now\n            // relative to all other values we\'ve seen, then\n            // increment `seen`. This ensures we\'ve moved to\n            // the next slot in our ring buffer.\n            const valueIndex = seen++;\n            if (valueIndex < skipCount) {\n              // If we haven\'t seen enough values to fill our buffer yet,\n              // Then we aren\'t to a number of seen values where we can\n              // emit anything, so let\'s just start by filling the ring buffer.\n              ring[valueIndex] = value;\n            } else {\n              // We are traversing over the ring array in such\n              // a way that when we get to the end, we loop back\n              // and go to the start.\n              const index = valueIndex % skipCount;\n              // Pull the oldest value out so we can emit it,\n              // and stuff the new value in it\'s place.\n              const oldValue = ring[index];\n              ring[index] = value;\n              // Emit the old value. It is important that this happens\n              // after we swap the value in the buffer, if it happens\n              // before we swap the value in the buffer, then a synchronous\n              // source can get the buffer out of whack.\n              subscriber.next(oldValue);\n            }\n          })\n        );\n',
    clean: '        let seen = 0;\n        let next = 0;\n        source.subscribe(\n          createOperatorSubscriber(subscriber, (value) => {\n            if (seen < skipCount) {\n              ring[seen++] = value;\n            } else {\n              const oldValue = ring[next];\n              ring[next] = value;\n              next = (next + 1) % skipCount;\n              subscriber.next(oldValue);\n            }\n          })\n        );\n',
    bug: { from: 'next = (next + 1) % skipCount;', to: 'next = (seen + 1) % skipCount;' },
  },
  // ---- ollama 0.6.3 (TypeScript) ----
  {
    id: 'ollama-patch-checkok', pkg: 'ollama', path: 'src/utils.ts', kind: 'missing-await',
    change: 'a PATCH helper beside post and del',
    find: '/**\n * Parses a ReadableStream',
    clean: '/**\n * Sends a PATCH request with a JSON body.\n */\nexport const patch = async (\n  fetch: Fetch,\n  host: string,\n  data?: Record<string, unknown>,\n  options?: { headers?: HeadersInit },\n): Promise<Response> => {\n  const response = await fetchWithHeaders(fetch, host, {\n    method: \'PATCH\',\n    body: JSON.stringify(data),\n    headers: options?.headers,\n  })\n\n  await checkOk(response)\n\n  return response\n}\n\n/**\n * Parses a ReadableStream',
    bug: { from: '  await checkOk(response)\n\n  return response\n}\n\n/**\n * Parses', to: '  checkOk(response)\n\n  return response\n}\n\n/**\n * Parses' },
  },
  {
    id: 'ollama-custom-headers-set', pkg: 'ollama', path: 'src/utils.ts', kind: 'wrong-variable',
    change: 'custom headers filtered through a set of lower-cased default header names',
    find: '  const customHeaders = Object.fromEntries(\n    Object.entries(options.headers).filter(\n      ([key]) =>\n        !Object.keys(defaultHeaders).some(\n          (defaultKey) => defaultKey.toLowerCase() === key.toLowerCase(),\n        ),\n    ),\n  )\n',
    clean: '  const defaultKeys = new Set(\n    Object.keys(defaultHeaders).map((key) => key.toLowerCase()),\n  )\n  const customHeaders = Object.fromEntries(\n    Object.entries(options.headers).filter(\n      ([key]) => !defaultKeys.has(key.toLowerCase()),\n    ),\n  )\n',
    bug: { from: '([key]) => !defaultKeys.has(key.toLowerCase()),', to: '([key, value]) => !defaultKeys.has(value.toLowerCase()),' },
  },
  {
    id: 'ollama-request-timeout', pkg: 'ollama', path: 'src/browser.ts', kind: 'resource-leak',
    change: 'a streamed request gives up after a timeout while waiting for the response',
    find: '      const abortController = new AbortController()\n      const response = await utils.post(this.fetch, host, request, {\n        signal: abortController.signal,\n        headers: this.config.headers\n      })\n',
    clean: '      const abortController = new AbortController()\n      const timer = setTimeout(() => abortController.abort(), 5 * 60 * 1000)\n      let response: Response\n      try {\n        response = await utils.post(this.fetch, host, request, {\n          signal: abortController.signal,\n          headers: this.config.headers\n        })\n      } finally {\n        clearTimeout(timer)\n      }\n',
    bug: { from: '        })\n      } finally {\n        clearTimeout(timer)\n      }\n', to: '        })\n        clearTimeout(timer)\n      } catch (error) {\n        throw error\n      }\n' },
    at: '        clearTimeout(timer)\n      } catch (error) {',
  },
  {
    id: 'ollama-encode-image-loop', pkg: 'ollama', path: 'src/browser.ts', kind: 'off-by-one',
    change: 'encodeImage builds the byte string in chunks',
    find: '    let byteString = \'\';\n    const len = uint8Array.byteLength;\n    for (let i = 0; i < len; i++) {\n      byteString += String.fromCharCode(uint8Array[i]);\n    }\n',
    clean: '    const chunks: string[] = [];\n    const len = uint8Array.byteLength;\n    for (let i = 0; i < len; i += 0x8000) {\n      chunks.push(String.fromCharCode(...uint8Array.subarray(i, i + 0x8000)));\n    }\n    const byteString = chunks.join(\'\');\n',
    bug: { from: 'for (let i = 0; i < len; i += 0x8000) {', to: 'for (let i = 1; i < len; i += 0x8000) {' },
  },
  {
    id: 'ollama-encode-images-helper', pkg: 'ollama', path: 'src/browser.ts', kind: 'missing-await',
    change: 'images of chat messages encoded through one helper',
    find: '        if (message.images) {\n          message.images = await Promise.all(\n            message.images.map(this.encodeImage.bind(this)),\n          )\n        }\n',
    clean: '        if (message.images) {\n          message.images = await this.encodeImages(message.images)\n        }\n',
    bug: { from: 'message.images = await this.encodeImages(message.images)', to: 'message.images = this.encodeImages(message.images) as any' },
    also: [{ find: '  generate(\n    request: GenerateRequest & { stream: true },', replace: '  private async encodeImages(images: (Uint8Array | string)[]): Promise<string[]> {\n    return Promise.all(images.map((image) => this.encodeImage(image)))\n  }\n\n  generate(\n    request: GenerateRequest & { stream: true },' }],
  },
  // ---- semver 7.7.2 (JavaScript, CommonJS) ----
  {
    id: 'semver-max-satisfying-compare', pkg: 'semver', path: 'ranges/max-satisfying.js', kind: 'swapped-arguments',
    change: 'maxSatisfying compares through compare() instead of a SemVer per candidate',
    find: '      if (!max || maxSV.compare(v) === -1) {\n        // compare(max, v, true)\n        max = v\n        maxSV = new SemVer(max, options)\n      }\n',
    clean: '      if (!max || compare(max, v, options) < 0) {\n        max = v\n      }\n',
    bug: { from: 'compare(max, v, options) < 0', to: 'compare(v, max, options) < 0' },
    also: [{ find: 'const SemVer = require(\'../classes/semver\')\n', replace: 'const compare = require(\'../functions/compare\')\n' }],
  },
  {
    id: 'semver-inc-release-type', pkg: 'semver', path: 'functions/inc.js', kind: 'inverted-condition',
    change: 'inc returns null for a release type that is not a string',
    find: '  try {\n    return new SemVer(',
    clean: '  if (typeof release !== \'string\') {\n    return null\n  }\n\n  try {\n    return new SemVer(',
    bug: { from: 'if (typeof release !== \'string\') {', to: 'if (typeof release === \'string\') {' },
  },
  {
    id: 'semver-diff-parts-loop', pkg: 'semver', path: 'functions/diff.js', kind: 'wrong-variable',
    change: 'diff checks major, minor and patch in one loop',
    find: '  if (v1.major !== v2.major) {\n    return prefix + \'major\'\n  }\n\n  if (v1.minor !== v2.minor) {\n    return prefix + \'minor\'\n  }\n\n  if (v1.patch !== v2.patch) {\n    return prefix + \'patch\'\n  }\n',
    clean: '  for (const part of [\'major\', \'minor\', \'patch\']) {\n    if (v1[part] !== v2[part]) {\n      return prefix + part\n    }\n  }\n',
    bug: { from: 'if (v1[part] !== v2[part]) {', to: 'if (v1[part] !== v1[part]) {' },
  },
  {
    id: 'semver-prerelease-tag', pkg: 'semver', path: 'functions/prerelease.js', kind: 'null-dereference',
    change: 'prerelease.tag: the first prerelease identifier as a string',
    find: 'module.exports = prerelease\n',
    clean: '\n// The first prerelease identifier as a string (\'beta\' of 1.2.3-beta.4), or null.\nprerelease.tag = (version, options) => {\n  const parsed = parse(version, options)\n  if (!parsed || !parsed.prerelease.length) {\n    return null\n  }\n  return String(parsed.prerelease[0])\n}\nmodule.exports = prerelease\n',
    bug: { from: 'if (!parsed || !parsed.prerelease.length) {', to: 'if (!parsed.prerelease.length) {' },
  },
  {
    id: 'semver-compare-identifiers-cache', pkg: 'semver', path: 'internal/identifiers.js', kind: 'wrong-operator',
    change: 'compareIdentifiers reads each identifier once and compares numbers as numbers',
    find: '  return a === b ? 0\n    : (anum && !bnum) ? -1\n    : (bnum && !anum) ? 1\n    : a < b ? -1\n    : 1\n',
    clean: '  if (a === b) {\n    return 0\n  }\n  if (anum !== bnum) {\n    // numeric identifiers have lower precedence than alphanumeric ones\n    return anum ? -1 : 1\n  }\n  return a < b ? -1 : 1\n',
    bug: { from: 'return anum ? -1 : 1', to: 'return anum ? 1 : -1' },
  },
  // ---- express 4.21.2 (JavaScript, CommonJS) ----
  {
    id: 'express-view-lookup-roots', pkg: 'express', path: 'lib/view.js', kind: 'off-by-one',
    change: 'View.lookup logs each root it tries',
    find: '  for (var i = 0; i < roots.length && !path; i++) {\n    var root = roots[i];\n',
    clean: '  for (var i = 0; i < roots.length && !path; i++) {\n    var root = roots[i];\n    debug(\'lookup "%s" in root %d of %d: "%s"\', name, i + 1, roots.length, root);\n',
    bug: { from: 'for (var i = 0; i < roots.length && !path; i++) {', to: 'for (var i = 0; i <= roots.length && !path; i++) {' },
  },
  {
    id: 'express-accept-quality', pkg: 'express', path: 'lib/utils.js', kind: 'wrong-variable',
    change: 'acceptParams ignores a quality that is not a number',
    find: '    if (\'q\' === pms[0]) {\n      ret.quality = parseFloat(pms[1]);\n    } else {\n',
    clean: '    if (\'q\' === pms[0]) {\n      var quality = parseFloat(pms[1]);\n      ret.quality = isNaN(quality) ? 1 : quality;\n    } else {\n',
    bug: { from: 'var quality = parseFloat(pms[1]);', to: 'var quality = parseFloat(pms[0]);' },
  },
  {
    id: 'express-view-sniff-fd', pkg: 'express', path: 'lib/view.js', kind: 'resource-leak',
    change: 'View.prototype.startsWithBom: read a template\'s first bytes',
    find: '/**\n * Return a stat, maybe.',
    clean: '/**\n * True when the template at `path` starts with a UTF-8 byte order mark.\n *\n * @param {string} path\n * @private\n */\n\nView.prototype.startsWithBom = function startsWithBom(path) {\n  var fd = fs.openSync(path, \'r\');\n  try {\n    var head = Buffer.alloc(3);\n    var n = fs.readSync(fd, head, 0, 3, 0);\n    return n === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;\n  } finally {\n    fs.closeSync(fd);\n  }\n};\n\n/**\n * Return a stat, maybe.',
    bug: {
      from: '  try {\n    var head = Buffer.alloc(3);\n    var n = fs.readSync(fd, head, 0, 3, 0);\n    return n === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;\n  } finally {\n    fs.closeSync(fd);\n  }\n',
      to: '  var head = Buffer.alloc(3);\n  var n = fs.readSync(fd, head, 0, 3, 0);\n  if (n < 3) {\n    return false;\n  }\n  fs.closeSync(fd);\n  return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;\n',
    },
    at: '  if (n < 3) {\n    return false;\n  }\n  fs.closeSync(fd);',
  },
  {
    id: 'express-etag-none', pkg: 'express', path: 'lib/utils.js', kind: 'wrong-variable',
    change: 'compileETag accepts \'none\' as a synonym of false',
    find: '    case false:\n      break;\n',
    clean: '    case false:\n    case \'none\':\n      break;\n',
    bug: { from: '    case \'none\':\n      break;\n', to: '    case \'none\':\n      fn = exports.etag;\n      break;\n' },
    at: '    case \'none\':\n      fn = exports.etag;',
  },
  // ---- markdown-it 14.1.0 (JavaScript, ES modules) ----
  {
    id: 'markdown-it-label-nesting', pkg: 'markdown-it', path: 'lib/helpers/parse_link_label.mjs', kind: 'lost-state',
    change: 'parseLinkLabel gives up on labels nested too deeply',
    find: '        // increase level if we find text `[`, which is not a part of any token\n        level++\n',
    clean: '        // increase level if we find text `[`, which is not a part of any token\n        level++\n        if (level > 32) {\n          state.pos = oldPos\n          return -1\n        }\n',
    bug: { from: '        if (level > 32) {\n          state.pos = oldPos\n          return -1\n        }\n', to: '        if (level > 32) {\n          return -1\n        }\n' },
    at: '        if (level > 32) {\n          return -1',
  },
  {
    id: 'markdown-it-entity-ranges', pkg: 'markdown-it', path: 'lib/common/utils.mjs', kind: 'wrong-operator',
    change: 'isValidEntityCode checks control codes through a table of ranges',
    find: '  // control codes\n  if (c >= 0x00 && c <= 0x08) { return false }\n  if (c === 0x0B) { return false }\n  if (c >= 0x0E && c <= 0x1F) { return false }\n  if (c >= 0x7F && c <= 0x9F) { return false }\n',
    clean: '  // control codes\n  for (const [from, to] of CONTROL_CODES) {\n    if (c >= from && c <= to) { return false }\n  }\n',
    bug: { from: 'if (c >= from && c <= to) { return false }', to: 'if (c >= from || c <= to) { return false }' },
    also: [{ find: 'function isValidEntityCode (c) {', replace: '// Control codes that are not valid in a numeric character reference.\nconst CONTROL_CODES = [[0x00, 0x08], [0x0B, 0x0B], [0x0E, 0x1F], [0x7F, 0x9F]]\n\nfunction isValidEntityCode (c) {' }],
  },
  {
    id: 'markdown-it-code-trailing', pkg: 'markdown-it', path: 'lib/rules_block/code.mjs', kind: 'off-by-one',
    change: 'an indented code block keeps the line count of its last non-empty line explicitly',
    find: '    if (state.sCount[nextLine] - state.blkIndent >= 4) {\n      nextLine++\n      last = nextLine\n      continue\n    }\n',
    clean: '    if (state.sCount[nextLine] - state.blkIndent >= 4) {\n      // the block ends after the last indented line, never after blank ones\n      last = ++nextLine\n      continue\n    }\n',
    bug: { from: 'last = ++nextLine', to: 'last = nextLine++' },
  },
];
