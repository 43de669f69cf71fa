// Restricted Mode in the manifest: a cloned repository's .vscode/settings.json can never choose
// where the user's code goes or what is sent with it, and in an untrusted workspace it cannot pick
// models or size the user's server either.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../../src/core/config';
import { MACHINE_SETTINGS, RESOURCE_SETTINGS, RESTRICTED_SETTINGS } from '../../src/vscode/ids';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const props: Record<string, { scope?: string; type?: unknown; markdownDescription?: string }> = pkg.contributes.configuration.properties;
const untrusted: { supported: unknown; description?: string; restrictedConfigurations?: string[] } = pkg.capabilities.untrustedWorkspaces;
const restricted = new Set(untrusted.restrictedConfigurations ?? []);

/** Scopes a workspace or folder settings file can set (`application` and `machine` it cannot). */
const WORKSPACE_SETTABLE = new Set(['window', 'resource', 'language-overridable', 'machine-overridable', undefined]);

/**
 * Judged from the setting itself, not from the lists in ids.ts: anything that names a host, a
 * model, a header or a command, or sizes what the server spends.
 */
function isSensitive(key: string, p: { type?: unknown; markdownDescription?: string }): boolean {
  const name = /url|host|server|model|header|command|path|size|tokens|alive|parallel|timeout|limit|max/i;
  return name.test(key) || (p.type !== 'boolean' && /\b(server|model|header|command)\b/i.test(p.markdownDescription ?? '') && !/\blanguage/i.test(key));
}

describe('Restricted Mode: who may set what', () => {
  it('the server address and the request headers are user (or remote) settings only', () => {
    for (const key of [SETTINGS.serverUrl.key, SETTINGS.requestHeaders.key]) {
      assert.equal(props[key]?.scope, 'machine', `${key} has scope machine`);
      assert.ok(!WORKSPACE_SETTABLE.has(props[key]?.scope), `${key} cannot be set by a workspace`);
    }
  });

  it('every workspace-settable setting that names a host, model, header or size is restricted', () => {
    const settable = Object.entries(props).filter(([, p]) => WORKSPACE_SETTABLE.has(p.scope));
    assert.ok(settable.length > 0);
    for (const [key, p] of settable) {
      if (isSensitive(key, p)) assert.ok(restricted.has(key), `${key} (scope ${p.scope ?? 'default'}) must be in restrictedConfigurations`);
    }
  });

  it('the only settings an untrusted workspace may still set are switches of the editor behaviour', () => {
    const free = Object.entries(props).filter(([key, p]) => WORKSPACE_SETTABLE.has(p.scope) && !restricted.has(key)).map(([key]) => key).sort();
    assert.deepEqual(free, [SETTINGS.completionEnabled.key, SETTINGS.completionLanguages.key].sort());
  });

  it('restrictedConfigurations names only settings that exist and that a workspace could otherwise set', () => {
    for (const key of restricted) {
      assert.ok(props[key], `${key} is a contributed setting`);
      assert.ok(WORKSPACE_SETTABLE.has(props[key].scope), `${key} is workspace-settable, or listing it is pointless`);
    }
  });

  it('the code reads the same lists as the manifest (settings.ts ignores workspace values for these)', () => {
    assert.deepEqual([...restricted].sort(), [...RESTRICTED_SETTINGS].sort());
    assert.deepEqual(Object.entries(props).filter(([, p]) => p.scope === 'machine').map(([k]) => k).sort(), [...MACHINE_SETTINGS].sort());
    assert.deepEqual(Object.entries(props).filter(([, p]) => p.scope === 'resource').map(([k]) => k).sort(), [...RESOURCE_SETTINGS].sort());
  });

  it('the manifest says what Restricted Mode turns off', () => {
    assert.equal(untrusted.supported, 'limited');
    const d = untrusted.description ?? '';
    for (const what of [/index/i, /git/i, /model/i, /server address/i, /header/i, /generated code/i]) assert.match(d, what);
  });
});
