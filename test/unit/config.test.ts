import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basicAuthorization, hideCredentials, isKeepAlive, modelFor, normalizeServerUrl, parseServerUrl, readConfig, SETTINGS, type SettingValue } from '../../src/core/config';
import { COMMANDS } from '../../src/vscode/ids';
import { contributes } from '../../scripts/manifest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const props: Record<string, { type?: unknown; default: unknown; markdownDescription?: string; anyOf?: unknown }> = pkg.contributes.configuration.properties;

function source(values: Record<string, unknown>): (key: string) => SettingValue {
  return (key) => ({ value: values[key], isSet: key in values });
}

describe('settings: code and package.json agree', () => {
  it('declares exactly the same keys', () => {
    assert.deepEqual(Object.keys(props).sort(), Object.values(SETTINGS).map((s) => s.key).sort());
  });
  for (const spec of Object.values(SETTINGS)) {
    it(`${spec.key}: same default, a description, a compatible type`, () => {
      const p = props[spec.key];
      assert.ok(p, `${spec.key} missing from package.json`);
      assert.deepEqual(p.default, spec.default);
      assert.ok(p.markdownDescription && p.markdownDescription.length > 20, 'needs a markdownDescription');
      assert.equal(p.markdownDescription, spec.markdownDescription);
      if (p.anyOf) assert.deepEqual(spec.type, ['string', 'integer']);
      else assert.deepEqual(p.type, spec.type);
    });
  }
  it('package.json contributes is exactly what the code declares (run `npm run manifest` after a change)', () => {
    assert.deepEqual(pkg.contributes, contributes());
  });
  it('every command id in code is contributed, and the reverse', () => {
    const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
  });
  it('defaults alone give the documented configuration', () => {
    const { config, warnings } = readConfig(source({}));
    assert.deepEqual(warnings, []);
    assert.equal(config.serverUrl, 'http://127.0.0.1:11434');
    assert.equal(config.model, 'gemma4:e4b');
    assert.equal(config.contextSize, 'auto');
    assert.equal(config.keepAlive, '30m');
    assert.equal(config.parallelRequests, 1);
    assert.deepEqual(config.requestHeaders, {});
  });
});

describe('readConfig', () => {
  it('honours OLLAMA_HOST only while hearth.serverUrl is unset', () => {
    assert.equal(readConfig(source({}), { OLLAMA_HOST: '0.0.0.0:11500' }).config.serverUrl, 'http://127.0.0.1:11500');
    assert.equal(readConfig(source({ 'hearth.serverUrl': 'http://gpu-box:11434' }), { OLLAMA_HOST: '0.0.0.0:11500' }).config.serverUrl, 'http://gpu-box:11434');
    // A user who explicitly wrote the default still gets it, not the environment.
    assert.equal(readConfig(source({ 'hearth.serverUrl': 'http://127.0.0.1:11434' }), { OLLAMA_HOST: 'other:1' }).config.serverUrl, 'http://127.0.0.1:11434');
  });
  it('per-feature models fall back to hearth.model', () => {
    const { config } = readConfig(source({ 'hearth.model': 'gemma4:26b', 'hearth.completion.model': 'gemma4:e2b' }));
    assert.equal(modelFor(config, 'completion'), 'gemma4:e2b');
    assert.equal(modelFor(config, 'review'), 'gemma4:26b');
    assert.equal(modelFor(config, 'tests'), 'gemma4:26b');
  });
  it('bad values fall back to defaults with a warning naming the key', () => {
    const { config, warnings } = readConfig(source({
      'hearth.serverUrl': 'ftp://x', 'hearth.contextSize': 100, 'hearth.keepAlive': 'forever',
      'hearth.parallelRequests': 0, 'hearth.requestHeaders': { 'bad header': 'x', Authorization: 'Bearer t' },
    }));
    assert.equal(config.serverUrl, 'http://127.0.0.1:11434');
    assert.equal(config.contextSize, 'auto');
    assert.equal(config.keepAlive, '30m');
    assert.equal(config.parallelRequests, 1);
    assert.deepEqual(config.requestHeaders, { Authorization: 'Bearer t' });
    const keys = warnings.map((w) => w.key).sort();
    assert.deepEqual(keys, ['hearth.contextSize', 'hearth.keepAlive', 'hearth.parallelRequests', 'hearth.requestHeaders', 'hearth.serverUrl']);
  });
  it('accepts a numeric context size given as number or digits', () => {
    assert.equal(readConfig(source({ 'hearth.contextSize': 16384 })).config.contextSize, 16384);
    assert.equal(readConfig(source({ 'hearth.contextSize': '65536' })).config.contextSize, 65536);
  });
});

describe('normalizeServerUrl (OLLAMA_HOST rules)', () => {
  const cases: Array<[string, string]> = [
    ['127.0.0.1', 'http://127.0.0.1:11434'],
    ['localhost:8080', 'http://localhost:8080'],
    [':11500', 'http://127.0.0.1:11500'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['http://gpu-box', 'http://gpu-box:80'],
    ['https://ollama.example.com', 'https://ollama.example.com:443'],
    ['https://ollama.example.com/api-proxy/', 'https://ollama.example.com:443/api-proxy'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['[::1]:9000', 'http://[::1]:9000'],
    ['::1', 'http://[::1]:11434'],
  ];
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(normalizeServerUrl(input), want));
  for (const bad of ['', 'ftp://x', 'host:99999', 'ho st']) it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => normalizeServerUrl(bad)));
});

describe('server addresses: invalid ones and credentials', () => {
  it('an invalid setting warns that the address is invalid, why, and which one is used instead', () => {
    const { config, warnings, invalidServer } = readConfig(source({ 'hearth.serverUrl': 'ftp://gpu-box:11434' }));
    assert.equal(config.serverUrl, 'http://127.0.0.1:11434');
    assert.deepEqual(invalidServer, { source: 'hearth.serverUrl', address: 'ftp://gpu-box:11434', reason: 'the scheme must be http:// or https://' });
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].key, 'hearth.serverUrl');
    assert.equal(warnings[0].message, '"ftp://gpu-box:11434" is not a valid server address (the scheme must be http:// or https://); using http://127.0.0.1:11434 instead');
  });
  it('an invalid OLLAMA_HOST is named as such when it is the address in use, and ignored when the setting wins', () => {
    const bad = readConfig(source({}), { OLLAMA_HOST: 'gpu-box:99999' });
    assert.equal(bad.invalidServer?.source, 'OLLAMA_HOST');
    assert.equal(bad.warnings[0].key, 'OLLAMA_HOST');
    assert.match(bad.warnings[0].message, /"gpu-box:99999" is not a valid server address \(the port must be a number up to 65535\); using http:\/\/127\.0\.0\.1:11434 instead/);
    const overridden = readConfig(source({ 'hearth.serverUrl': 'http://gpu-box:11434' }), { OLLAMA_HOST: 'gpu-box:99999' });
    assert.equal(overridden.invalidServer, undefined);
    assert.deepEqual(overridden.warnings, []);
  });
  it('a valid address reports nothing invalid', () => {
    assert.equal(readConfig(source({ 'hearth.serverUrl': 'http://gpu-box:11434' })).invalidServer, undefined);
  });
  it('credentials in the address become a Basic Authorization header; the URL is used without them', () => {
    const { config, warnings } = readConfig(source({ 'hearth.serverUrl': 'http://admin:pw@gpu-box:11434' }));
    assert.equal(config.serverUrl, 'http://gpu-box:11434');
    assert.deepEqual(config.requestHeaders, { Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` });
    assert.deepEqual(warnings, []);
    const env = readConfig(source({}), { OLLAMA_HOST: 'https://me:s%3Acr%40t@ollama.example.com/proxy/' }).config;
    assert.equal(env.serverUrl, 'https://ollama.example.com:443/proxy');
    assert.equal(env.requestHeaders.Authorization, `Basic ${Buffer.from('me:s:cr@t').toString('base64')}`);
  });
  it('an Authorization header the user set wins over credentials in the address, which are then dropped with a warning', () => {
    const { config, warnings } = readConfig(source({ 'hearth.serverUrl': 'http://admin:pw@gpu-box:11434', 'hearth.requestHeaders': { authorization: 'Bearer t' } }));
    assert.equal(config.serverUrl, 'http://gpu-box:11434');
    assert.deepEqual(config.requestHeaders, { authorization: 'Bearer t' });
    assert.equal(warnings.length, 1);
    assert.ok(!JSON.stringify(warnings).includes('pw'));
  });
  it('an invalid address with credentials never echoes them', () => {
    for (const raw of ['ftp://admin:pw@gpu-box:11434', 'http://admin:pw@gpu-box:99999', 'http://admin:p/w@gpu-box', 'admin:pw@gpu box', 'http://admin:pw%zz@gpu-box']) {
      const { warnings, invalidServer } = readConfig(source({ 'hearth.serverUrl': raw }));
      assert.ok(invalidServer, raw);
      const shown = JSON.stringify({ warnings, invalidServer });
      assert.ok(!shown.includes('pw') && !shown.includes('p/w'), `${raw} → ${shown}`);
      assert.match(invalidServer.address, /\*\*\*@/);
    }
  });
});

describe('parseServerUrl: credentials', () => {
  const cases: Array<[string, string, { username: string; password: string } | undefined]> = [
    ['http://admin:pw@host:11434', 'http://host:11434', { username: 'admin', password: 'pw' }],
    ['admin:pw@host', 'http://host:11434', { username: 'admin', password: 'pw' }],
    ['http://user@host', 'http://host:80', { username: 'user', password: '' }],
    ['http://a:p@ss@[::1]:9000/x', 'http://[::1]:9000/x', { username: 'a', password: 'p@ss' }],
    ['http://%C3%A9:%F0%9F%94%91@host', 'http://host:80', { username: 'é', password: '🔑' }],
    ['http://host/a@b', 'http://host:80/a@b', undefined],
  ];
  for (const [raw, url, credentials] of cases) {
    it(`${raw} → ${url}`, () => assert.deepEqual(parseServerUrl(raw), credentials ? { url, credentials } : { url }));
  }
  it('errors never quote the address', () => {
    for (const raw of ['ftp://admin:secret@x', 'http://admin:secret@x:99999', 'http://admin:se/cret@x', 'http://admin:secret@x?y']) {
      assert.throws(() => parseServerUrl(raw), (e: Error) => !e.message.includes('secret') && !e.message.includes('cret'));
    }
  });
  it('hideCredentials keeps everything but the user name and password', () => {
    assert.equal(hideCredentials('http://admin:pw@host:1'), 'http://***@host:1');
    assert.equal(hideCredentials('admin:p/w@host'), '***@host');
    assert.equal(hideCredentials('http://host:1'), 'http://host:1');
  });
  it('Basic authorization is UTF-8, base64', () => {
    assert.equal(basicAuthorization({ username: 'Aladdin', password: 'open sesame' }), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    assert.equal(basicAuthorization({ username: 'é', password: '🔑' }), `Basic ${Buffer.from('é:🔑').toString('base64')}`);
  });
});

describe('isKeepAlive', () => {
  for (const ok of ['30m', '2h', '1h30m', '300', '-1', '0', '90s']) it(`accepts ${ok}`, () => assert.ok(isKeepAlive(ok)));
  for (const bad of ['forever', '30 m', 'm30', '']) it(`rejects ${JSON.stringify(bad)}`, () => assert.ok(!isKeepAlive(bad)));
});

describe('completion settings', () => {
  it('per-language switch with a "*" default, and a master switch', async () => {
    const { completionEnabledFor } = await import('../../src/core/config');
    const on = readConfig(source({})).config;
    assert.ok(completionEnabledFor(on, 'typescript'));
    assert.ok(!completionEnabledFor(on, 'markdown'), 'markdown is off by default');
    const custom = readConfig(source({ 'hearth.completion.languages': { '*': false, python: true } })).config;
    assert.ok(completionEnabledFor(custom, 'python'));
    assert.ok(!completionEnabledFor(custom, 'go'));
    const off = readConfig(source({ 'hearth.completion.enabled': false })).config;
    assert.ok(!completionEnabledFor(off, 'python'));
  });
  it('bad values warn and fall back', () => {
    const { config, warnings } = readConfig(source({ 'hearth.completion.enabled': 'yes', 'hearth.completion.languages': { go: 'on' }, 'hearth.completion.contextTokens': -1 }));
    assert.equal(config.features.completion.enabled, true);
    assert.equal(config.features.completion.contextTokens, 2048);
    assert.deepEqual(warnings.map((w) => w.key).sort(), ['hearth.completion.contextTokens', 'hearth.completion.enabled', 'hearth.completion.languages']);
  });
});

describe('the configuration: one entry per feature', () => {
  it('each feature has its model, the setting that chose it, and whether it is on; the keys users have stay valid', () => {
    const { config, warnings } = readConfig(source({
      'hearth.model': 'gemma4:26b', 'hearth.completion.model': 'gemma4:e2b', 'hearth.completion.enabled': false,
      'hearth.completion.languages': { go: false }, 'hearth.completion.contextTokens': 512, 'hearth.completion.warmup': false,
    }));
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.features.completion, {
      model: 'gemma4:e2b', modelSetting: 'hearth.completion.model', enabled: false,
      languages: { '*': true, plaintext: false, markdown: false, scminput: false, go: false }, contextTokens: 512, warmup: false, earlyGhostText: false,
    });
    assert.deepEqual(config.features.review, { model: 'gemma4:26b', modelSetting: 'hearth.model', enabled: true, think: true });
    assert.deepEqual(config.features.tests, { model: 'gemma4:26b', modelSetting: 'hearth.model', enabled: true, runTimeoutSeconds: 60 });
  });

  it('hearth.tests.runTimeoutSeconds: 60 by default, within 5..1800', () => {
    assert.equal(readConfig(source({ 'hearth.tests.runTimeoutSeconds': 120 })).config.features.tests.runTimeoutSeconds, 120);
    const wrong = readConfig(source({ 'hearth.tests.runTimeoutSeconds': 1 }));
    assert.equal(wrong.config.features.tests.runTimeoutSeconds, 60);
    assert.deepEqual(wrong.warnings.map((w) => w.key), ['hearth.tests.runTimeoutSeconds']);
  });

  it('hearth.review.think is on by default and can be turned off', () => {
    assert.equal(readConfig(source({ 'hearth.review.think': false })).config.features.review.think, false);
    const wrong = readConfig(source({ 'hearth.review.think': 'yes' }));
    assert.equal(wrong.config.features.review.think, true);
    assert.deepEqual(wrong.warnings.map((w) => w.key), ['hearth.review.think']);
  });

  it('an empty feature model (the default, or blanks) means hearth.model', () => {
    const { config } = readConfig(source({ 'hearth.model': 'gemma4:e4b', 'hearth.review.model': '   ' }));
    assert.equal(config.features.review.model, 'gemma4:e4b');
    assert.equal(config.features.review.modelSetting, 'hearth.model');
  });
});
