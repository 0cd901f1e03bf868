// ChatStream: scripted answers fed piece by piece through the templates'
// parsers become content, thinking and whole tool calls, once each.
#include "engine/chat_stream.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "engine/test_models.h"

namespace suanli::engine {
namespace {

std::string ReadTemplate(const std::string& name) {
  std::string src;
  FILE* f = std::fopen((std::string(SUANLI_TEMPLATES_DIR) + "/" + name).c_str(), "rb");
  if (f == nullptr) return src;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) src.append(buf, n);
  std::fclose(f);
  return src;
}

std::unique_ptr<ChatTemplate> Make(const std::string& file) {
  const std::string src = file.empty() ? "" : ReadTemplate(file);
  EXPECT_TRUE(file.empty() || !src.empty()) << "llama.cpp's template folder is missing " << file;
  auto t = ChatTemplate::Create(testing::TinyChat(), src);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

ToolSpec Weather() {
  return {"get_weather", "Get the weather",
          R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"};
}

struct Collected {
  std::string content, thinking;
  std::vector<ToolCall> calls;
  std::vector<size_t> call_steps;  // the piece index at which each call arrived
  ParsedOutput final_message;
};

// Feeds `text` in pieces of `step` bytes.
Collected Feed(ChatStream& stream, const std::string& text, size_t step) {
  Collected c;
  auto take = [&](const ChatDelta& d, size_t i) {
    c.content += d.content;
    c.thinking += d.thinking;
    for (const auto& call : d.tool_calls) {
      c.calls.push_back(call);
      c.call_steps.push_back(i);
    }
  };
  size_t i = 0;
  for (size_t pos = 0; pos < text.size(); pos += step, ++i) take(stream.Push(text.substr(pos, step)), i);
  take(stream.Finish(&c.final_message), i);
  return c;
}

TEST(ChatStreamTest, ToolCallsArriveWholeOnceWithStableIds) {
  auto t = Make("Qwen-Qwen2.5-7B-Instruct.jinja");
  RenderRequest req;
  req.messages = {{"user", "weather in Paris and Rome?", "", {}, "", ""}};
  req.tools = {Weather()};
  auto r = t->Render(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->parse_tool_calls);
  EXPECT_FALSE(r->grammar.empty());
  EXPECT_TRUE(r->grammar_lazy);
  EXPECT_FALSE(r->grammar_trigger_patterns.empty() && r->grammar_trigger_tokens.empty());

  const std::string first =
      "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
  const std::string second =
      "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call>";
  for (size_t step : {1, 3, 7}) {
    ChatStream stream(*t, *r);
    ASSERT_TRUE(stream.parsing());
    Collected c = Feed(stream, "Checking. " + first + "\n" + second, step);
    EXPECT_EQ(c.content, "Checking. ") << "step " << step;
    ASSERT_EQ(c.calls.size(), 2u) << "step " << step;
    EXPECT_EQ(c.calls[0].name, "get_weather");
    EXPECT_EQ(nlohmann::json::parse(c.calls[0].arguments), nlohmann::json({{"city", "Paris"}}));
    EXPECT_EQ(nlohmann::json::parse(c.calls[1].arguments), nlohmann::json({{"city", "Rome"}}));
    // The first call streams as soon as its arguments close, before the second starts.
    EXPECT_LT(c.call_steps[0], ("Checking. " + first).size() / step + 1);
    for (const auto& call : c.calls) EXPECT_TRUE(std::regex_match(call.id, std::regex("call_[a-z0-9]{8}"))) << call.id;
    EXPECT_NE(c.calls[0].id, c.calls[1].id);
    ASSERT_EQ(c.final_message.tool_calls.size(), 2u);
    EXPECT_EQ(c.final_message.tool_calls[0].id, c.calls[0].id);
    EXPECT_EQ(c.final_message.tool_calls[1].id, c.calls[1].id);
    EXPECT_EQ(c.final_message.content, "Checking. ");
  }
}

TEST(ChatStreamTest, ThinkingAndContentAreSeparated) {
  auto t = Make("Qwen-Qwen3-0.6B.jinja");
  RenderRequest req;
  req.messages = {{"user", "hi", "", {}, "", ""}};
  req.enable_thinking = true;
  auto r = t->Render(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->thinking);
  ChatStream stream(*t, *r);
  ASSERT_TRUE(stream.parsing());
  Collected c = Feed(stream, "<think>\nLet me think.\n</think>\n\nHello <b>there</b>", 2);
  EXPECT_EQ(c.thinking, c.final_message.thinking);
  EXPECT_NE(c.thinking.find("Let me think."), std::string::npos);
  EXPECT_EQ(c.content, "Hello <b>there</b>");
  EXPECT_EQ(c.final_message.content, c.content);
  EXPECT_TRUE(c.calls.empty());
}

TEST(ChatStreamTest, WithoutToolsOrThinkingEveryPieceIsContent) {
  auto t = Make("");
  RenderRequest req;
  req.messages = {{"user", "hi", "", {}, "", ""}};
  auto r = t->Render(req);
  ASSERT_TRUE(r.ok());
  ChatStream stream(*t, *r);
  EXPECT_FALSE(stream.parsing());
  const std::string text = "<tool_call>{\"name\": \"x\"} <think>raw</think>";
  EXPECT_EQ(stream.Push(text).content, text);
  ParsedOutput final_message;
  EXPECT_TRUE(stream.Finish(&final_message).empty());
  EXPECT_EQ(final_message.content, text);
}

TEST(ChatStreamTest, GarbageNeverFailsAndNothingIsLost) {
  auto t = Make("Qwen-Qwen2.5-7B-Instruct.jinja");
  RenderRequest req;
  req.messages = {{"user", "x", "", {}, "", ""}};
  req.tools = {Weather()};
  auto r = t->Render(req);
  ASSERT_TRUE(r.ok());
  for (const std::string garbage : {"plain words", "<tool_call>{not json",
                                    "<tool_call>\n{\"name\": 5}\n</tool_call> tail", "</think>\x01 odd <tool_", ""}) {
    ChatStream stream(*t, *r);
    Collected c = Feed(stream, garbage, 2);
    // Streamed content is never taken back: it is a prefix of the final one.
    EXPECT_EQ(c.final_message.content.compare(0, c.content.size(), c.content), 0) << garbage;
    if (c.final_message.tool_calls.empty() && !garbage.empty()) {
      EXPECT_FALSE(c.final_message.content.empty() && c.final_message.thinking.empty()) << garbage;
    }
  }
}

TEST(ChatStreamTest, ToolChoiceNoneDoesNotParseCallsAndRequiredIsStrict) {
  auto t = Make("Qwen-Qwen2.5-7B-Instruct.jinja");
  RenderRequest req;
  req.messages = {{"user", "x", "", {}, "", ""}};
  req.tools = {Weather()};
  req.tool_choice = ToolChoice::kNone;
  auto none = t->Render(req);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->parse_tool_calls);
  EXPECT_TRUE(none->grammar.empty());
  EXPECT_NE(none->prompt.find("get_weather"), std::string::npos) << "the tools are still described";

  req.tool_choice = ToolChoice::kRequired;
  auto required = t->Render(req);
  ASSERT_TRUE(required.ok());
  EXPECT_FALSE(required->grammar.empty());
  EXPECT_FALSE(required->grammar_lazy);
}

TEST(ChatStreamTest, ToolCallIdsLookRight) {
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(std::regex_match(NewToolCallId(), std::regex("call_[a-z0-9]{8}")));
  EXPECT_NE(NewToolCallId(), NewToolCallId());
}

}  // namespace
}  // namespace suanli::engine
