// The official `ollama` npm client (ollama-js) against the real `suanli serve`.
// Random weights: assert protocol, shapes, counts, determinism and errors, never wording.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { startServer, l2norm, isCount, CHAT_MODEL, EMBED_MODEL, EMBED_DIM, thrown } from './harness.mjs';

const T = { timeout: 60_000 };
const GEN_OPTIONS = { temperature: 0, seed: 1, num_predict: 8 };
const DURATIONS = ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'];

/** Final-chunk metrics: durations are integer nanoseconds > 0, counts are integers. */
function assertMetrics(r, label) {
  for (const k of DURATIONS) {
    assert.ok(Number.isInteger(r[k]) && r[k] > 0, `${label}: ${k} = ${r[k]} is not an integer > 0`);
  }
  assert.ok(isCount(r.prompt_eval_count) && r.prompt_eval_count > 0, `${label}: prompt_eval_count = ${r.prompt_eval_count}`);
  assert.ok(isCount(r.eval_count) && r.eval_count >= 1 && r.eval_count <= GEN_OPTIONS.num_predict,
    `${label}: eval_count = ${r.eval_count} not in 1..${GEN_OPTIONS.num_predict}`);
  assert.ok(['stop', 'length'].includes(r.done_reason), `${label}: done_reason = ${r.done_reason}`);
}

function assertTimestamp(s, label) {
  assert.equal(typeof s, 'string', `${label} is not a string`);
  assert.ok(!Number.isNaN(Date.parse(s)), `${label} = ${s} is not a date`);
}

/** Collects a streamed response; checks that only the last chunk is done. */
async function collect(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  assert.ok(chunks.length >= 2, `expected several chunks, got ${chunks.length}`);
  chunks.forEach((c, i) => {
    assert.equal(c.done, i === chunks.length - 1, `chunk ${i} of ${chunks.length}: done = ${c.done}`);
    assertTimestamp(c.created_at, `chunk ${i} created_at`);
  });
  return chunks;
}

function assertNotFound(err, label) {
  assert.equal(err.name, 'ResponseError', `${label}: ${err.name}: ${err.message}`);
  assert.equal(err.status_code, 404, `${label}: status ${err.status_code}: ${err.message}`);
  assert.match(err.message, /not found/, label);
}

describe('ollama-js client', () => {
  let server;
  let ollama;
  before(async () => {
    server = await startServer();
    ollama = new Ollama({ host: server.url });
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  it('version() returns a version string', T, async () => {
    const v = await ollama.version();
    assert.equal(typeof v.version, 'string');
    assert.ok(v.version.length > 0);
  });

  it('list() has both models with details and digests', T, async () => {
    const { models } = await ollama.list();
    assert.ok(Array.isArray(models));
    const expected = { [CHAT_MODEL]: ['qwen2'], [EMBED_MODEL]: ['bert'] };
    for (const [name, [family]] of Object.entries(expected)) {
      const m = models.find((x) => x.name === `${name}:latest`);
      assert.ok(m, `${name}:latest not in ${JSON.stringify(models.map((x) => x.name))}`);
      assert.equal(m.model, m.name);
      assert.match(m.digest, /^[0-9a-f]{64}$/);
      assert.ok(Number.isInteger(m.size) && m.size > 0, `size = ${m.size}`);
      assertTimestamp(m.modified_at, 'modified_at');
      assert.equal(typeof m.details, 'object');
      assert.equal(m.details.format, 'gguf');
      assert.equal(m.details.family, family);
      assert.equal(typeof m.details.parameter_size, 'string');
      assert.match(m.details.parameter_size, /^\d+(\.\d+)?[KMBT]?$/, `parameter_size = ${m.details.parameter_size}`);
      assert.equal(typeof m.details.quantization_level, 'string');
      assert.match(m.details.quantization_level, /^[A-Z0-9_]+$/i, `quantization_level = ${m.details.quantization_level}`);
    }
  });

  it('show() has capabilities, model_info and the template', T, async () => {
    const chat = await ollama.show({ model: CHAT_MODEL });
    assert.ok(Array.isArray(chat.capabilities), 'capabilities is not an array');
    assert.ok(chat.capabilities.includes('completion'), `tiny-chat capabilities ${chat.capabilities}`);
    assert.ok(!chat.capabilities.includes('embedding'), `tiny-chat capabilities ${chat.capabilities}`);
    assert.equal(chat.model_info['general.architecture'], 'qwen2');
    assert.equal(typeof chat.template, 'string');
    assert.ok(chat.template.length > 0, 'tiny-chat template is empty');
    assert.equal(chat.details.family, 'qwen2');
    assertTimestamp(chat.modified_at, 'modified_at');

    const embed = await ollama.show({ model: EMBED_MODEL });
    assert.ok(embed.capabilities.includes('embedding'), `tiny-embed capabilities ${embed.capabilities}`);
    assert.ok(!embed.capabilities.includes('completion'), `tiny-embed capabilities ${embed.capabilities}`);
    assert.equal(embed.model_info['general.architecture'], 'bert');
    assert.equal(embed.details.family, 'bert');
  });

  let generated; // the non-stream generate response, reused by the stream test

  it('generate() non-stream: response, metrics, context; deterministic', T, async () => {
    const req = { model: CHAT_MODEL, prompt: 'hello', stream: false, options: GEN_OPTIONS };
    const r = await ollama.generate({ ...req, options: { ...GEN_OPTIONS } });
    assert.equal(typeof r.response, 'string');
    assert.equal(r.done, true);
    assert.match(r.model, /^tiny-chat/);
    assertTimestamp(r.created_at, 'created_at');
    assertMetrics(r, 'generate');
    assert.ok(Array.isArray(r.context) && r.context.length > 0, 'context is not a non-empty array');
    assert.ok(r.context.every(Number.isInteger), 'context has non-integers');

    const again = await ollama.generate({ ...req, options: { ...GEN_OPTIONS } });
    assert.equal(again.response, r.response, 'same seed and temperature 0 gave different output');
    assert.equal(again.eval_count, r.eval_count);
    generated = r;
  });

  it('generate() stream: chunks end with done and metrics; text equals non-stream', T, async () => {
    assert.ok(generated, 'needs the non-stream test');
    const stream = await ollama.generate({
      model: CHAT_MODEL, prompt: 'hello', stream: true, options: { ...GEN_OPTIONS },
    });
    const chunks = await collect(stream);
    for (const c of chunks) assert.equal(typeof c.response, 'string');
    const last = chunks.at(-1);
    assertMetrics(last, 'generate stream');
    assert.ok(Array.isArray(last.context) && last.context.every(Number.isInteger), 'final context');
    assert.equal(chunks.map((c) => c.response).join(''), generated.response);
    assert.equal(last.eval_count, generated.eval_count);
    assert.equal(last.done_reason, generated.done_reason);
    assert.deepEqual(last.context, generated.context);
  });

  it('generate() with temperature 1: the seed makes sampling reproducible, stream or not', T, async () => {
    // Random weights give nearly flat logits, so sampling picks all kinds of tokens
    // (including pieces of UTF-8 characters): a good check of seed plumbing and of
    // how the stream splits text.
    const gen = (seed, stream) => ollama.generate({
      model: CHAT_MODEL, prompt: 'hello', stream, options: { temperature: 1, seed, num_predict: 8 },
    });
    const a = await gen(42, false);
    const b = await gen(42, false);
    const c = await gen(43, false);
    assert.equal(b.response, a.response, 'same seed gave different samples');
    assert.notEqual(c.response, a.response, 'seeds 42 and 43 gave the same 8 samples');
    const chunks = await collect(await gen(42, true));
    assert.equal(chunks.map((x) => x.response).join(''), a.response, 'stream text differs from non-stream');
    assert.equal(chunks.at(-1).eval_count, a.eval_count);
  });

  it('chat() non-stream and stream agree; role is assistant', T, async () => {
    const req = { model: CHAT_MODEL, messages: [{ role: 'user', content: 'hello' }] };
    const r = await ollama.chat({ ...req, stream: false, options: { ...GEN_OPTIONS } });
    assert.equal(r.done, true);
    assert.equal(r.message.role, 'assistant');
    assert.equal(typeof r.message.content, 'string');
    assertTimestamp(r.created_at, 'created_at');
    assertMetrics(r, 'chat');

    const again = await ollama.chat({ ...req, stream: false, options: { ...GEN_OPTIONS } });
    assert.equal(again.message.content, r.message.content, 'same seed and temperature 0 gave different output');

    const stream = await ollama.chat({ ...req, stream: true, options: { ...GEN_OPTIONS } });
    const chunks = await collect(stream);
    for (const c of chunks) {
      assert.equal(c.message.role, 'assistant');
      assert.equal(typeof c.message.content, 'string');
    }
    const last = chunks.at(-1);
    assertMetrics(last, 'chat stream');
    assert.equal(chunks.map((c) => c.message.content).join(''), r.message.content);
    assert.equal(last.eval_count, r.eval_count);
  });

  it('embed() returns normalized vectors of the model dimension', T, async () => {
    const r = await ollama.embed({ model: EMBED_MODEL, input: ['a', 'b'] });
    assert.match(r.model, /^tiny-embed/);
    assert.ok(Array.isArray(r.embeddings));
    assert.equal(r.embeddings.length, 2);
    for (const v of r.embeddings) {
      assert.equal(v.length, EMBED_DIM);
      assert.ok(v.every((x) => typeof x === 'number' && Number.isFinite(x)));
      assert.ok(Math.abs(l2norm(v) - 1) < 1e-3, `L2 norm ${l2norm(v)}`);
    }
    assert.notDeepEqual(r.embeddings[0], r.embeddings[1], 'different inputs gave the same vector');
    assert.ok(isCount(r.prompt_eval_count) && r.prompt_eval_count > 0, `prompt_eval_count = ${r.prompt_eval_count}`);

    const single = await ollama.embed({ model: EMBED_MODEL, input: 'a' });
    assert.equal(single.embeddings.length, 1);
    for (let i = 0; i < EMBED_DIM; i++) {
      assert.ok(Math.abs(single.embeddings[0][i] - r.embeddings[0][i]) < 1e-4, `component ${i} differs`);
    }
  });

  it('ps() lists tiny-chat after use with expires_at, size, context_length', T, async () => {
    const { models } = await ollama.ps();
    assert.ok(Array.isArray(models));
    const m = models.find((x) => x.name === `${CHAT_MODEL}:latest`);
    assert.ok(m, `tiny-chat:latest not in ps: ${JSON.stringify(models.map((x) => x.name))}`);
    assert.equal(m.model, m.name);
    assert.match(m.digest, /^[0-9a-f]{64}$/);
    assertTimestamp(m.expires_at, 'expires_at');
    assert.ok(Date.parse(m.expires_at) > Date.now(), `expires_at ${m.expires_at} is not in the future`);
    assert.ok(Number.isInteger(m.size) && m.size > 0, `size = ${m.size}`);
    assert.ok(Number.isInteger(m.size_vram) && m.size_vram >= 0, `size_vram = ${m.size_vram}`);
    assert.ok(Number.isInteger(m.context_length) && m.context_length > 0, `context_length = ${m.context_length}`);
    assert.equal(m.details.family, 'qwen2');
  });

  it('abort() ends a stream with AbortError and frees the slot', T, async () => {
    const stream = await ollama.generate({
      model: CHAT_MODEL, prompt: 'hello', stream: true, options: { temperature: 0, seed: 1, num_predict: 100000 },
    });
    const iter = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) {
      const { value, done } = await iter.next();
      assert.equal(done, false);
      assert.equal(value.done, false, `chunk ${i} is already done`);
    }
    ollama.abort();
    const err = await thrown(async () => {
      for (;;) {
        const { value, done } = await iter.next();
        assert.equal(done, false, 'the stream ended without an error');
        assert.equal(value.done, false, 'the stream finished despite the abort');
      }
    });
    assert.equal(err.name, 'AbortError', `${err.name}: ${err.message}`);

    // Both slots (SUANLI_NUM_PARALLEL=2) must be free: two requests at once finish quickly.
    const t0 = Date.now();
    const req = () => ollama.generate({ model: CHAT_MODEL, prompt: 'hello', stream: false, options: { ...GEN_OPTIONS } });
    const [a, b] = await Promise.all([req(), req()]);
    const ms = Date.now() - t0;
    assert.equal(a.done, true);
    assert.equal(b.done, true);
    assert.ok(ms < 20_000, `two short requests after the abort took ${ms} ms`);
  });

  it('copy() then delete() a model', T, async () => {
    await ollama.copy({ source: CHAT_MODEL, destination: 'tiny-chat-copy' });
    let { models } = await ollama.list();
    const copy = models.find((m) => m.name === 'tiny-chat-copy:latest');
    const orig = models.find((m) => m.name === `${CHAT_MODEL}:latest`);
    assert.ok(copy, `copy not listed: ${JSON.stringify(models.map((x) => x.name))}`);
    assert.equal(copy.digest, orig.digest, 'a copy has the same manifest');
    const shown = await ollama.show({ model: 'tiny-chat-copy' });
    assert.ok(shown.capabilities.includes('completion'));

    await ollama.delete({ model: 'tiny-chat-copy' });
    ({ models } = await ollama.list());
    assert.ok(!models.some((m) => m.name.startsWith('tiny-chat-copy')), 'copy still listed after delete');
    assert.ok(models.some((m) => m.name === `${CHAT_MODEL}:latest`), 'deleting the copy removed the original');
    // The original still works (its blobs were shared with the copy).
    const r = await ollama.generate({ model: CHAT_MODEL, prompt: 'hello', stream: false, options: { ...GEN_OPTIONS } });
    assert.equal(r.done, true);
  });

  it('an unknown model gives 404 "not found"', T, async () => {
    const model = 'no-such-model';
    assertNotFound(await thrown(() => ollama.generate({ model, prompt: 'hi', stream: false })), 'generate');
    assertNotFound(await thrown(() => ollama.generate({ model, prompt: 'hi', stream: true })), 'generate stream');
    assertNotFound(await thrown(() => ollama.chat({ model, messages: [{ role: 'user', content: 'hi' }] })), 'chat');
    assertNotFound(await thrown(() => ollama.show({ model })), 'show');
    assertNotFound(await thrown(() => ollama.embed({ model, input: 'hi' })), 'embed');
    assertNotFound(await thrown(() => ollama.delete({ model })), 'delete');
    assertNotFound(await thrown(() => ollama.copy({ source: model, destination: 'x-copy' })), 'copy');
  });

  it('generate() on an embedding model gives 400 "does not support generate"', T, async () => {
    const err = await thrown(() => ollama.generate({ model: EMBED_MODEL, prompt: 'hi', stream: false }));
    assert.equal(err.name, 'ResponseError', `${err.name}: ${err.message}`);
    assert.equal(err.status_code, 400, `status ${err.status_code}: ${err.message}`);
    assert.match(err.message, /does not support generate/);
  });
});
