import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { featuresStatusView, RESTRICTED_MODE_NOTE, statusView } from '../../src/vscode/statusView';
import { classifyServerError, unreachableError } from '../../src/core/errors';
import { describeFromShow } from '../../src/core/model/describe';
import { COMMANDS } from '../../src/vscode/ids';

const url = 'http://127.0.0.1:11434';
const description = describeFromShow('gemma4:e4b', { capabilities: ['completion', 'thinking'], model_info: { 'general.architecture': 'gemma4', 'gemma4.context_length': 131072 } });

describe('status bar view', () => {
  it('connected: the model, a click to choose another', () => {
    const v = statusView({ kind: 'connected', model: 'gemma4:e4b', version: '0.33.0', description, numCtx: 32768 }, url, { busy: false });
    assert.equal(v.text, '$(check) gemma4:e4b');
    assert.equal(v.label, `Hearth: connected to ${url}, model gemma4:e4b`);
    assert.match(v.tooltip, /num_ctx 32768/);
    assert.equal(v.command, COMMANDS.statusMenu);
  });
  it('working while a request is in flight', () => {
    const v = statusView({ kind: 'connected', model: 'gemma4:e4b', version: '0.33.0', description, numCtx: 32768 }, url, { busy: true });
    assert.equal(v.text, '$(sync~spin) gemma4:e4b');
  });
  it('unreachable: says where and how to fix it', () => {
    const v = statusView({ kind: 'unreachable', model: 'gemma4:e4b', error: unreachableError(url, 'ECONNREFUSED') }, url, { busy: false });
    assert.equal(v.text, '$(debug-disconnect) Hearth: unreachable');
    assert.match(v.label, /^Hearth: Cannot reach Ollama at http:\/\/127\.0\.0\.1:11434 \(ECONNREFUSED\)\. Start Ollama/);
    assert.equal(v.command, COMMANDS.doctor);
    assert.ok(v.warning);
  });
  it('model missing: offers the pull', () => {
    const err = classifyServerError({ status: 404, message: "model 'gemma4:e4b' not found", url, model: 'gemma4:e4b' });
    const v = statusView({ kind: 'modelMissing', model: 'gemma4:e4b', version: '0.33.0', error: err }, url, { busy: false });
    assert.equal(v.text, '$(warning) gemma4:e4b missing');
    assert.equal(v.command, COMMANDS.pullModel);
    assert.match(v.label, /Pull Model/);
  });
});

describe('status bar view: completion states', () => {
  const connected = { kind: 'connected' as const, model: 'gemma4:e4b', version: '0.33.0', description, numCtx: 32768 };
  it('paused wins over working and slow', () => {
    const v = statusView(connected, url, { busy: true, paused: true, slowMs: 4000 });
    assert.equal(v.text, '$(debug-pause) gemma4:e4b');
    assert.match(v.label, /paused/);
    assert.equal(v.command, COMMANDS.statusMenu);
  });
  it('slow: the measured median and what to do about it', () => {
    const v = statusView(connected, url, { busy: false, slowMs: 3210.4 });
    assert.equal(v.text, '$(watch) gemma4:e4b');
    assert.match(v.tooltip, /3210 ms \(median\)/);
    assert.match(v.tooltip, /smaller model .*gemma4:e2b|hearth\.completion\.contextTokens/);
  });
  it('an outage wins over everything', () => {
    const v = statusView({ kind: 'unreachable', model: 'gemma4:e4b', error: unreachableError(url) }, url, { busy: true, paused: true, slowMs: 4000 });
    assert.equal(v.text, '$(debug-disconnect) Hearth: unreachable');
  });
});

describe('status bar view: Restricted Mode', () => {
  const connected = { kind: 'connected' as const, model: 'gemma4:e4b', version: '0.33.0', description, numCtx: 32768 };
  it('a shield in the text, and what is off in the tooltip and the accessible label', () => {
    const v = statusView(connected, url, { busy: false, restricted: true });
    assert.equal(v.text, '$(shield) $(check) gemma4:e4b');
    assert.equal(v.label, `Hearth: connected to ${url}, model gemma4:e4b. ${RESTRICTED_MODE_NOTE}`);
    assert.ok(v.tooltip.startsWith('Hearth — gemma4:e4b on Ollama 0.33.0'), 'the connection comes first');
    assert.ok(v.tooltip.endsWith(`\n\n${RESTRICTED_MODE_NOTE}`));
    assert.equal(v.command, COMMANDS.statusMenu);
  });
  it('says what is off: index, git, workspace settings, generated code; and how to turn it on', () => {
    for (const what of [/^Restricted Mode:/, /no repository index or git/, /settings for models and sizes ignored/, /server and headers come only from your user settings/, /generated code never runs/, /Trust the folder/]) {
      assert.match(RESTRICTED_MODE_NOTE, what);
    }
  });
  it('kept in every connection state, after the state itself', () => {
    const down = statusView({ kind: 'unreachable', model: 'gemma4:e4b', error: unreachableError(url) }, url, { busy: false, restricted: true });
    assert.equal(down.text, '$(shield) $(debug-disconnect) Hearth: unreachable');
    assert.match(down.label, /^Hearth: Cannot reach Ollama/);
    assert.ok(down.label.endsWith(RESTRICTED_MODE_NOTE));
    assert.doesNotMatch(down.label, /\.\. /, 'one full stop between the state and the note');
    assert.equal(down.command, COMMANDS.doctor);
    const paused = statusView(connected, url, { busy: false, paused: true, restricted: true });
    assert.equal(paused.text, '$(shield) $(debug-pause) gemma4:e4b');
  });
  it('a trusted workspace shows no shield and no note', () => {
    const v = statusView(connected, url, { busy: false, restricted: false });
    assert.equal(v.text, '$(check) gemma4:e4b');
    assert.ok(!v.tooltip.includes('Restricted Mode'));
    assert.ok(!v.label.includes('Restricted Mode'));
  });
});

describe('status bar view: each feature\'s model', () => {
  const e2b = describeFromShow('gemma4:e2b', { capabilities: ['completion'], model_info: { 'general.architecture': 'gemma4', 'gemma4.context_length': 131072 } });
  const ready = { kind: 'connected' as const, model: 'gemma4:e2b', version: '0.33.0', description: e2b, numCtx: 32768 };
  const missing = { kind: 'modelMissing' as const, model: 'gemma4:31b', version: '0.33.0', error: classifyServerError({ status: 404, message: "model 'gemma4:31b' not found", url, model: 'gemma4:31b' }) };

  it('one feature: the item is that feature\'s model, the tooltip says which setting chose it', () => {
    const v = featuresStatusView([{ feature: 'completion', modelSetting: 'hearth.completion.model', state: ready }], url, { busy: false });
    assert.equal(v.text, '$(check) gemma4:e2b');
    assert.equal(v.label, `Hearth: connected to ${url}, model gemma4:e2b`);
    assert.ok(v.tooltip.endsWith('\n\nInline completions: gemma4:e2b (hearth.completion.model), ready'), v.tooltip);
    assert.ok(!v.warning);
  });
  it('a feature whose model is missing leads, and the label says what each feature has', () => {
    const v = featuresStatusView([
      { feature: 'completion', modelSetting: 'hearth.completion.model', state: ready },
      { feature: 'review', modelSetting: 'hearth.model', state: missing },
    ], url, { busy: false });
    assert.equal(v.text, '$(warning) gemma4:31b missing');
    assert.equal(v.command, COMMANDS.pullModel);
    assert.ok(v.warning);
    assert.match(v.label, /Inline completions: gemma4:e2b \(hearth\.completion\.model\), ready; Review: gemma4:31b \(hearth\.model\), not installed\.$/);
    assert.match(v.tooltip, /\n\nInline completions: gemma4:e2b \(hearth\.completion\.model\), ready\nReview: gemma4:31b \(hearth\.model\), not installed$/);
  });
  it('all well: the first feature leads; pause and slowness still show', () => {
    const both = [
      { feature: 'completion' as const, modelSetting: 'hearth.completion.model', state: ready },
      { feature: 'review' as const, modelSetting: 'hearth.model', state: { ...ready, model: 'gemma4:26b' } },
    ];
    assert.equal(featuresStatusView(both, url, { busy: false }).text, '$(check) gemma4:e2b');
    assert.equal(featuresStatusView(both, url, { busy: false, paused: true }).text, '$(debug-pause) gemma4:e2b');
  });
  it('Restricted Mode: the note comes last, after the models', () => {
    const v = featuresStatusView([{ feature: 'completion', modelSetting: 'hearth.model', state: ready }], url, { busy: false, restricted: true });
    assert.equal(v.text, '$(shield) $(check) gemma4:e2b');
    assert.ok(v.tooltip.endsWith(`Inline completions: gemma4:e2b (hearth.model), ready\n\n${RESTRICTED_MODE_NOTE}`));
  });
});
