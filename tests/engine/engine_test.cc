#include "engine/engine.h"

#include <gtest/gtest.h>

#include <thread>

#include "base/utf8.h"
#include "engine/test_models.h"

namespace suanli::engine {
namespace {

struct Outcome {
  std::vector<Token> tokens;
  std::string text;
  std::vector<std::string> pieces;
  CompletionEvent final_event;
};

Outcome Drain(Completion& c) {
  Outcome run;
  while (true) {
    CompletionEvent e = c.Next();
    if (e.kind == CompletionEvent::Kind::kToken) {
      run.tokens.push_back(e.token);
      run.text += e.text;
      run.pieces.push_back(e.text);
      continue;
    }
    run.final_event = e;
    return run;
  }
}

std::unique_ptr<Engine> MakeEngine(int slots = 1, int ctx = 512) {
  EngineOptions o;
  o.num_parallel = slots;
  o.num_ctx = ctx;
  o.num_thread = 2;
  auto e = Engine::Create(testing::TinyChat(), o);
  EXPECT_TRUE(e.ok()) << e.status().message();
  return std::move(e).value();
}

CompletionRequest Request(const std::string& prompt, int n_predict, float temperature = 0.0f, int64_t seed = 7) {
  CompletionRequest r;
  r.prompt = testing::TinyChat().Tokenize(prompt, true, true);
  r.sampling.num_predict = n_predict;
  r.sampling.temperature = temperature;
  r.sampling.seed = seed;
  r.ignore_eos = true;
  return r;
}

Outcome Complete(Engine& e, CompletionRequest r) {
  auto c = e.Submit(std::move(r));
  EXPECT_TRUE(c.ok()) << c.status().message();
  return Drain(**c);
}

TEST(EngineTest, GeneratesExactlyNumPredictTokensWithTimings) {
  auto e = MakeEngine();
  Outcome run = Complete(*e, Request("Hello there", 12));
  ASSERT_EQ(run.final_event.kind, CompletionEvent::Kind::kDone) << run.final_event.error.message();
  EXPECT_EQ(run.final_event.done_reason, "length");
  EXPECT_EQ(run.tokens.size(), 12u);
  const Timings& t = run.final_event.timings;
  EXPECT_EQ(t.eval_count, 12);
  EXPECT_EQ(t.prompt_eval_count, static_cast<int64_t>(testing::TinyChat().Tokenize("Hello there", true, true).size()));
  EXPECT_GT(t.prompt_eval_duration_ns, 0);
  EXPECT_GT(t.eval_duration_ns, 0);
  EXPECT_EQ(t.cached_prompt_tokens, 0);
}

TEST(EngineTest, GreedyIsDeterministic) {
  auto e = MakeEngine();
  Outcome a = Complete(*e, Request("The same prompt", 16));
  Outcome b = Complete(*e, Request("The same prompt", 16));
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.text, b.text);
}

TEST(EngineTest, SameSeedSameOutputDifferentSeedDiffers) {
  auto e = MakeEngine();
  Outcome a = Complete(*e, Request("Sampling test", 24, 1.5f, 42));
  auto e2 = MakeEngine();  // a fresh engine: nothing shared but the model
  Outcome b = Complete(*e2, Request("Sampling test", 24, 1.5f, 42));
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.text, b.text);
  Outcome c = Complete(*e, Request("Sampling test", 24, 1.5f, 43));
  EXPECT_NE(a.tokens, c.tokens);
}

TEST(EngineTest, StreamedTextIsAlwaysWholeUtf8) {
  auto e = MakeEngine();
  for (int64_t seed : {1, 2, 3}) {
    Outcome run = Complete(*e, Request("中文和emoji 😀 混合", 48, 2.0f, seed));
    for (const auto& piece : run.pieces) EXPECT_TRUE(IsValidUtf8(piece));
    EXPECT_TRUE(IsValidUtf8(run.text));
  }
}

TEST(EngineTest, StopStringEndsGenerationAndIsNotEmitted) {
  auto e = MakeEngine();
  Outcome free_run = Complete(*e, Request("stop test", 40));
  ASSERT_GE(free_run.text.size(), 8u);
  // Use a stretch from the middle of the free run as the stop string.
  size_t from = Utf8SafePrefix(free_run.text, free_run.text.size() / 2);
  size_t len = Utf8SafePrefix(free_run.text.substr(from), 3);
  if (len == 0) len = free_run.text.size() - from;
  const std::string stop = free_run.text.substr(from, len);
  const std::string expected = free_run.text.substr(0, free_run.text.find(stop));

  CompletionRequest r = Request("stop test", 40);
  r.sampling.stop = {stop};
  Outcome stopped = Complete(*e, std::move(r));
  EXPECT_EQ(stopped.final_event.done_reason, "stop");
  EXPECT_EQ(stopped.text, expected);
  EXPECT_EQ(stopped.text.find(stop), std::string::npos);
}

TEST(EngineTest, SharedPrefixReusesTheSlotCache) {
  auto e = MakeEngine();
  const Model& m = testing::TinyChat();
  CompletionRequest first = Request("A long shared system prompt about many things", 4);
  const size_t prefix = first.prompt.size();
  Outcome a = Complete(*e, first);

  CompletionRequest second = first;
  auto extra = m.Tokenize(" and then a different question", false, false);
  second.prompt.insert(second.prompt.end(), extra.begin(), extra.end());
  Outcome b = Complete(*e, second);
  EXPECT_GE(b.final_event.timings.cached_prompt_tokens, static_cast<int64_t>(prefix) - 0);
  EXPECT_LT(b.final_event.timings.cached_prompt_tokens, static_cast<int64_t>(second.prompt.size()));
  EXPECT_EQ(b.final_event.timings.prompt_eval_count, static_cast<int64_t>(second.prompt.size()));

  // The identical prompt again: all but the last token come from the cache.
  Outcome c = Complete(*e, second);
  EXPECT_EQ(c.final_event.timings.cached_prompt_tokens, static_cast<int64_t>(second.prompt.size()) - 1);
  EXPECT_EQ(b.tokens, c.tokens);  // and the cache does not change the answer
}

TEST(EngineTest, CancellationStopsWithinAStepAndFreesTheSlot) {
  auto e = MakeEngine(1);
  auto c = e->Submit(Request("cancel me", 100000));
  ASSERT_TRUE(c.ok());
  CompletionEvent first = (*c)->Next();
  ASSERT_EQ(first.kind, CompletionEvent::Kind::kToken);
  (*c)->Cancel();
  CompletionEvent e2;
  int extra_tokens = 0;
  do {
    e2 = (*c)->Next();
    if (e2.kind == CompletionEvent::Kind::kToken) ++extra_tokens;
  } while (e2.kind == CompletionEvent::Kind::kToken);
  EXPECT_EQ(e2.kind, CompletionEvent::Kind::kError);
  EXPECT_EQ(e2.error.code(), StatusCode::kCancelled);
  EXPECT_LE(extra_tokens, 64);  // tokens already queued before the cancel
  // The only slot is free again at once.
  Outcome next = Complete(*e, Request("next", 3));
  EXPECT_EQ(next.final_event.kind, CompletionEvent::Kind::kDone);
  EXPECT_EQ(next.tokens.size(), 3u);
}

TEST(EngineTest, DroppingTheHandleCancels) {
  auto e = MakeEngine(1);
  {
    auto c = e->Submit(Request("abandoned", 100000));
    ASSERT_TRUE(c.ok());
    (*c)->Next();
  }
  Outcome next = Complete(*e, Request("next", 2));
  EXPECT_EQ(next.final_event.kind, CompletionEvent::Kind::kDone);
}

TEST(EngineTest, QueuedRequestsWaitForASlot) {
  auto e = MakeEngine(1);
  auto a = e->Submit(Request("first", 8));
  auto b = e->Submit(Request("second", 8));
  ASSERT_TRUE(a.ok() && b.ok());
  Outcome rb = Drain(**b);
  Outcome ra = Drain(**a);
  EXPECT_EQ(ra.tokens.size(), 8u);
  EXPECT_EQ(rb.tokens.size(), 8u);
}

TEST(EngineTest, ParallelRequestsMatchTheirSequentialRuns) {
  const std::vector<std::string> prompts = {"The first prompt talks about rivers and mountains",
                                            "Zweiter Prompt, ganz anders", "第三个提示", "4"};
  std::vector<Outcome> sequential;
  {
    auto e = MakeEngine(1);
    for (const auto& p : prompts) sequential.push_back(Complete(*e, Request(p, 20)));
  }
  auto e = MakeEngine(4);
  std::vector<std::unique_ptr<Completion>> handles;
  for (const auto& p : prompts) handles.push_back(std::move(e->Submit(Request(p, 20))).value());
  for (size_t i = 0; i < prompts.size(); ++i) {
    Outcome parallel = Drain(*handles[i]);
    ASSERT_EQ(parallel.final_event.kind, CompletionEvent::Kind::kDone);
    // Each sequence gets its own tokens, never another's: they must equal the
    // one-at-a-time run (greedy, separate KV streams per slot).
    EXPECT_EQ(parallel.tokens, sequential[i].tokens) << "prompt " << i;
  }
}

TEST(EngineTest, FullContextEndsWithLength) {
  auto e = MakeEngine(1, 256);
  ASSERT_EQ(e->context_per_slot(), 256);
  CompletionRequest r = Request("fill the context", -1);
  Outcome run = Complete(*e, std::move(r));
  ASSERT_EQ(run.final_event.kind, CompletionEvent::Kind::kDone);
  EXPECT_EQ(run.final_event.done_reason, "length");
  const int64_t prompt = run.final_event.timings.prompt_eval_count;
  EXPECT_EQ(prompt + static_cast<int64_t>(run.tokens.size()), 256);
  // The slot is usable afterwards.
  Outcome after = Complete(*e, Request("again", 2));
  EXPECT_EQ(after.tokens.size(), 2u);
}

TEST(EngineTest, PromptsThatDoNotFitAreRejected) {
  auto e = MakeEngine(1, 256);
  CompletionRequest r;
  r.prompt.assign(300, 100);
  auto c = e->Submit(r);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("exceeds the context size"), std::string::npos);
  EXPECT_EQ(e->Submit(CompletionRequest{}).status().code(), StatusCode::kInvalidArgument);
  CompletionRequest bad;
  bad.prompt = {5, -3};
  EXPECT_EQ(e->Submit(bad).status().code(), StatusCode::kInvalidArgument);
  bad.prompt = {999999999};
  EXPECT_EQ(e->Submit(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineTest, EndOfGenerationStopsUnlessIgnored) {
  // Force EOG with a grammar that allows nothing but the end.
  auto e = MakeEngine();
  CompletionRequest r = Request("anything", 50);
  r.ignore_eos = false;
  r.grammar.gbnf = "root ::= \"\"";
  Outcome run = Complete(*e, std::move(r));
  ASSERT_EQ(run.final_event.kind, CompletionEvent::Kind::kDone) << run.final_event.error.message();
  EXPECT_EQ(run.final_event.done_reason, "stop");
  EXPECT_TRUE(run.tokens.empty());
}

TEST(EngineTest, GrammarConstrainsOutputAndBadGrammarIsAnError) {
  auto e = MakeEngine();
  CompletionRequest r = Request("digits", 30, 1.0f, 5);
  r.ignore_eos = false;
  r.grammar.gbnf = "root ::= [0-9]+ \".\"";
  Outcome run = Complete(*e, std::move(r));
  ASSERT_EQ(run.final_event.kind, CompletionEvent::Kind::kDone);
  for (char ch : run.text) EXPECT_TRUE((ch >= '0' && ch <= '9') || ch == '.') << run.text;

  CompletionRequest bad = Request("x", 3);
  bad.grammar.gbnf = "root ::= (";
  Outcome failed = Complete(*e, std::move(bad));
  EXPECT_EQ(failed.final_event.kind, CompletionEvent::Kind::kError);
  EXPECT_EQ(failed.final_event.error.code(), StatusCode::kInvalidArgument);
}

TEST(EngineTest, BadOptionsAreRejected) {
  EngineOptions o;
  o.kv_cache_type = "q2_weird";
  EXPECT_EQ(Engine::Create(testing::TinyChat(), o).status().code(), StatusCode::kInvalidArgument);
  o.kv_cache_type = "f16";
  o.num_parallel = 0;
  EXPECT_EQ(Engine::Create(testing::TinyChat(), o).status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineTest, UnsuitableQuantizedKvCacheIsAClearError) {
  // The tiny model's heads are 16 wide; q8_0 blocks are 32.
  EngineOptions o;
  o.num_ctx = 256;
  o.kv_cache_type = "q8_0";
  auto e = Engine::Create(testing::TinyChat(), o);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("does not divide"), std::string::npos) << e.status().message();
}

}  // namespace
}  // namespace suanli::engine
