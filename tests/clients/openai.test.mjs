// The official `openai` npm client against suanli's OpenAI-compatible /v1 API.
// Random weights: assert protocol, shapes, counts, determinism and errors, never wording.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { NotFoundError, BadRequestError } from 'openai';
import { startServer, l2norm, isCount, CHAT_MODEL, EMBED_MODEL, EMBED_DIM, thrown } from './harness.mjs';

const T = { timeout: 60_000 };
const MAX_TOKENS = 8;
const MESSAGES = [{ role: 'user', content: 'hello' }];

function assertUsage(u, label) {
  assert.ok(u, `${label}: no usage`);
  assert.ok(isCount(u.prompt_tokens) && u.prompt_tokens > 0, `${label}: prompt_tokens = ${u.prompt_tokens}`);
  assert.ok(isCount(u.completion_tokens) && u.completion_tokens >= 1 && u.completion_tokens <= MAX_TOKENS,
    `${label}: completion_tokens = ${u.completion_tokens}`);
  assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens, `${label}: total_tokens`);
}

describe('openai', () => {
  let server;
  let client;
  before(async () => {
    server = await startServer();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'suanli', maxRetries: 0 });
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  it('models.list() and models.retrieve() show the local models', T, async () => {
    const ids = [];
    for await (const m of client.models.list()) {
      assert.equal(m.object, 'model');
      assert.ok(Number.isInteger(m.created), `created = ${m.created}`);
      assert.equal(m.owned_by, 'library');
      ids.push(m.id);
    }
    assert.deepEqual(ids.sort(), [`${CHAT_MODEL}:latest`, `${EMBED_MODEL}:latest`]);
    const one = await client.models.retrieve(`${CHAT_MODEL}:latest`);
    assert.equal(one.id, `${CHAT_MODEL}:latest`);
  });

  let answer;

  it('chat.completions.create() returns a completion with usage; deterministic', T, async () => {
    const req = { model: CHAT_MODEL, messages: MESSAGES, max_tokens: MAX_TOKENS, temperature: 0, seed: 1 };
    const r = await client.chat.completions.create(req);
    assert.match(r.id, /^chatcmpl-/);
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.model, CHAT_MODEL);
    assert.ok(Number.isInteger(r.created));
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0].message.role, 'assistant');
    assert.equal(typeof r.choices[0].message.content, 'string');
    assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason), `finish_reason = ${r.choices[0].finish_reason}`);
    assertUsage(r.usage, 'usage');
    const again = await client.chat.completions.create(req);
    assert.equal(again.choices[0].message.content, r.choices[0].message.content);
    answer = r;
  });

  it('chat.completions.create({stream}) with include_usage adds up to the same answer', T, async () => {
    assert.ok(answer, 'needs the non-stream test');
    const stream = await client.chat.completions.create({
      model: CHAT_MODEL, messages: MESSAGES, max_tokens: MAX_TOKENS, temperature: 0, seed: 1,
      stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let finish = null;
    let usage = null;
    const ids = new Set();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        text += c.delta?.content ?? '';
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    assert.equal(ids.size, 1, 'one id for the whole stream');
    assert.equal(text, answer.choices[0].message.content);
    assert.equal(finish, answer.choices[0].finish_reason);
    assert.deepEqual(usage, answer.usage);
  });

  it('chat.completions.stream() helper without usage', T, async () => {
    const runner = client.chat.completions.stream({
      model: CHAT_MODEL, messages: MESSAGES, max_tokens: MAX_TOKENS, temperature: 0, seed: 1,
    });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0].message.content, answer.choices[0].message.content);
  });

  it('response_format json_schema gives JSON that fits the schema', T, async () => {
    const r = await client.chat.completions.create({
      model: CHAT_MODEL, messages: MESSAGES, seed: 1, temperature: 1, max_tokens: 200,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'flag', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
      },
    });
    assert.equal(r.choices[0].finish_reason, 'stop', r.choices[0].message.content);
    const parsed = JSON.parse(r.choices[0].message.content);
    assert.equal(typeof parsed.ok, 'boolean');
  });

  it('completions.create() stream and not agree', T, async () => {
    const req = { model: CHAT_MODEL, prompt: 'Once upon a time', max_tokens: MAX_TOKENS, temperature: 0 };
    const r = await client.completions.create(req);
    assert.match(r.id, /^cmpl-/);
    assert.equal(r.object, 'text_completion');
    assertUsage(r.usage, 'usage');
    let text = '';
    for await (const chunk of await client.completions.create({ ...req, stream: true })) {
      text += chunk.choices[0]?.text ?? '';
    }
    assert.equal(text, r.choices[0].text);
  });

  it('embeddings.create() returns normalized vectors (base64 by default in the SDK) and dimensions', T, async () => {
    const r = await client.embeddings.create({ model: EMBED_MODEL, input: ['first', 'second'] });
    assert.equal(r.object, 'list');
    assert.equal(r.data.length, 2);
    for (const [i, d] of r.data.entries()) {
      assert.equal(d.index, i);
      assert.equal(d.embedding.length, EMBED_DIM);
      assert.ok(Math.abs(l2norm(d.embedding) - 1) < 1e-3, `norm = ${l2norm(d.embedding)}`);
    }
    assert.ok(r.usage.prompt_tokens > 0);
    const floats = await client.embeddings.create({ model: EMBED_MODEL, input: 'first', encoding_format: 'float' });
    floats.data[0].embedding.forEach((x, i) => assert.ok(Math.abs(x - r.data[0].embedding[i]) < 1e-6));
    const small = await client.embeddings.create({ model: EMBED_MODEL, input: 'first', dimensions: 16 });
    assert.equal(small.data[0].embedding.length, 16);
  });

  it('an unknown model is a NotFoundError; n: 3 is a BadRequestError naming n', T, async () => {
    const nf = await thrown(() => client.chat.completions.create({ model: 'nope', messages: MESSAGES }));
    assert.ok(nf instanceof NotFoundError, `got ${nf?.constructor?.name}: ${nf?.message}`);
    assert.equal(nf.status, 404);
    const nr = await thrown(() => client.models.retrieve('nope'));
    assert.ok(nr instanceof NotFoundError, `got ${nr?.constructor?.name}`);
    const bad = await thrown(() => client.chat.completions.create({ model: CHAT_MODEL, messages: MESSAGES, n: 3 }));
    assert.ok(bad instanceof BadRequestError, `got ${bad?.constructor?.name}`);
    assert.equal(bad.param, 'n');
    assert.equal(bad.type, 'invalid_request_error');
  });
});
