// The OpenAI layer without a server: request translation into native bodies,
// reply shapes (tool calls in both APIs' shapes, usage, errors), SSE framing
// and base64 vectors.
#include "server/openai_format.h"

#include <gtest/gtest.h>

#include "server/native_format.h"
#include "server/openai_request.h"

namespace suanli::server {
namespace {

using json = nlohmann::json;

// What the runner reports for a parsed tool call.
const json kRunnerCalls = json::parse(
    R"([{"id":"call_ab12cd34","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},
        {"id":"call_ef56gh78","function":{"name":"get_time","arguments":"not json"}}])");

TEST(OpenAIFormatTest, ToolCallsInBothShapes) {
  json native = NativeToolCalls(kRunnerCalls);
  ASSERT_EQ(native.size(), 2u);
  EXPECT_EQ(native[0], json::parse(R"({"id":"call_ab12cd34","function":{"index":0,"name":"get_weather",
                                      "arguments":{"city":"Paris"}}})"));
  EXPECT_EQ(native[1]["function"]["index"], 1);
  EXPECT_EQ(native[1]["function"]["arguments"], json::object()) << "unparsable arguments become {}";

  json openai = OpenAIToolCalls(kRunnerCalls, 3);
  EXPECT_EQ(openai[0], json::parse(R"({"index":3,"id":"call_ab12cd34","type":"function",
                                      "function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}})"));
  EXPECT_EQ(openai[1]["index"], 4);
  EXPECT_EQ(openai[1]["function"]["arguments"], "not json") << "OpenAI passes the text through";
}

TEST(OpenAIFormatTest, ChatCompletionShapeAndFinishReasons) {
  CompletionResult r;
  r.message.content = "hi";
  r.message.thinking = "hmm";
  r.done_reason = "stop";
  r.prompt_eval_count = 7;
  r.eval_count = 3;
  const OpenAIResponseInfo info{"chatcmpl-x", 1700000000, "m"};
  json c = ChatCompletion(info, r, -1);
  EXPECT_EQ(c["object"], "chat.completion");
  EXPECT_EQ(c["id"], "chatcmpl-x");
  EXPECT_EQ(c["created"], 1700000000);
  EXPECT_EQ(c["choices"][0]["message"], json::parse(R"({"role":"assistant","content":"hi","reasoning":"hmm"})"));
  EXPECT_EQ(c["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(c["choices"][0]["logprobs"], json());
  EXPECT_EQ(c["usage"], json::parse(R"({"prompt_tokens":7,"completion_tokens":3,"total_tokens":10})"));
  r.done_reason = "length";
  EXPECT_EQ(FinishReason(r), "length");
  r.message.tool_calls = kRunnerCalls;
  EXPECT_EQ(FinishReason(r), "tool_calls");

  CompletionDelta d;
  d.tool_calls = json::array({kRunnerCalls[0]});
  json chunk = ChatChunk(info, d, 1, -1);
  EXPECT_EQ(chunk["object"], "chat.completion.chunk");
  EXPECT_EQ(chunk["choices"][0]["delta"]["tool_calls"][0]["index"], 1);
  EXPECT_EQ(chunk["choices"][0]["finish_reason"], json());
  EXPECT_EQ(ChatFinishChunk(info, "stop")["choices"][0]["delta"], json::object());
  EXPECT_EQ(UsageChunk(info, "chat.completion.chunk", Usage(r))["choices"], json::array());
}

TEST(OpenAIFormatTest, ErrorsAndFraming) {
  EXPECT_EQ(OpenAIError(InvalidArgumentError("bad n"), "n"),
            json::parse(R"({"error":{"message":"bad n","type":"invalid_request_error","param":"n","code":null}})"));
  EXPECT_EQ(OpenAIHttpStatus(NotFoundError("model 'x' not found")), 404);
  EXPECT_EQ(OpenAIError(NotFoundError("x"))["error"]["type"], "not_found_error");
  EXPECT_EQ(OpenAIHttpStatus(InternalError("x")), 500);
  EXPECT_EQ(OpenAIError(InternalError("x"))["error"]["param"], json());
  EXPECT_EQ(SseEvent(json{{"a", 1}}), "data: {\"a\":1}\n\n");
  EXPECT_EQ(SseDone(), "data: [DONE]\n\n");
  EXPECT_EQ(Base64Floats({1.0f}), "AACAPw==");
  EXPECT_EQ(Base64Floats({1.0f, -2.0f}), "AACAPwAAAMA=");
}

TEST(OpenAIRequestTest, ChatTranslatesToTheNativeBody) {
  std::string param;
  json body = json::parse(R"({"model":"m","stream":true,"stream_options":{"include_usage":true},
    "messages":[{"role":"developer","content":"sys"},
                {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                  "function":{"name":"f","arguments":"{\"x\":1}"}}]},
                {"role":"tool","tool_call_id":"call_1","content":"42"}],
    "max_completion_tokens":9,"stop":"END","seed":3,"num_ctx":2048,
    "response_format":{"type":"json_object"},"reasoning_effort":"minimal",
    "tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"g"}}],
    "tool_choice":{"type":"function","function":{"name":"g"}},"logprobs":true,"top_logprobs":2})");
  auto r = ChatRequestFromOpenAI(body, &param);
  ASSERT_TRUE(r.ok()) << r.status().message() << " " << param;
  ASSERT_EQ(r->native.size(), 1u);
  const json& n = r->native[0];
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  EXPECT_EQ(r->logprobs, 2);
  EXPECT_EQ(n["messages"][0], json::parse(R"({"role":"system","content":"sys"})"));
  EXPECT_EQ(n["messages"][1]["content"], "a\nb");
  EXPECT_EQ(n["messages"][2]["tool_calls"][0]["function"]["arguments"], json({{"x", 1}}));
  EXPECT_EQ(n["messages"][3]["tool_name"], "f");
  EXPECT_EQ(n["messages"][3]["tool_call_id"], "call_1");
  EXPECT_EQ(n["options"], json::parse(R"({"num_predict":9,"stop":["END"],"seed":3,"num_ctx":2048})"));
  EXPECT_FALSE(n["options"].contains("temperature")) << "omitted: the model's default stays";
  EXPECT_EQ(n["format"], "json");
  EXPECT_EQ(n["think"], "low");
  ASSERT_EQ(n["tools"].size(), 1u) << "a named tool_choice keeps that tool";
  EXPECT_EQ(n["tools"][0]["function"]["name"], "g");
  EXPECT_EQ(n["tool_choice"], "required");
  EXPECT_EQ(n["logprobs"], true);
  EXPECT_EQ(n["top_logprobs"], 2);
}

TEST(OpenAIRequestTest, BadFieldsNameTheParam) {
  auto param_of = [](const std::string& text) {
    std::string param;
    auto r = ChatRequestFromOpenAI(json::parse(text), &param);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return param;
  };
  const std::string ok_messages = R"("messages":[{"role":"user","content":"x"}])";
  EXPECT_EQ(param_of(R"({"messages":[{"role":"user","content":"x"}]})"), "model");
  EXPECT_EQ(param_of(R"({"model":"m","n":2,)" + ok_messages + "}"), "n");
  EXPECT_EQ(param_of(R"({"model":"m","messages":[{"role":"robot","content":"x"}]})"), "messages[0].role");
  EXPECT_EQ(param_of(R"({"model":"m","temperature":"x",)" + ok_messages + "}"), "temperature");
  EXPECT_EQ(param_of(R"({"model":"m","response_format":{"type":"json_schema"},)" + ok_messages + "}"),
            "response_format");
  EXPECT_EQ(param_of(R"({"model":"m","reasoning_effort":"extreme",)" + ok_messages + "}"), "reasoning_effort");
  EXPECT_EQ(param_of(R"({"model":"m","tools":[{"type":"retrieval"}],)" + ok_messages + "}"), "tools[0]");
  std::string param;
  auto c =
      CompletionRequestFromOpenAI(json::parse(R"({"model":"m","prompt":["a","b"],"logprobs":2,"suffix":"s"})"), &param);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->native.size(), 2u);
  EXPECT_EQ(c->native[1]["prompt"], "b");
  EXPECT_EQ(c->native[0]["suffix"], "s");
  EXPECT_EQ(c->logprobs, 2);
  auto e = EmbeddingRequestFromOpenAI(json::parse(R"({"model":"m","input":"","encoding_format":"base64"})"), &param);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->native["input"], json::array({""})) << "\"\" embeds one empty input, as in Ollama";
  EXPECT_TRUE(e->base64);
}

}  // namespace
}  // namespace suanli::server
