import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statusView } from '../../src/vscode/statusView';
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
