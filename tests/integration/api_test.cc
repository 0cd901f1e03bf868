// Ollama's native API against the real server: every endpoint, streaming and
// not, and the errors clients rely on.
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>

#include <cpp-httplib/httplib.h>

#include "server_harness.h"

namespace suanli::testing {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerHarness(Env{{"SUANLI_NUM_PARALLEL", "2"}});
    ASSERT_TRUE(server_->ok()) << "the server did not start";
    ASSERT_TRUE(server_->CreateModel("tiny-chat", TinyChatModel()));
    ASSERT_TRUE(server_->CreateModel("tiny-embed", TinyEmbedModel()));
  }
  static void TearDownTestSuite() { delete server_; }
  static ServerHarness* server_;
};
ServerHarness* ApiTest::server_ = nullptr;

json Greedy(int n) { return {{"temperature", 0}, {"num_predict", n}, {"seed", 1}}; }

TEST_F(ApiTest, RootVersionAndHead) {
  auto root = server_->Get("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "Ollama is running");
  EXPECT_EQ(server_->Head("/").status, 200);
  auto version = server_->Get("/api/version").Json();
  EXPECT_TRUE(version["version"].is_string());
}

TEST_F(ApiTest, OversizedJsonBodyIs413BeforeItIsRead) {
  // Only the headers of a 40 MiB JSON body are sent: the answer comes from
  // the declared length, before the server reads (or buffers) any of it.
  const int fd = ConnectTo(*server_);
  ASSERT_GE(fd, 0);
  const std::string head =
      "POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 41943040\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  std::string answer;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) answer.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("request body too large"), std::string::npos) << answer;
  EXPECT_EQ(server_->Get("/api/version").status, 200);
}

TEST_F(ApiTest, TagsAndShow) {
  auto tags = server_->Get("/api/tags").Json();
  ASSERT_EQ(tags["models"].size(), 2u);
  for (const auto& m : tags["models"]) {
    EXPECT_EQ(m["digest"].get<std::string>().size(), 64u);
    EXPECT_GT(m["size"].get<int64_t>(), 0);
    EXPECT_EQ(m["details"]["format"], "gguf");
  }
  auto show = server_->Post("/api/show", json{{"model", "tiny-chat"}});
  ASSERT_EQ(show.status, 200);
  auto s = show.Json();
  EXPECT_EQ(s["details"]["family"], "qwen2");
  EXPECT_EQ(s["model_info"]["general.architecture"], "qwen2");
  EXPECT_NE(s["template"].get<std::string>().find("im_start"), std::string::npos);
  EXPECT_EQ(s["capabilities"][0], "completion");
  auto emb = server_->Post("/api/show", json{{"model", "TINY-EMBED"}}).Json();  // case-insensitive
  EXPECT_EQ(emb["capabilities"], json::array({"embedding"}));
}

TEST_F(ApiTest, GenerateStreamAndWholeAgree) {
  json req = {{"model", "tiny-chat"}, {"prompt", "Why is the sky blue?"}, {"options", Greedy(12)}, {"stream", false}};
  auto whole = server_->Post("/api/generate", req);
  ASSERT_EQ(whole.status, 200) << whole.body;
  auto w = whole.Json();
  EXPECT_TRUE(w["done"].get<bool>());
  EXPECT_EQ(w["done_reason"], "length");
  EXPECT_EQ(w["eval_count"], 12);
  EXPECT_GT(w["prompt_eval_count"].get<int>(), 0);
  for (const char* k : {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"}) {
    EXPECT_TRUE(w[k].is_number_integer()) << k;
  }
  EXPECT_GT(w["context"].size(), 12u);

  req["stream"] = true;
  auto streamed = server_->Post("/api/generate", req);
  ASSERT_EQ(streamed.status, 200);
  std::string text;
  auto lines = streamed.Lines();
  ASSERT_GE(lines.size(), 2u);
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_FALSE(lines[i]["done"].get<bool>());
    text += lines[i]["response"].get<std::string>();
  }
  EXPECT_TRUE(lines.back()["done"].get<bool>());
  EXPECT_EQ(text, w["response"].get<std::string>());
  EXPECT_EQ(lines.back()["context"], w["context"]);

  // `context` continues a conversation.
  json next = {{"model", "tiny-chat"}, {"prompt", "and then?"}, {"context", w["context"]},
               {"options", Greedy(2)}, {"stream", false}};
  auto cont = server_->Post("/api/generate", next).Json();
  EXPECT_GT(cont["prompt_eval_count"].get<int>(), static_cast<int>(w["context"].size()));
}

TEST_F(ApiTest, RawGenerateReturnsNoContext) {
  auto r = server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "raw text"}, {"raw", true},
                                                {"options", Greedy(3)}, {"stream", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.Json().contains("context"));
  auto bad = server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"raw", true}, {"system", "s"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"], "raw mode does not support template, system, or context");
}

TEST_F(ApiTest, ChatStreamAndWhole) {
  json req = {{"model", "tiny-chat"}, {"messages", {{{"role", "user"}, {"content", "hello"}}}},
              {"options", Greedy(6)}, {"stream", false}};
  auto whole = server_->Post("/api/chat", req).Json();
  EXPECT_EQ(whole["message"]["role"], "assistant");
  EXPECT_EQ(whole["eval_count"], 6);
  req["stream"] = true;
  auto lines = server_->Post("/api/chat", req).Lines();
  std::string text;
  for (const auto& l : lines) text += l["message"]["content"].get<std::string>();
  EXPECT_EQ(text, whole["message"]["content"].get<std::string>());
  EXPECT_TRUE(lines.back()["done"].get<bool>());
}

TEST_F(ApiTest, DebugRenderShowsThePrompt) {
  auto r = server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"_debug_render_only", true},
                                            {"messages", {{{"role", "user"}, {"content", "hi"}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["_debug_info"]["rendered_template"],
            "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
}

TEST_F(ApiTest, Embeddings) {
  auto r = server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", {"first", "second"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto e = r.Json();
  ASSERT_EQ(e["embeddings"].size(), 2u);
  double norm = 0;
  for (double x : e["embeddings"][0]) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-4);
  EXPECT_GT(e["prompt_eval_count"].get<int>(), 0);

  auto small = server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", "x"}, {"dimensions", 16}}).Json();
  ASSERT_EQ(small["embeddings"][0].size(), 16u);
  norm = 0;
  for (double x : small["embeddings"][0]) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-4);

  EXPECT_EQ(server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", json::array()}}).Json()["embeddings"],
            json::array());
  auto bad = server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", 5}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"], "invalid input type");
  std::string longest;
  for (int i = 0; i < 700; ++i) longest += "word ";
  auto too_long = server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", longest}, {"truncate", false}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.Json()["error"], "the input length exceeds the context length");
  EXPECT_EQ(server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", longest}}).status, 200);

  auto legacy = server_->Post("/api/embeddings", json{{"model", "tiny-embed"}, {"prompt", "x"}}).Json();
  EXPECT_EQ(legacy["embedding"].size(), 64u);
  auto gen_on_embed = server_->Post("/api/generate", json{{"model", "tiny-embed"}, {"prompt", "x"}});
  EXPECT_EQ(gen_on_embed.status, 400);
  EXPECT_EQ(server_->Post("/api/embed", json{{"model", "tiny-chat"}, {"input", "x"}}).status, 400);
}

TEST_F(ApiTest, CopyAndDelete) {
  ASSERT_EQ(server_->Post("/api/copy", json{{"source", "tiny-chat"}, {"destination", "copy-of-tiny"}}).status, 200);
  auto show = server_->Post("/api/show", json{{"model", "copy-of-tiny"}});
  EXPECT_EQ(show.status, 200);
  EXPECT_EQ(server_->Delete("/api/delete", json{{"model", "copy-of-tiny"}}).status, 200);
  EXPECT_EQ(server_->Post("/api/show", json{{"model", "copy-of-tiny"}}).status, 404);
  EXPECT_EQ(server_->Delete("/api/delete", json{{"model", "copy-of-tiny"}}).status, 404);
  EXPECT_EQ(server_->Post("/api/copy", json{{"source", "nope"}, {"destination", "x"}}).status, 404);
  // The original still runs: its blob was shared, not pruned.
  EXPECT_EQ(server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"options", Greedy(1)},
                                                {"stream", false}}).status, 200);
}

TEST_F(ApiTest, Blobs) {
  const std::string data = "hello blob";
  const std::string wrong = "sha256:" + std::string(64, 'a');
  EXPECT_EQ(server_->Head("/api/blobs/" + wrong).status, 404);
  auto mismatch = server_->Client()->Post("/api/blobs/" + wrong, data, "application/octet-stream");
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->status, 400);
  EXPECT_NE(mismatch->body.find("digest mismatch"), std::string::npos);
  EXPECT_EQ(server_->Head("/api/blobs/" + wrong).status, 404);  // nothing partial left
  EXPECT_EQ(server_->Head("/api/blobs/sha256:ABC").status, 400);
  EXPECT_EQ(server_->Post("/api/create", json{{"model", "x"}, {"files", {{"a.gguf", "sha256:" + std::string(64, 'b')}}}}).status,
            400);
  EXPECT_EQ(server_->Post("/api/create", json{{"model", "x"}, {"files", {{"a.gguf", "../../etc/passwd"}}}}).status, 400);
}

TEST_F(ApiTest, ErrorsHaveOllamaStatusesAndMessages) {
  auto unknown = server_->Post("/api/generate", json{{"model", "nope"}, {"prompt", "x"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Json()["error"], "model 'nope' not found");
  auto empty = server_->Post("/api/generate", std::string());
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.Json()["error"], "missing request body");
  EXPECT_EQ(server_->Post("/api/chat", std::string("{not json")).status, 400);
  EXPECT_EQ(server_->Post("/api/chat", std::string("[1,2]")).status, 400);
  auto wrong_type = server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"options", {{"top_k", "x"}}}});
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.Json()["error"], "option \"top_k\" must be of type integer");
  EXPECT_EQ(server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", 5}}).status, 400);
  EXPECT_EQ(server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"messages", "hi"}}).status, 400);
  EXPECT_EQ(server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"messages", {{{"content", "no role"}}}}}).status, 400);
  EXPECT_EQ(server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"keep_alive", "forever"}}).status, 400);
  EXPECT_EQ(server_->Post("/api/generate", json{{"prompt", "x"}}).status, 400);
  auto think = server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"think", true},
                                                {"messages", {{{"role", "user"}, {"content", "x"}}}}});
  EXPECT_EQ(think.status, 400);
  EXPECT_EQ(think.Json()["error"], "\"tiny-chat\" does not support thinking");
  EXPECT_EQ(server_->Get("/api/generate").status, 405);
  EXPECT_EQ(server_->Post("/api/tags", std::string("{}")).status, 405);
  EXPECT_EQ(server_->Get("/api/nothing-here").status, 404);
  EXPECT_EQ(server_->Post("/api/create", json{{"model", "bad/name/with/too/many/parts"}, {"from", "tiny-chat"}}).status, 400);
  // The server is still fine.
  EXPECT_EQ(server_->Get("/").status, 200);
}

TEST_F(ApiTest, ChatDropsOldMessagesToFitOrRefuses) {
  std::string filler;
  for (int i = 0; i < 60; ++i) filler += "filler words to take space ";
  json messages = json::array();
  messages.push_back({{"role", "system"}, {"content", "sys"}});
  for (int i = 0; i < 6; ++i) {
    messages.push_back({{"role", "user"}, {"content", filler}});
    messages.push_back({{"role", "assistant"}, {"content", "ok"}});
  }
  messages.push_back({{"role", "user"}, {"content", "last question"}});
  json opts = Greedy(2);
  opts["num_ctx"] = 256;
  auto fitted = server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"messages", messages}, {"options", opts}, {"stream", false}});
  ASSERT_EQ(fitted.status, 200) << fitted.body;
  EXPECT_LT(fitted.Json()["prompt_eval_count"].get<int>(), 256);
  auto refused = server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"messages", messages}, {"options", opts},
                                                  {"truncate", false}, {"stream", false}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.Json()["error"].get<std::string>().find("longer than the context length"), std::string::npos);
  auto gen = server_->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", filler + filler}, {"options", opts},
                                                  {"stream", false}});
  ASSERT_EQ(gen.status, 200) << gen.body;
  EXPECT_LT(gen.Json()["prompt_eval_count"].get<int>(), 256);
}

}  // namespace
}  // namespace suanli::testing
