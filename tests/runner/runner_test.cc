// Runner process tests: a real `suanli runner` child per test, spoken to
// through RunnerClient over its Unix socket.
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "engine/test_models.h"
#include "runner/runner_process.h"

namespace suanli::runner {
namespace {

using engine::testing::TempDir;
using json = nlohmann::json;

std::string SuanliBinary() {
  const char* bin = std::getenv("SUANLI_BIN");
  return bin ? bin : "suanli";
}

StatusOr<std::unique_ptr<RunnerProcess>> StartRunner(const std::string& model, const std::string& dir,
                                                     std::vector<std::string> extra = {}) {
  RunnerSpawnOptions o;
  o.executable = SuanliBinary();
  o.model_path = model;
  o.runtime_dir = dir + "/run";
  o.extra_args = {"--ctx-size", "512", "--threads", "2"};
  o.extra_args.insert(o.extra_args.end(), extra.begin(), extra.end());
  o.load_timeout_ms = 60000;
  return RunnerProcess::Start(o);
}

json GreedyChat(const std::string& text, int n) {
  return {{"messages", {{{"role", "user"}, {"content", text}}}},
          {"options", {{"temperature", 0}, {"num_predict", n}}}};
}

struct Streamed {
  Status status;
  std::string text;
  std::vector<json> lines;
};

Streamed Stream(const RunnerProcess& r, const json& request) {
  Streamed s;
  s.status = r.client().Complete(request, [&](const json& line) {
    s.lines.push_back(line);
    if (line.contains("text")) s.text += line["text"].get<std::string>();
    return true;
  });
  return s;
}

TEST(RunnerTest, HealthAndPrivateSocket) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyChatPath(), dir.path());
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto health = (*r)->client().Health();
  ASSERT_TRUE(health.ok());
  EXPECT_EQ((*health)["status"], "ok");
  EXPECT_EQ((*health)["kind"], "completion");
  EXPECT_EQ((*health)["model"]["architecture"], "qwen2");
  EXPECT_EQ((*health)["context_per_slot"], 512);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((*r)->socket_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  auto mem = (*r)->client().Memory();
  ASSERT_TRUE(mem.ok());
  EXPECT_GT((*mem)["rss_bytes"].get<int64_t>(), 1 << 20);
}

TEST(RunnerTest, CompletionStreamsTokensThenOneFinalLine) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyChatPath(), dir.path());
  ASSERT_TRUE(r.ok()) << r.status().message();
  Streamed a = Stream(**r, GreedyChat("hello", 6));
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  ASSERT_EQ(a.lines.size(), 7u);
  for (size_t i = 0; i + 1 < a.lines.size(); ++i) EXPECT_TRUE(a.lines[i].contains("token"));
  const json& done = a.lines.back();
  EXPECT_TRUE(done["done"].get<bool>());
  EXPECT_EQ(done["done_reason"], "length");
  EXPECT_EQ(done["timings"]["eval_count"], 6);
  EXPECT_GT(done["timings"]["prompt_eval_count"].get<int>(), 5);
  EXPECT_EQ(done["message"]["role"], "assistant");
  // Same request, same answer; and the prompt now comes from the slot cache.
  Streamed b = Stream(**r, GreedyChat("hello", 6));
  EXPECT_EQ(a.text, b.text);
  EXPECT_GT(b.lines.back()["timings"]["cached_prompt_tokens"].get<int>(), 0);
}

TEST(RunnerTest, RenderAndTokenize) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyChatPath(), dir.path());
  ASSERT_TRUE(r.ok());
  auto rendered = (*r)->client().Call("/render", {{"prompt", "hi"}, {"system", "sys"}});
  ASSERT_TRUE(rendered.ok()) << rendered.status().message();
  EXPECT_EQ((*rendered)["prompt"], "<|im_start|>system\nsys<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  auto tokens = (*r)->client().Call("/tokenize", {{"content", "<|im_start|>"}});
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ((*tokens)["tokens"], json::array({151644}));
  auto text = (*r)->client().Call("/detokenize", {{"tokens", {151644}}});
  ASSERT_TRUE(text.ok());
  auto bad = (*r)->client().Call("/detokenize", {{"tokens", {-1}}});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(RunnerTest, BadRequestsGetClearErrorsAndTheRunnerStaysUp) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyChatPath(), dir.path());
  ASSERT_TRUE(r.ok());
  const json bad[] = {
      {{"prompt", 5}},
      {{"messages", "not a list"}},
      {{"messages", {{{"content", "no role"}}}}},
      {{"messages", {{{"role", "user"}, {"content", 3}}}}},
      {{"prompt", "x"}, {"options", {{"top_k", "many"}}}},
      {{"prompt", "x"}, {"grammar", "root ::= ("}},
      {{"tokens", {1, "two"}}},
      json::array({1, 2}),
  };
  for (const json& body : bad) {
    Streamed s = Stream(**r, body);
    EXPECT_EQ(s.status.code(), StatusCode::kInvalidArgument) << body.dump() << " -> " << s.status.message();
  }
  Streamed ok = Stream(**r, GreedyChat("still alive", 2));
  EXPECT_TRUE(ok.status.ok()) << ok.status.message();
}

TEST(RunnerTest, CancelFreesTheSlot) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyChatPath(), dir.path(), {"--parallel", "1"});
  ASSERT_TRUE(r.ok());
  int seen = 0;
  Status st = (*r)->client().Complete(
      {{"prompt", "go on forever"}, {"ignore_eos", true}, {"options", {{"num_predict", 100000}}}},
      [&](const json&) { return ++seen < 3; });
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  const auto start = std::chrono::steady_clock::now();
  Streamed next = Stream(**r, GreedyChat("next", 3));
  EXPECT_TRUE(next.status.ok()) << next.status.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(RunnerTest, RunnerKilledMidStreamIsAnErrorNotAHang) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyChatPath(), dir.path());
  ASSERT_TRUE(r.ok());
  const pid_t pid = (*r)->pid();
  std::atomic<int> lines{0};
  const auto start = std::chrono::steady_clock::now();
  Status st = (*r)->client().Complete(
      {{"prompt", "long"}, {"ignore_eos", true}, {"options", {{"num_predict", 1000000}}}}, [&](const json&) {
        if (++lines == 2) ::kill(pid, SIGKILL);
        return true;
      });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  // The socket closes a moment before the process can be reaped.
  for (int i = 0; i < 100 && (*r)->Alive(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE((*r)->Alive());
  EXPECT_EQ((*r)->client().Health().status().code(), StatusCode::kUnavailable);
}

TEST(RunnerTest, EmbeddingRunner) {
  TempDir dir;
  auto r = StartRunner(engine::testing::TinyEmbedPath(), dir.path());
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto health = (*r)->client().Health();
  EXPECT_EQ((*health)["kind"], "embedding");
  auto e = (*r)->client().Call("/embed", {{"input", {"one", "two"}}});
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ((*e)["embeddings"].size(), 2u);
  double norm = 0;
  for (double x : (*e)["embeddings"][0]) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-4);
  EXPECT_EQ((*r)->client().Call("/embed", {{"input", {1, 2}}}).status().code(), StatusCode::kInvalidArgument);
  Streamed gen = Stream(**r, GreedyChat("hi", 2));
  EXPECT_EQ(gen.status.code(), StatusCode::kInvalidArgument);
}

TEST(RunnerTest, LoadFailuresKeepTheirReason) {
  TempDir dir;
  const std::string junk = dir.path() + "/junk.gguf";
  std::ofstream(junk) << "definitely not a model";
  auto r = StartRunner(junk, dir.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not a GGUF"), std::string::npos) << r.status().message();
  auto missing = StartRunner(dir.path() + "/absent.gguf", dir.path());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(RunnerTest, EndingTheRunnerEndsTheProcess) {
  TempDir dir;
  pid_t pid;
  {
    auto r = StartRunner(engine::testing::TinyChatPath(), dir.path());
    ASSERT_TRUE(r.ok());
    pid = (*r)->pid();
    EXPECT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: the memory is back with the system
}

}  // namespace
}  // namespace suanli::runner
