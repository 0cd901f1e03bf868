// Tool calls, thinking and logprobs through the real server, on both APIs.
// A GBNF grammar (the `grammar` extension) makes the random-weight model
// write a scripted tool call or thinking block, so the whole path runs:
// template, sampling, incremental parsing, native and OpenAI shapes.
#include <gtest/gtest.h>

#include <regex>

#include "server_harness.h"

namespace suanli::testing {
namespace {

class ToolsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerHarness(Env{{"SUANLI_NUM_PARALLEL", "2"}});
    ASSERT_TRUE(server_->ok()) << "the server did not start";
    ASSERT_TRUE(server_->CreateModel("tiny-chat", TinyChatModel(), kOneThread));
    ASSERT_TRUE(server_->CreateModel("tiny-tools", TinyToolsModel(), kOneThread));
    ASSERT_TRUE(server_->CreateModel("tiny-think", TinyThinkModel(), kOneThread));
  }
  static void TearDownTestSuite() { delete server_; }
  static ServerHarness* server_;
};
ServerHarness* ToolsTest::server_ = nullptr;

const json kTools = json::parse(R"([{"type":"function","function":{"name":"get_weather",
  "description":"Get the current weather in a city",
  "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])");

// The Qwen2.5 tool-call format, forced by a grammar.
const char kToolCallGrammar[] =
    R"(root ::= "Ok. <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")";
const char kThinkGrammar[] = R"(root ::= "<think>\nHm.\n</think>\n\nHi")";

json UserMessages(const std::string& text) { return json::array({{{"role", "user"}, {"content", text}}}); }

std::vector<json> Chunks(const HttpReply& r) {
  bool framing_ok = false;
  std::vector<std::string> events = r.Events(&framing_ok);
  EXPECT_TRUE(framing_ok) << r.body;
  EXPECT_EQ(events.empty() ? "" : events.back(), "[DONE]");
  std::vector<json> out;
  for (size_t i = 0; i + 1 < events.size(); ++i) out.push_back(json::parse(events[i], nullptr, false));
  return out;
}

void ExpectOllamaCall(const json& calls, int index) {
  ASSERT_EQ(calls.size(), 1u) << calls.dump();
  EXPECT_TRUE(std::regex_match(calls[0]["id"].get<std::string>(), std::regex("call_[a-z0-9]{8}"))) << calls.dump();
  EXPECT_EQ(calls[0]["function"]["index"], index);
  EXPECT_EQ(calls[0]["function"]["name"], "get_weather");
  EXPECT_EQ(calls[0]["function"]["arguments"], json({{"city", "Paris"}}));  // an object
}

void ExpectOpenAICall(const json& calls) {
  ASSERT_EQ(calls.size(), 1u) << calls.dump();
  EXPECT_EQ(calls[0]["index"], 0);
  EXPECT_EQ(calls[0]["type"], "function");
  EXPECT_TRUE(std::regex_match(calls[0]["id"].get<std::string>(), std::regex("call_[a-z0-9]{8}")));
  EXPECT_EQ(calls[0]["function"]["name"], "get_weather");
  ASSERT_TRUE(calls[0]["function"]["arguments"].is_string());  // JSON text
  EXPECT_EQ(json::parse(calls[0]["function"]["arguments"].get<std::string>()), json({{"city", "Paris"}}));
}

TEST_F(ToolsTest, ToolDefinitionsAndResultsReachThePrompt) {
  json messages = UserMessages("weather in Paris?");
  messages.push_back({{"role", "assistant"},
                      {"content", ""},
                      {"tool_calls",
                       {{{"id", "call_abc"},
                         {"type", "function"},
                         {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}}}}});
  messages.push_back({{"role", "tool"}, {"tool_call_id", "call_abc"}, {"content", "11 degrees and rain"}});
  auto openai = server_->Post(
      "/v1/chat/completions",
      json{{"model", "tiny-tools"}, {"messages", messages}, {"tools", kTools}, {"_debug_render_only", true}});
  ASSERT_EQ(openai.status, 200) << openai.body;
  const std::string prompt = openai.Json()["_debug_info"]["rendered_template"];
  EXPECT_NE(prompt.find("Get the current weather in a city"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("<tool_call>\n{\"name\": \"get_weather\""), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("<tool_response>\n11 degrees and rain\n</tool_response>"), std::string::npos) << prompt;

  json native_messages = UserMessages("weather in Paris?");
  native_messages.push_back(
      {{"role", "assistant"},
       {"content", ""},
       {"tool_calls", {{{"function", {{"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}}}}}}});
  native_messages.push_back({{"role", "tool"}, {"tool_name", "get_weather"}, {"content", "11 degrees and rain"}});
  auto native = server_->Post(
      "/api/chat",
      json{{"model", "tiny-tools"}, {"messages", native_messages}, {"tools", kTools}, {"_debug_render_only", true}});
  ASSERT_EQ(native.status, 200) << native.body;
  EXPECT_EQ(native.Json()["_debug_info"]["rendered_template"], prompt);

  // Tool parameters keep their key order on the way to the template.
  const std::string ordered = R"({"model":"tiny-tools","_debug_render_only":true,
    "messages":[{"role":"user","content":"x"}],
    "tools":[{"type":"function","function":{"name":"f","parameters":
      {"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"string"}}}}}]})";
  const std::string rendered = server_->Post("/api/chat", ordered).Json()["_debug_info"]["rendered_template"];
  EXPECT_NE(rendered.find(R"("properties": {"zeta": {"type": "string"}, "alpha")"), std::string::npos) << rendered;
  EXPECT_LT(rendered.find(R"("type": "object")"), rendered.find(R"("properties")")) << rendered;

  // A model whose template has no tools refuses them, as Ollama does.
  auto refused =
      server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"messages", UserMessages("x")}, {"tools", kTools}});
  EXPECT_EQ(refused.status, 400);
}

TEST_F(ToolsTest, ScriptedToolCallBecomesToolCallsOnBothApis) {
  json native = {{"model", "tiny-tools"},
                 {"messages", UserMessages("weather in Paris?")},
                 {"tools", kTools},
                 {"grammar", kToolCallGrammar},
                 {"options", {{"temperature", 0}, {"num_predict", 200}}}};
  // Native, streamed: content first, then the call in its own chunk.
  auto lines = server_->Post("/api/chat", native).Lines();
  ASSERT_GE(lines.size(), 3u);
  std::string content;
  json calls = json::array();
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    content += lines[i]["message"]["content"].get<std::string>();
    for (const auto& c : lines[i]["message"].value("tool_calls", json::array())) calls.push_back(c);
  }
  EXPECT_EQ(content, "Ok. ");
  ExpectOllamaCall(calls, 0);
  EXPECT_TRUE(lines.back()["done"].get<bool>());
  EXPECT_EQ(lines.back()["done_reason"], "stop");

  // OpenAI, whole and streamed.
  json openai = {{"model", "tiny-tools"},
                 {"messages", UserMessages("weather in Paris?")},
                 {"tools", kTools},
                 {"tool_choice", "auto"},
                 {"grammar", kToolCallGrammar},
                 {"temperature", 0},
                 {"max_tokens", 200}};
  json o = server_->Post("/v1/chat/completions", openai).Json();
  EXPECT_EQ(o["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_EQ(o["choices"][0]["message"]["content"], "Ok. ");
  ExpectOpenAICall(o["choices"][0]["message"]["tool_calls"]);
  openai["stream"] = true;
  std::vector<json> chunks = Chunks(server_->Post("/v1/chat/completions", openai));
  ASSERT_GE(chunks.size(), 2u);
  json streamed_calls = json::array();
  for (const auto& c : chunks) {
    for (const auto& call : c["choices"][0]["delta"].value("tool_calls", json::array())) streamed_calls.push_back(call);
  }
  ExpectOpenAICall(streamed_calls);
  EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "tool_calls");
}

TEST_F(ToolsTest, ToolChoiceRequiredConstrainsAndNamedMustExist) {
  // The template's grammar holds back the end until a tool call is written,
  // so the random model never stops with plain text.
  json body = {
      {"model", "tiny-tools"}, {"messages", UserMessages("weather?")},
      {"tools", kTools},       {"tool_choice", {{"type", "function"}, {"function", {{"name", "get_weather"}}}}},
      {"max_tokens", 6},       {"temperature", 0}};
  auto r = server_->Post("/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.Json()["choices"][0]["finish_reason"], "stop") << r.body;
  body["tool_choice"] = {{"type", "function"}, {"function", {{"name", "nope"}}}};
  auto bad = server_->Post("/v1/chat/completions", body);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["param"], "tool_choice");
  body["tool_choice"] = "none";
  EXPECT_EQ(server_->Post("/v1/chat/completions", body).status, 200);
}

TEST_F(ToolsTest, ThinkingGoesToThinkingAndReasoning) {
  json native = {{"model", "tiny-think"},
                 {"messages", UserMessages("hi")},
                 {"grammar", kThinkGrammar},
                 {"options", {{"temperature", 0}, {"num_predict", 100}}}};
  auto lines = server_->Post("/api/chat", native).Lines();
  std::string thinking, content;
  for (const auto& l : lines) {
    thinking += l["message"].value("thinking", "");
    content += l["message"]["content"].get<std::string>();
  }
  EXPECT_NE(thinking.find("Hm."), std::string::npos) << thinking;
  EXPECT_EQ(content, "Hi");
  json gen = server_
                 ->Post("/api/generate", json{{"model", "tiny-think"},
                                              {"prompt", "hi"},
                                              {"grammar", kThinkGrammar},
                                              {"stream", false},
                                              {"options", {{"temperature", 0}, {"num_predict", 100}}}})
                 .Json();
  EXPECT_EQ(gen["thinking"], thinking);
  EXPECT_EQ(gen["response"], "Hi");

  json openai = {{"model", "tiny-think"},    {"messages", UserMessages("hi")},
                 {"grammar", kThinkGrammar}, {"reasoning_effort", "low"},
                 {"temperature", 0},         {"max_tokens", 100}};
  json o = server_->Post("/v1/chat/completions", openai).Json();
  EXPECT_EQ(o["choices"][0]["message"]["reasoning"], thinking);
  EXPECT_EQ(o["choices"][0]["message"]["content"], "Hi");
  openai["stream"] = true;
  std::string reasoning;
  for (const auto& c : Chunks(server_->Post("/v1/chat/completions", openai))) {
    reasoning += c["choices"][0]["delta"].value("reasoning", "");
  }
  EXPECT_EQ(reasoning, thinking);

  // think: false (reasoning_effort none) renders the template's empty thinking block.
  auto off = server_->Post("/v1/chat/completions", json{{"model", "tiny-think"},
                                                        {"messages", UserMessages("hi")},
                                                        {"reasoning_effort", "none"},
                                                        {"_debug_render_only", true}});
  EXPECT_NE(off.Json()["_debug_info"]["rendered_template"].get<std::string>().find("<think>\n\n</think>"),
            std::string::npos)
      << off.body;
  auto bad =
      server_->Post("/api/chat", json{{"model", "tiny-chat"}, {"think", "high"}, {"messages", UserMessages("x")}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"], "\"tiny-chat\" does not support thinking");
}

TEST_F(ToolsTest, LogprobsOnBothApis) {
  json body = {{"model", "tiny-chat"}, {"messages", UserMessages("hi")},
               {"max_tokens", 4},      {"temperature", 0},
               {"logprobs", true},     {"top_logprobs", 3}};
  json o = server_->Post("/v1/chat/completions", body).Json();
  const json& content = o["choices"][0]["logprobs"]["content"];
  ASSERT_EQ(content.size(), 4u) << o.dump();
  std::string text;
  for (const auto& t : content) {
    text += t["token"].get<std::string>();
    EXPECT_LE(t["logprob"].get<double>(), 0.0);
    EXPECT_TRUE(t["bytes"].is_array());
    ASSERT_EQ(t["top_logprobs"].size(), 3u);
    EXPECT_GE(t["top_logprobs"][0]["logprob"].get<double>(), t["top_logprobs"][1]["logprob"].get<double>());
    // Greedy: the chosen token is the most likely one.
    EXPECT_DOUBLE_EQ(t["logprob"].get<double>(), t["top_logprobs"][0]["logprob"].get<double>());
  }
  EXPECT_EQ(text, o["choices"][0]["message"]["content"]);
  json native = server_
                    ->Post("/api/chat", json{{"model", "tiny-chat"},
                                             {"messages", UserMessages("hi")},
                                             {"stream", false},
                                             {"logprobs", true},
                                             {"top_logprobs", 3},
                                             {"options", {{"temperature", 0}, {"num_predict", 4}}}})
                    .Json();
  ASSERT_EQ(native["logprobs"].size(), 4u);
  EXPECT_EQ(native["logprobs"][0]["token"], content[0]["token"]);
  EXPECT_DOUBLE_EQ(native["logprobs"][0]["logprob"].get<double>(), content[0]["logprob"].get<double>());
  json none = server_
                  ->Post("/v1/chat/completions",
                         json{{"model", "tiny-chat"}, {"messages", UserMessages("hi")}, {"max_tokens", 1}})
                  .Json();
  EXPECT_EQ(none["choices"][0]["logprobs"], json());
}

}  // namespace
}  // namespace suanli::testing
