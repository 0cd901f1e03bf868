// The OpenAI-compatible API against the real server: every endpoint, streamed
// and whole, SSE framing byte for byte, usage equal to the native counts, and
// OpenAI-shaped errors for bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <regex>

#include "server_harness.h"

namespace suanli::testing {
namespace {

class OpenAITest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerHarness(Env{{"SUANLI_NUM_PARALLEL", "2"}});
    ASSERT_TRUE(server_->ok()) << "the server did not start";
    ASSERT_TRUE(server_->CreateModel("tiny-chat", TinyChatModel(), kOneThread));
    ASSERT_TRUE(server_->CreateModel("tiny-embed", TinyEmbedModel(), kOneThread));
    // Modelfile parameters that OpenAI requests must keep when they omit them.
    auto greedy = server_->Post("/api/create", json{{"model", "tiny-greedy"},
                                                    {"from", "tiny-chat"},
                                                    {"parameters", {{"temperature", 0}, {"num_thread", 1}}},
                                                    {"stream", false}});
    ASSERT_EQ(greedy.status, 200) << greedy.body;
  }
  static void TearDownTestSuite() { delete server_; }
  static ServerHarness* server_;
};
ServerHarness* OpenAITest::server_ = nullptr;

json ChatBody(int max_tokens, const std::string& text = "hello") {
  return {{"model", "tiny-chat"},
          {"messages", {{{"role", "user"}, {"content", text}}}},
          {"max_tokens", max_tokens},
          {"temperature", 0},
          {"seed", 1}};
}

// Parses a streamed reply: every event framed "data: ...\n\n", the last one
// "[DONE]"; returns the JSON chunks before it.
std::vector<json> Chunks(const HttpReply& r) {
  bool framing_ok = false;
  std::vector<std::string> events = r.Events(&framing_ok);
  EXPECT_TRUE(framing_ok) << r.body;
  EXPECT_FALSE(events.empty());
  EXPECT_EQ(r.body.substr(r.body.size() - 14), "data: [DONE]\n\n");
  std::vector<json> out;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    out.push_back(json::parse(events[i], nullptr, false));
    EXPECT_FALSE(out.back().is_discarded()) << events[i];
  }
  return out;
}

void ExpectOpenAIError(const HttpReply& r, int status, const std::string& type, const std::string& param) {
  EXPECT_EQ(r.status, status) << r.body;
  json e = r.Json();
  ASSERT_TRUE(e.contains("error") && e["error"].is_object()) << r.body;
  EXPECT_TRUE(e["error"]["message"].is_string());
  EXPECT_FALSE(e["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(e["error"]["type"], type) << r.body;
  EXPECT_EQ(e["error"]["param"], param.empty() ? json() : json(param)) << r.body;
  EXPECT_TRUE(e["error"].contains("code"));
}

TEST_F(OpenAITest, ModelsListAndRetrieve) {
  auto list = server_->Get("/v1/models");
  ASSERT_EQ(list.status, 200);
  json l = list.Json();
  EXPECT_EQ(l["object"], "list");
  ASSERT_EQ(l["data"].size(), 3u);
  for (const auto& m : l["data"]) {
    EXPECT_EQ(m["object"], "model");
    EXPECT_TRUE(m["created"].is_number_integer());
    EXPECT_EQ(m["owned_by"], "library");
  }
  auto one = server_->Get("/v1/models/tiny-chat:latest");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json()["id"], "tiny-chat:latest");
  ExpectOpenAIError(server_->Get("/v1/models/nope"), 404, "not_found_error", "model");
}

TEST_F(OpenAITest, ChatWholeAndStreamedAgreeWithTheNativeApi) {
  auto whole = server_->Post("/v1/chat/completions", ChatBody(6));
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_NE(whole.content_type.find("application/json"), std::string::npos);
  json w = whole.Json();
  EXPECT_TRUE(std::regex_match(w["id"].get<std::string>(), std::regex("chatcmpl-[A-Za-z0-9]+")));
  EXPECT_EQ(w["object"], "chat.completion");
  EXPECT_EQ(w["model"], "tiny-chat");
  EXPECT_TRUE(w["created"].is_number_integer());
  ASSERT_EQ(w["choices"].size(), 1u);
  EXPECT_EQ(w["choices"][0]["index"], 0);
  EXPECT_EQ(w["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(w["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(w["usage"]["completion_tokens"], 6);
  EXPECT_EQ(w["usage"]["total_tokens"], w["usage"]["prompt_tokens"].get<int>() + 6);

  // The native API counts the same tokens and writes the same text.
  auto native = server_
                    ->Post("/api/chat", json{{"model", "tiny-chat"},
                                             {"stream", false},
                                             {"messages", {{{"role", "user"}, {"content", "hello"}}}},
                                             {"options", {{"temperature", 0}, {"seed", 1}, {"num_predict", 6}}}})
                    .Json();
  EXPECT_EQ(w["usage"]["prompt_tokens"], native["prompt_eval_count"]);
  EXPECT_EQ(w["usage"]["completion_tokens"], native["eval_count"]);
  EXPECT_EQ(w["choices"][0]["message"]["content"], native["message"]["content"]);

  json body = ChatBody(6);
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  auto streamed = server_->Post("/v1/chat/completions", body);
  ASSERT_EQ(streamed.status, 200);
  EXPECT_NE(streamed.content_type.find("text/event-stream"), std::string::npos);
  std::vector<json> chunks = Chunks(streamed);
  ASSERT_GE(chunks.size(), 3u);
  std::string text;
  for (size_t i = 0; i + 2 < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i]["object"], "chat.completion.chunk");
    EXPECT_EQ(chunks[i]["choices"][0]["finish_reason"], json());
    text += chunks[i]["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(text, w["choices"][0]["message"]["content"]);
  const json& finish = chunks[chunks.size() - 2];
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(finish["choices"][0]["delta"], json::object());
  const json& usage = chunks.back();
  EXPECT_EQ(usage["choices"], json::array());
  EXPECT_EQ(usage["usage"], w["usage"]);
  for (const auto& c : chunks) {
    EXPECT_EQ(c["id"], chunks[0]["id"]);
    EXPECT_EQ(c["created"], chunks[0]["created"]);
    EXPECT_EQ(c["model"], "tiny-chat");
  }

  body.erase("stream_options");  // no usage chunk unless asked
  std::vector<json> plain = Chunks(server_->Post("/v1/chat/completions", body));
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(plain.back()["choices"][0]["finish_reason"], "length");
  for (const auto& c : plain) EXPECT_FALSE(c.contains("usage"));
}

TEST_F(OpenAITest, MessagesTakeContentPartsAndDeveloperRole) {
  json parts = ChatBody(1);
  parts["_debug_render_only"] = true;
  parts["messages"] = {{{"role", "developer"}, {"content", "be brief"}},
                       {{"role", "user"}, {"content", {{{"type", "text"}, {"text", "hi"}}}}}};
  auto r = server_->Post("/v1/chat/completions", parts);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["_debug_info"]["rendered_template"],
            "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
}

TEST_F(OpenAITest, OmittedSamplingKeepsTheModelsDefaultsAndNumCtxIsAccepted) {
  // tiny-greedy has temperature 0 in its Modelfile: without a temperature in
  // the request, different seeds give the same text (Ollama would force 1.0).
  json a = {
      {"model", "tiny-greedy"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}, {"max_tokens", 8}, {"seed", 1}};
  json b = a;
  b["seed"] = 2;
  auto ra = server_->Post("/v1/chat/completions", a).Json();
  auto rb = server_->Post("/v1/chat/completions", b).Json();
  EXPECT_EQ(ra["choices"][0]["message"]["content"], rb["choices"][0]["message"]["content"]);
  a["num_ctx"] = 512;
  ASSERT_EQ(server_->Post("/v1/chat/completions", a).status, 200);
  json ps = server_->Get("/api/ps").Json();
  bool found = false;
  for (const auto& m : ps["models"]) {
    if (m["name"] == "tiny-greedy:latest") {
      found = true;
      EXPECT_EQ(m["context_length"], 512);
    }
  }
  EXPECT_TRUE(found) << ps.dump();
}

TEST_F(OpenAITest, CompletionsWholeStreamedAndListed) {
  json body = {{"model", "tiny-chat"}, {"prompt", "Once upon"}, {"max_tokens", 5}, {"temperature", 0}};
  auto whole = server_->Post("/v1/completions", body);
  ASSERT_EQ(whole.status, 200) << whole.body;
  json w = whole.Json();
  EXPECT_TRUE(std::regex_match(w["id"].get<std::string>(), std::regex("cmpl-[A-Za-z0-9]+")));
  EXPECT_EQ(w["object"], "text_completion");
  EXPECT_EQ(w["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(w["usage"]["completion_tokens"], 5);
  auto native = server_
                    ->Post("/api/generate", json{{"model", "tiny-chat"},
                                                 {"prompt", "Once upon"},
                                                 {"stream", false},
                                                 {"options", {{"temperature", 0}, {"num_predict", 5}}}})
                    .Json();
  EXPECT_EQ(w["choices"][0]["text"], native["response"]);
  EXPECT_EQ(w["usage"]["prompt_tokens"], native["prompt_eval_count"]);

  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  std::vector<json> chunks = Chunks(server_->Post("/v1/completions", body));
  ASSERT_GE(chunks.size(), 3u);
  std::string text;
  for (size_t i = 0; i + 2 < chunks.size(); ++i) text += chunks[i]["choices"][0]["text"].get<std::string>();
  EXPECT_EQ(text, w["choices"][0]["text"]);
  EXPECT_EQ(chunks[chunks.size() - 2]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(chunks.back()["usage"], w["usage"]);

  json listed = {{"model", "tiny-chat"}, {"prompt", {"Once upon", "Twice"}}, {"max_tokens", 3}, {"temperature", 0}};
  json l = server_->Post("/v1/completions", listed).Json();
  ASSERT_EQ(l["choices"].size(), 2u) << l.dump();
  EXPECT_EQ(l["choices"][0]["index"], 0);
  EXPECT_EQ(l["choices"][1]["index"], 1);
  EXPECT_EQ(l["usage"]["completion_tokens"], 6);
  ExpectOpenAIError(server_->Post("/v1/completions", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"suffix", "y"}}),
                    400, "invalid_request_error", "");
}

std::vector<float> DecodeBase64Floats(const std::string& b64) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<uint32_t>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

TEST_F(OpenAITest, EmbeddingsAsFloatsAndBase64) {
  auto r = server_->Post("/v1/embeddings", json{{"model", "tiny-embed"}, {"input", {"first", "second"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  json e = r.Json();
  EXPECT_EQ(e["object"], "list");
  EXPECT_EQ(e["model"], "tiny-embed");
  ASSERT_EQ(e["data"].size(), 2u);
  EXPECT_EQ(e["data"][1]["index"], 1);
  EXPECT_EQ(e["data"][0]["object"], "embedding");
  EXPECT_EQ(e["data"][0]["embedding"].size(), 64u);
  EXPECT_GT(e["usage"]["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(e["usage"]["total_tokens"], e["usage"]["prompt_tokens"]);
  auto native = server_->Post("/api/embed", json{{"model", "tiny-embed"}, {"input", {"first", "second"}}}).Json();
  EXPECT_EQ(e["usage"]["prompt_tokens"], native["prompt_eval_count"]);

  auto b = server_->Post(
      "/v1/embeddings",
      json{{"model", "tiny-embed"}, {"input", "first"}, {"encoding_format", "base64"}, {"dimensions", 16}});
  ASSERT_EQ(b.status, 200) << b.body;
  std::vector<float> v = DecodeBase64Floats(b.Json()["data"][0]["embedding"].get<std::string>());
  ASSERT_EQ(v.size(), 16u);
  double norm = 0;
  for (float x : v) norm += double(x) * x;
  EXPECT_NEAR(norm, 1.0, 1e-4);
  auto f =
      server_->Post("/v1/embeddings", json{{"model", "tiny-embed"}, {"input", "first"}, {"dimensions", 16}}).Json();
  for (size_t i = 0; i < 16; ++i) EXPECT_FLOAT_EQ(v[i], f["data"][0]["embedding"][i].get<float>());

  ExpectOpenAIError(server_->Post("/v1/embeddings", json{{"model", "tiny-embed"}, {"input", json::array()}}), 400,
                    "invalid_request_error", "input");
  ExpectOpenAIError(
      server_->Post("/v1/embeddings", json{{"model", "tiny-embed"}, {"input", "x"}, {"encoding_format", "hex"}}), 400,
      "invalid_request_error", "encoding_format");
  ExpectOpenAIError(server_->Post("/v1/embeddings", json{{"model", "tiny-chat"}, {"input", "x"}}), 400,
                    "invalid_request_error", "");
  ExpectOpenAIError(server_->Post("/v1/embeddings", json{{"model", "nope"}, {"input", "x"}}), 404, "not_found_error",
                    "model");
}

TEST_F(OpenAITest, BadInputsGetOpenAIShapedErrors) {
  auto with = [](const char* key, json value) {
    json b = ChatBody(2);
    b[key] = value;
    return b;
  };
  const std::string chat = "/v1/chat/completions";
  ExpectOpenAIError(server_->Post(chat, with("n", 3)), 400, "invalid_request_error", "n");
  ExpectOpenAIError(server_->Post(chat, with("model", "nope")), 404, "not_found_error", "model");
  ExpectOpenAIError(server_->Post(chat, with("messages", "hi")), 400, "invalid_request_error", "messages");
  ExpectOpenAIError(server_->Post(chat, with("messages", json::array())), 400, "invalid_request_error", "messages");
  ExpectOpenAIError(server_->Post(chat, with("messages", {{{"content", "no role"}}})), 400, "invalid_request_error",
                    "messages[0].role");
  ExpectOpenAIError(server_->Post(chat, with("messages", {{{"role", "user"}, {"content", 5}}})), 400,
                    "invalid_request_error", "messages[0].content");
  ExpectOpenAIError(
      server_->Post(chat,
                    with("messages", {{{"role", "user"}, {"content", {{{"type", "image_url"}, {"image_url", "x"}}}}}})),
      400, "invalid_request_error", "messages[0].content");
  ExpectOpenAIError(server_->Post(chat, with("temperature", "hot")), 400, "invalid_request_error", "temperature");
  ExpectOpenAIError(server_->Post(chat, with("max_tokens", -1)), 400, "invalid_request_error", "max_tokens");
  ExpectOpenAIError(server_->Post(chat, with("stop", 5)), 400, "invalid_request_error", "stop");
  ExpectOpenAIError(server_->Post(chat, with("stream", "yes")), 400, "invalid_request_error", "stream");
  ExpectOpenAIError(server_->Post(chat, with("response_format", {{"type", "xml"}})), 400, "invalid_request_error",
                    "response_format");
  ExpectOpenAIError(
      server_->Post(chat, with("response_format",
                               {{"type", "json_schema"}, {"json_schema", {{"schema", {{"type", "nonsense"}}}}}})),
      400, "invalid_request_error", "response_format");
  ExpectOpenAIError(server_->Post(chat, with("reasoning_effort", "high")), 400, "invalid_request_error", "");
  ExpectOpenAIError(server_->Post(chat, with("top_logprobs", 50)), 400, "invalid_request_error", "top_logprobs");
  ExpectOpenAIError(server_->Post(chat, std::string("{not json")), 400, "invalid_request_error", "");
  ExpectOpenAIError(server_->Post("/v1/completions", json{{"model", "tiny-chat"}, {"prompt", 5}}), 400,
                    "invalid_request_error", "prompt");
  ExpectOpenAIError(server_->Post("/v1/completions", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"n", 2}}), 400,
                    "invalid_request_error", "n");
  EXPECT_EQ(server_->Get(chat).status, 405);
  EXPECT_EQ(server_->Post("/v1/models", std::string("{}")).status, 405);
  EXPECT_EQ(server_->Get("/").status, 200);  // still fine
}

}  // namespace
}  // namespace suanli::testing
