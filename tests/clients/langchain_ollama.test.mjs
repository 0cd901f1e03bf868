// LangChain's Ollama integration (@langchain/ollama) against the real `suanli serve`.
// Random weights: assert protocol, shapes, counts and determinism, never wording.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOllama, OllamaEmbeddings } from '@langchain/ollama';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import { startServer, l2norm, checkUsageMetadata, CHAT_MODEL, EMBED_MODEL, EMBED_DIM } from './harness.mjs';

const T = { timeout: 60_000 };
const NUM_PREDICT = 8;

describe('@langchain/ollama', () => {
  let server;
  let chat;
  before(async () => {
    server = await startServer();
    chat = new ChatOllama({ baseUrl: server.url, model: CHAT_MODEL, temperature: 0, seed: 1, numPredict: NUM_PREDICT });
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  let invoked;

  it('ChatOllama.invoke() returns an AIMessage with usage and response metadata', T, async () => {
    const msg = await chat.invoke('hello');
    assert.ok(msg instanceof AIMessage, `got ${msg?.constructor?.name}`);
    assert.equal(typeof msg.content, 'string');

    const u = msg.usage_metadata;
    checkUsageMetadata(u, NUM_PREDICT);

    const m = msg.response_metadata;
    assert.ok(m, 'no response_metadata');
    assert.match(m.model, /^tiny-chat/);
    assert.equal(m.done, true);
    assert.ok(['stop', 'length'].includes(m.done_reason), `done_reason = ${m.done_reason}`);
    assert.equal(m.eval_count, u.output_tokens);
    assert.equal(m.prompt_eval_count, u.input_tokens);
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) {
      assert.ok(Number.isInteger(m[k]) && m[k] > 0, `${k} = ${m[k]}`);
    }

    const again = await chat.invoke('hello');
    assert.equal(again.content, msg.content, 'same seed and temperature 0 gave different output');
    invoked = msg;
  });

  it('ChatOllama.stream() yields chunks that add up to the invoke() answer', T, async () => {
    assert.ok(invoked, 'needs the invoke test');
    const chunks = [];
    for await (const c of await chat.stream('hello')) chunks.push(c);
    assert.ok(chunks.length >= 2, `got ${chunks.length} chunks`);
    for (const c of chunks) {
      assert.ok(c instanceof AIMessageChunk, `got ${c?.constructor?.name}`);
      assert.equal(typeof c.content, 'string');
    }
    const full = chunks.reduce((acc, c) => acc.concat(c));
    assert.equal(full.content, invoked.content);
    assert.equal(full.usage_metadata?.output_tokens, invoked.usage_metadata.output_tokens);
  });

  it('OllamaEmbeddings embeds a query and documents', T, async () => {
    const emb = new OllamaEmbeddings({ baseUrl: server.url, model: EMBED_MODEL });
    const q = await emb.embedQuery('x');
    assert.ok(Array.isArray(q));
    assert.equal(q.length, EMBED_DIM);
    assert.ok(q.every((x) => typeof x === 'number' && Number.isFinite(x)));
    assert.ok(Math.abs(l2norm(q) - 1) < 1e-3, `L2 norm ${l2norm(q)}`);

    const docs = await emb.embedDocuments(['a', 'b']);
    assert.equal(docs.length, 2);
    for (const v of docs) assert.equal(v.length, EMBED_DIM);
    assert.notDeepEqual(docs[0], docs[1]);
  });
});
