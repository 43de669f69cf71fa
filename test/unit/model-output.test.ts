// The output cleanup shared by structured output and (later) the completion shaper, table-driven:
// "the model said X → the answer is Y, the thought is Z".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_TOKENS } from '../../src/core/prompt/neutralize';
import {
  cleanModelOutput, END_OF_TURN_TOKENS, OutputCleaner, THOUGHT_DELIMITERS, type CleanedOutput, type CleanOptions,
} from '../../src/core/text/modelOutput';

interface Row {
  what: string;
  said: string;
  text: string;
  thought?: string;
  endedBy?: string;
  opts?: CleanOptions;
}

const JSON_MODE: CleanOptions = { json: true };

const TABLE: Row[] = [
  { what: 'a clean answer passes unchanged', said: '{"findings": []}', text: '{"findings": []}' },
  { what: 'a clean code answer passes unchanged', said: 'if (a < b) {\n  return a;\n}', text: 'if (a < b) {\n  return a;\n}' },
  // Fences (Ollama #15416: JSON fenced with thinking + format).
  { what: 'a ```json fence around the answer', said: '```json\n{"a": 1}\n```', text: '{"a": 1}\n', endedBy: 'fence' },
  { what: 'a bare ``` fence', said: '```\n{"a": 1}\n```\n', text: '{"a": 1}\n', endedBy: 'fence' },
  { what: 'a ~~~ fence', said: '~~~json\n{"a": 1}\n~~~', text: '{"a": 1}\n', endedBy: 'fence' },
  { what: 'an indented fence, blank lines before it', said: '\n\n  ```json\n  {"a": 1}\n  ```', text: '\n\n  {"a": 1}\n', endedBy: 'fence' },
  { what: 'an opening fence never closed (a cut answer)', said: '```json\n{"a": [1, 2', text: '{"a": [1, 2' },
  { what: 'a closing fence alone after the answer', said: '{"a": 1}\n```', text: '{"a": 1}\n', endedBy: 'fence' },
  { what: 'prose before a fence: the answer ends at the fence (unusable, asked again)', said: 'Here it is:\n```json\n{"a": 1}\n```', text: 'Here it is:\n', endedBy: 'fence' },
  { what: 'backticks inside a line are not a fence', said: '{"code": "```ts"}', text: '{"code": "```ts"}', opts: JSON_MODE },
  { what: 'a fence after a leaked thought', said: '<|channel>thought\nplan<channel|>```json\n{"a": 1}\n```', text: '{"a": 1}\n', thought: 'plan', endedBy: 'fence' },
  // Thought that leaked into the answer.
  { what: 'a Gemma 4 thought block before the answer', said: '<|channel>thought\nThe user wants JSON.<channel|>{"a": 1}', text: '{"a": 1}', thought: 'The user wants JSON.' },
  { what: 'a thought block holding JSON-looking text is never the answer', said: '<|channel>thought\n{"a": 999, "draft": true}<channel|>{"a": 1}', text: '{"a": 1}', thought: '{"a": 999, "draft": true}', opts: JSON_MODE },
  { what: 'only a thought holding JSON: no answer at all', said: '<|channel>thought\n{"a": 999}<channel|>', text: '', thought: '{"a": 999}', opts: JSON_MODE },
  { what: 'a thought left open runs to the end', said: '<|channel>thought\nLet me write {"a": 2} and', text: '', thought: 'Let me write {"a": 2} and', opts: JSON_MODE },
  { what: 'a closer with no opener: everything before it was thinking', said: 'I will answer {"a": 3}.<channel|>{"a": 1}', text: '{"a": 1}', thought: 'I will answer {"a": 3}.', opts: JSON_MODE },
  { what: '<think> tags', said: '<think>hmm</think>\n{"a": 1}', text: '\n{"a": 1}', thought: 'hmm' },
  { what: 'two thought blocks', said: '<think>one</think><|channel>thought\ntwo<channel|>{"a": 1}', text: '{"a": 1}', thought: 'one\ntwo' },
  { what: 'an empty Gemma 4 thought block (large models, thinking off)', said: '<|channel>thought\n<channel|>{"a": 1}', text: '{"a": 1}', thought: '' },
  // Control tokens.
  { what: 'an end-of-turn token ends the answer', said: '{"a": 1}<turn|>\n<|turn>user\nmore', text: '{"a": 1}', endedBy: '<turn|>' },
  { what: '<eos> then noise', said: '{"a": 1}<eos>garbage', text: '{"a": 1}', endedBy: '<eos>' },
  { what: 'an end-of-turn token inside an open thought ends everything', said: '<|channel>thought\nhm<turn|>{"a": 1}', text: '', thought: 'hm', endedBy: '<turn|>' },
  { what: 'a FIM token ends the answer', said: 'x = 1<|fim_suffix|>y', text: 'x = 1', endedBy: '<|fim' },
  { what: 'a stray <bos> or <pad> is dropped', said: '<bos>{"a":<pad> 1}', text: '{"a": 1}' },
  { what: 'Gemma 4\'s tool-call string delimiter is dropped', said: '{"a": 1}<|"|>', text: '{"a": 1}' },
  { what: 'an unknown <|name|> token is dropped', said: '<|unused_token|>{"a": 1}', text: '{"a": 1}' },
  { what: 'a lone < is text', said: 'a < b && c <| d', text: 'a < b && c <| d' },
  // JSON string literals are data.
  { what: 'JSON mode: a quoted end-of-turn token is data', said: '{"message": "never emit <turn|> here"}<turn|>', text: '{"message": "never emit <turn|> here"}', endedBy: '<turn|>', opts: JSON_MODE },
  { what: 'JSON mode: a quoted thought delimiter is data', said: '{"quote": "<|channel>thought\\n<channel|>"}', text: '{"quote": "<|channel>thought\\n<channel|>"}', opts: JSON_MODE },
  { what: 'JSON mode: escaped quotes do not end a string', said: '{"q": "say \\"<eos>\\" now"}', text: '{"q": "say \\"<eos>\\" now"}', opts: JSON_MODE },
  { what: 'not JSON mode: a token inside quotes still ends the text', said: 'const s = "<turn|>";', text: 'const s = "', endedBy: '<turn|>' },
];

describe('cleanModelOutput: the model said X, the answer is Y', () => {
  for (const row of TABLE) {
    it(row.what, () => {
      const out = cleanModelOutput(row.said, row.opts);
      assert.equal(out.text, row.text, 'text');
      assert.equal(out.thought, row.thought ?? '', 'thought');
      assert.equal(out.endedBy, row.endedBy, 'endedBy');
    });
  }

  it('every end-of-turn token ends the answer, in JSON mode too (outside strings)', () => {
    for (const tok of END_OF_TURN_TOKENS) {
      for (const opts of [{}, JSON_MODE]) {
        const out = cleanModelOutput(`{"a": 1}${tok}{"b": 2}`, opts);
        assert.equal(out.text, '{"a": 1}', tok);
        assert.equal(out.endedBy, tok);
      }
    }
  });

  it('every thought delimiter pair moves its content out of the answer', () => {
    for (const d of THOUGHT_DELIMITERS) {
      const out = cleanModelOutput(`${d.open}{"secret": 1}${d.close}{"a": 1}`, JSON_MODE);
      assert.equal(out.text, '{"a": 1}', d.open);
      assert.equal(out.thought, '{"secret": 1}', d.open);
    }
  });

  it('no control token of the neutralizer\'s list survives outside JSON strings', () => {
    for (const tok of CONTROL_TOKENS) {
      const out = cleanModelOutput(`${tok}{"a": 1}`, JSON_MODE).text;
      assert.ok(!out.includes(tok), `${tok} survives: ${JSON.stringify(out)}`);
    }
  });

  it('is linear: a megabyte of markers and backticks is cleaned in well under a second', () => {
    const big = `${'<|pad|>`'.repeat(60_000)}${'a`'.repeat(200_000)}${'{"k": "<turn|>"}'.repeat(20_000)}`;
    const t0 = performance.now();
    cleanModelOutput(big, JSON_MODE);
    cleanModelOutput(big);
    assert.ok(performance.now() - t0 < 1000, `${Math.round(performance.now() - t0)} ms`);
  });
});

/** The same cleanup fed as a stream, in the chunks given: what a sink collects. */
function cleanChunks(chunks: readonly string[], opts: CleanOptions = {}): CleanedOutput {
  let text = '';
  let block = '';
  const thoughts: string[] = [];
  let endedBy: string | undefined;
  const cleaner = new OutputCleaner(
    {
      text: (p) => void (text += p),
      thoughtStart: () => void (block = ''),
      thought: (p) => void (block += p),
      thoughtEnd: (open) => {
        thoughts.push(open === '<|channel>' && block.startsWith('thought\n') ? block.slice(8) : block);
        block = '';
      },
      retract: () => {
        thoughts.push(text);
        text = '';
      },
      end: (by) => void (endedBy = by),
      answerStarted: () => /\S/.test(text),
    },
    opts,
  );
  for (const c of chunks) cleaner.push(c);
  cleaner.finish();
  const thought = thoughts.map((t) => t.trim()).filter((t) => t !== '').join('\n');
  return { text, thought, ...(endedBy !== undefined ? { endedBy } : {}) };
}

describe('OutputCleaner: streamed, a reply cleans the same however it is cut into chunks', () => {
  for (const row of TABLE) {
    it(row.what, () => {
      const whole = cleanModelOutput(row.said, row.opts);
      // One character at a time, and every cut into two chunks (a token or fence split across them).
      const cuts: string[][] = [[...row.said]];
      for (let k = 1; k < row.said.length; k++) cuts.push([row.said.slice(0, k), row.said.slice(k)]);
      for (const chunks of cuts) {
        assert.deepEqual(cleanChunks(chunks, row.opts), whole, JSON.stringify(chunks));
      }
    });
  }

  it('text is passed on as soon as it is decided: nothing waits for the end but a possible token or fence', () => {
    let seen = '';
    const cleaner = new OutputCleaner({ text: (p) => void (seen += p), retract() {}, end() {}, answerStarted: () => seen !== '' });
    cleaner.push('const a = 1;\nconst b <');
    assert.equal(seen, 'const a = 1;\nconst b ');
    cleaner.push('= 2;\n  ``');
    assert.equal(seen, 'const a = 1;\nconst b <= 2;\n', 'blanks and backticks at a line start wait for the line to show a fence');
    cleaner.push('`\nrest');
    assert.equal(seen, 'const a = 1;\nconst b <= 2;\n', 'a closing fence ends the answer');
    assert.equal(cleaner.done, true);
  });

  it('a fence on a line that is not code (the caller says so) is text', () => {
    let seen = '';
    const cleaner = new OutputCleaner({ text: (p) => void (seen += p), retract() {}, end() {}, answerStarted: () => seen !== '', lineInCode: () => false });
    cleaner.push('x\n```\ny');
    cleaner.finish();
    assert.equal(seen, 'x\n```\ny');
  });
});
