// The seed's RAG route, unchanged: LangChain splits a Chinese article, embeds the
// chunks with OllamaEmbeddings into an in-memory vector store, retrieves for a
// question and answers with ChatOllama, all against the real `suanli serve`.
// Random weights: assert the pipeline's shapes, counts and determinism, never wording.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOllama, OllamaEmbeddings } from '@langchain/ollama';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableSequence, RunnablePassthrough } from '@langchain/core/runnables';
import { startServer, l2norm, CHAT_MODEL, EMBED_MODEL, EMBED_DIM } from './harness.mjs';

const T = { timeout: 60_000 };

// A short article in the shape of the seed's blog post (written for this test).
const ARTICLE = [
  '# 本地大模型部署笔记',
  '我们在一台服务器上部署了七十亿参数的模型。控制台里生成一次回答大约需要零点八秒，' +
    '通过 Python 客户端调用需要一点一秒。',
  '使用 LangChain 封装之后，同样的问题需要三点二秒；加入检索增强生成之后，' +
    '每个回答需要五点四秒，而且模型引用了一篇过时的摘要，给出了错误的答案。',
  '显存的释放也是一个问题：不结束进程就无法归还显存。聊天记录需要自己保存，' +
    '为了让一千个人问同一个问题时得到同样的回答，我们又加了一层 Redis 缓存。',
  '结论：把检索、缓存和会话放进服务器本身，可以省去大量的胶水代码。',
].join('\n\n');

const SPLITTER = { chunkSize: 60, chunkOverlap: 10, separators: ['\n\n', '\n', '。', '，', ''] };

describe('LangChain RAG route (seed pipeline) on suanli', () => {
  let server;
  let embeddings;
  let chunks;
  let store;
  before(async () => {
    server = await startServer();
    embeddings = new OllamaEmbeddings({ baseUrl: server.url, model: EMBED_MODEL });
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  it('splits the article into chunks no longer than chunkSize', T, async () => {
    const splitter = new RecursiveCharacterTextSplitter(SPLITTER);
    chunks = await splitter.splitDocuments([new Document({ pageContent: ARTICLE, metadata: { source: 'notes.md' } })]);
    assert.ok(chunks.length >= 5, `only ${chunks.length} chunks`);
    for (const c of chunks) {
      assert.ok(c.pageContent.length <= SPLITTER.chunkSize, `chunk of ${c.pageContent.length} characters`);
      assert.equal(c.metadata.source, 'notes.md');
    }
  });

  it('embeds every chunk through /api/embed into a MemoryVectorStore', T, async () => {
    assert.ok(chunks, 'needs the split test');
    const vectors = await embeddings.embedDocuments(chunks.map((c) => c.pageContent));
    assert.equal(vectors.length, chunks.length);
    for (const v of vectors) {
      assert.equal(v.length, EMBED_DIM);
      assert.ok(Math.abs(l2norm(v) - 1) < 1e-3, `norm ${l2norm(v)}`);
    }
    // Batched and single embeddings agree (what the vector store relies on).
    const single = await embeddings.embedQuery(chunks[2].pageContent);
    for (let i = 0; i < EMBED_DIM; i++) assert.ok(Math.abs(single[i] - vectors[2][i]) < 1e-4);

    store = await MemoryVectorStore.fromDocuments(chunks, embeddings);
    assert.equal(store.memoryVectors.length, chunks.length);
  });

  it('retrieves k documents, and a chunk finds itself first', T, async () => {
    assert.ok(store, 'needs the embedding test');
    const results = await store.similaritySearchWithScore(chunks[3].pageContent, 3);
    assert.equal(results.length, 3);
    const [[top, score]] = results;
    assert.equal(top.pageContent, chunks[3].pageContent);
    assert.ok(Math.abs(score - 1) < 1e-3, `self-similarity ${score}`);
    for (let i = 1; i < results.length; i++) assert.ok(results[i - 1][1] >= results[i][1], 'scores not sorted');

    const mmr = await store.maxMarginalRelevanceSearch(chunks[3].pageContent, { k: 2, fetchK: 5 });
    assert.equal(mmr.length, 2);
    assert.equal(mmr[0].pageContent, chunks[3].pageContent);
  });

  it('answers through an LCEL chain with ChatOllama, deterministically', T, async () => {
    assert.ok(store, 'needs the embedding test');
    const retriever = store.asRetriever({ k: 2 });
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', '根据以下资料回答问题：\n\n{context}'],
      ['human', '{question}'],
    ]);
    const llm = new ChatOllama({ baseUrl: server.url, model: CHAT_MODEL, temperature: 0, seed: 7, numPredict: 12 });
    const formatDocs = (docs) => docs.map((d) => d.pageContent).join('\n\n');
    const chain = RunnableSequence.from([
      { context: retriever.pipe(formatDocs), question: new RunnablePassthrough() },
      prompt,
      llm,
      new StringOutputParser(),
    ]);
    const question = '加入检索增强生成之后每个回答需要多少秒？';
    const docs = await retriever.invoke(question);
    assert.equal(docs.length, 2);
    const answer = await chain.invoke(question);
    assert.equal(typeof answer, 'string');
    assert.ok(answer.length > 0, 'empty answer');
    assert.equal(await chain.invoke(question), answer, 'same seed gave a different answer');
  });
});
