import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeFromShow, parseParameterSize } from '../../src/core/model/describe';
import { AUTO_NUM_CTX_CAP, decideNumCtx, UNKNOWN_TRAINED_NUM_CTX } from '../../src/core/model/numCtx';
import { PromptBudget, TokenEstimator } from '../../src/core/model/tokens';
import { commonPrefixLength, looksTruncated, reusablePrefixTokens, buildMetrics, formatMetrics } from '../../src/core/model/metrics';
import { compareVersions } from '../../src/core/doctor';

const gemmaShow = (params: number, ctx: number) => ({
  capabilities: ['completion', 'tools', 'thinking', 'vision'],
  details: { family: 'gemma4', parameter_size: `${(params / 1e9).toFixed(1)}B`, quantization_level: 'Q4_K_M' },
  model_info: { 'general.architecture': 'gemma4', 'gemma4.context_length': ctx, 'general.parameter_count': params, 'gemma4.attention.sliding_window': 512 },
});

describe('describeFromShow: decisions from metadata, never from names', () => {
  it('small Gemma 4 (E4B, 8B total parameters) uses the small format', () => {
    const d = describeFromShow('anything-at-all', gemmaShow(8e9, 131072));
    assert.equal(d.promptFormat, 'gemma4-small');
    assert.equal(d.contextLength, 131072);
    assert.equal(d.slidingWindow, 512);
    assert.ok(d.thinking);
    assert.ok(!d.insert);
  });
  it('large Gemma 4 (26B) uses the large format even under an odd name', () => {
    assert.equal(describeFromShow('my-custom:tag', gemmaShow(25.8e9, 262144)).promptFormat, 'gemma4-large');
  });
  it('a FIM model is recognised by its insert capability', () => {
    const d = describeFromShow('qwen2.5-coder:1.5b', {
      capabilities: ['completion', 'insert'],
      details: { family: 'qwen2', parameter_size: '1.5B' },
      model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 },
    });
    assert.ok(d.insert);
    assert.ok(!d.thinking);
    assert.equal(d.promptFormat, 'generic');
    assert.equal(d.parameterCount, 1.5e9);
  });
  it('missing metadata leaves the context length unknown', () => {
    const d = describeFromShow('x', {});
    assert.equal(d.contextLength, undefined);
    assert.deepEqual(d.capabilities, []);
  });
  it('parses parameter sizes', () => {
    assert.equal(parseParameterSize('8.0B'), 8e9);
    assert.equal(parseParameterSize('567M'), 5.67e8);
    assert.equal(parseParameterSize('big'), undefined);
  });
});

describe('decideNumCtx', () => {
  it('auto: the trained length capped', () => {
    assert.equal(decideNumCtx('auto', 131072).numCtx, AUTO_NUM_CTX_CAP);
    assert.equal(decideNumCtx('auto', 8192).numCtx, 8192);
  });
  it('auto with an unknown trained length: a conservative window, explained', () => {
    const d = decideNumCtx('auto', undefined);
    assert.equal(d.numCtx, UNKNOWN_TRAINED_NUM_CTX);
    assert.match(d.note ?? '', /does not report/);
  });
  it('a number: that number, capped at the trained length with a note', () => {
    assert.equal(decideNumCtx(65536, 262144).numCtx, 65536);
    const capped = decideNumCtx(300000, 131072);
    assert.equal(capped.numCtx, 131072);
    assert.match(capped.note ?? '', /above the model's trained length/);
  });
});

describe('TokenEstimator and PromptBudget', () => {
  it('starts conservative (overestimates ordinary code)', () => {
    const e = new TokenEstimator();
    const code = 'function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(20);
    assert.ok(e.estimate(code) > code.length / 4, 'a 4-chars-per-token text must not be underestimated');
  });
  it('calibrates toward the server\'s counts, ignoring tiny prompts', () => {
    const e = new TokenEstimator();
    e.calibrate(100, 50);
    assert.equal(e.ratio, 3.0);
    for (let i = 0; i < 10; i++) e.calibrate(4000, 1000);
    assert.ok(Math.abs(e.ratio - 4) < 0.1, `ratio ${e.ratio}`);
  });
  it('the budget leaves room for the output', () => {
    const b = new PromptBudget(4096, new TokenEstimator());
    assert.equal(b.maxPromptTokens(1024), 3072);
    assert.ok(b.fits(3072, 1024));
    assert.ok(!b.fits(3073, 1024));
  });
});

describe('prefix-cache and truncation arithmetic', () => {
  const est = (t: string) => Math.ceil(t.length / 4);
  it('common prefix', () => {
    assert.equal(commonPrefixLength('abcdef', 'abcxyz'), 3);
    assert.equal(commonPrefixLength('', 'a'), 0);
  });
  it('a change in the tail is reusable; with a sliding window a change far back is not', () => {
    const stable = 'S'.repeat(40000);
    const prev = `${stable}tail-one`;
    const next = `${stable}tail-two`;
    assert.ok(reusablePrefixTokens(prev, next, est, 512) >= 10000);
    const early = `x${prev.slice(1)}`;
    assert.equal(reusablePrefixTokens(prev, early, est, 512), 0);
    assert.equal(reusablePrefixTokens(prev, early, est, undefined), 0);
    const mid = `${stable.slice(0, 20000)}CHANGED${stable.slice(20000)}tail`;
    assert.equal(reusablePrefixTokens(prev, mid, est, 512), 0, 'first change ~5000 tokens before the end: full re-prefill');
    assert.equal(reusablePrefixTokens(prev, mid, est, undefined), 5000, 'without a sliding window the prefix is reused');
  });
  it('looksTruncated: far fewer tokens processed than sent', () => {
    assert.ok(looksTruncated(7000, 2100));
    assert.ok(looksTruncated(20000, 11000));
    assert.ok(!looksTruncated(3000, 2900));
    assert.ok(!looksTruncated(3000, 2300), 'an uncalibrated estimate is up to a third high: not truncation');
    assert.ok(!looksTruncated(400, 100), 'small prompts are never called truncated');
    assert.ok(!looksTruncated(7000, undefined));
  });
  it('metrics from the server counters (ns → ms already done by the backend)', () => {
    const m = buildMetrics({ id: 1, feature: 'completion', model: 'm', route: 'generate', numCtx: 8192, clientPromptTokens: 1000, reusableTokens: 900, queueMs: 2, ttftMs: 120, totalMs: 900, stats: { promptEvalCount: 980, promptEvalMs: 50, evalCount: 40, evalMs: 800, doneReason: 'stop' } });
    assert.equal(m.decodeTokensPerSec, 50);
    assert.equal(m.prefillTokensPerSec, 19600);
    assert.equal(m.cacheHitEstimate, 0.9);
    assert.equal(m.truncated, false);
    assert.match(formatMetrics(m), /#1 completion generate m num_ctx=8192 prompt=1000est\/980srv cache≈90% .* ttft=120ms .* decode=50\.0tok\/s/);
  });
});

describe('compareVersions', () => {
  it('orders numerically and ignores pre-release tags', () => {
    assert.ok(compareVersions('0.33.0-rc2', '0.30.0') > 0);
    assert.ok(compareVersions('0.9.0', '0.30.0') < 0);
    assert.equal(compareVersions('v0.30.0', '0.30'), 0);
  });
});
