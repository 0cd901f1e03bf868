// LangChain's OpenAI integration (@langchain/openai) pointed at suanli's /v1.
// Random weights: assert protocol, shapes, counts and determinism, never wording.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import { startServer, l2norm, checkUsageMetadata, CHAT_MODEL, EMBED_MODEL, EMBED_DIM } from './harness.mjs';

const T = { timeout: 60_000 };
const MAX_TOKENS = 8;

describe('@langchain/openai', () => {
  let server;
  let chat;
  before(async () => {
    server = await startServer();
    chat = new ChatOpenAI({
      model: CHAT_MODEL, temperature: 0, maxTokens: MAX_TOKENS, apiKey: 'suanli', maxRetries: 0,
      configuration: { baseURL: `${server.url}/v1` },
      modelKwargs: { seed: 1 },
    });
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  let invoked;

  it('ChatOpenAI.invoke() returns an AIMessage with usage; deterministic', T, async () => {
    const msg = await chat.invoke('hello');
    assert.ok(msg instanceof AIMessage, `got ${msg?.constructor?.name}`);
    assert.equal(typeof msg.content, 'string');
    const u = msg.usage_metadata;
    checkUsageMetadata(u, MAX_TOKENS);
    assert.ok(['stop', 'length'].includes(msg.response_metadata.finish_reason),
      `finish_reason = ${msg.response_metadata.finish_reason}`);
    const again = await chat.invoke('hello');
    assert.equal(again.content, msg.content);
    invoked = msg;
  });

  it('ChatOpenAI.stream() yields chunks that add up to the invoke() answer, with usage', T, async () => {
    assert.ok(invoked, 'needs the invoke test');
    let total;
    for await (const c of await chat.stream('hello')) {
      assert.ok(c instanceof AIMessageChunk, `got ${c?.constructor?.name}`);
      total = total ? total.concat(c) : c;
    }
    assert.equal(total.content, invoked.content);
    assert.deepEqual(total.usage_metadata?.input_tokens, invoked.usage_metadata.input_tokens);
    assert.deepEqual(total.usage_metadata?.output_tokens, invoked.usage_metadata.output_tokens);
  });

  it('OpenAIEmbeddings embeds a query and documents', T, async () => {
    const embeddings = new OpenAIEmbeddings({
      model: EMBED_MODEL, apiKey: 'suanli', maxRetries: 0, configuration: { baseURL: `${server.url}/v1` },
    });
    const q = await embeddings.embedQuery('what is suanli?');
    assert.equal(q.length, EMBED_DIM);
    assert.ok(Math.abs(l2norm(q) - 1) < 1e-3, `norm = ${l2norm(q)}`);
    const docs = await embeddings.embedDocuments(['first document', 'second document', 'third']);
    assert.equal(docs.length, 3);
    for (const d of docs) assert.equal(d.length, EMBED_DIM);
    const small = new OpenAIEmbeddings({
      model: EMBED_MODEL, apiKey: 'suanli', maxRetries: 0, dimensions: 16, configuration: { baseURL: `${server.url}/v1` },
    });
    assert.equal((await small.embedQuery('x')).length, 16);
  });
});
