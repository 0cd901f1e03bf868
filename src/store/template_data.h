// The data a TEMPLATE sees, as Ollama's template package builds it:
// .Messages[] {.Role .Content .Thinking .Images .ToolCalls[] {.ID .Function
// {.Index .Name .Arguments}} .ToolName .ToolCallID} and .Tools[] {.Type
// .Items .Function {.Name .Description .Parameters {.Type .Required
// .Properties}}}, with Go's types so that printing, json and comparisons
// behave as in Ollama. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/go_template_value.h"

namespace suanli::store {

struct TemplateToolCall {
  std::string id;
  int index = 0;
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();  // null: no arguments
};

struct TemplateMessage {
  std::string role;  // system, user, assistant, tool
  std::string content;
  std::string thinking;
  std::vector<std::string> images;  // base64
  std::vector<TemplateToolCall> tool_calls;
  std::string tool_name;
  std::string tool_call_id;
};

// Ollama's template.Values: what one rendering is given.
struct TemplateValues {
  std::vector<TemplateMessage> messages;
  nlohmann::json tools;  // the request's "tools" array, or null
  std::string prompt;    // with suffix: fill-in-the-middle mode
  std::string suffix;
  bool think = false;
  std::string think_level;  // "high", "medium", "low" when a level was given
  bool is_think_set = false;
  bool force_legacy = false;  // render per turn even if .Messages is used
};

// An API message ({"role","content","thinking","images","tool_calls",
// "tool_name","tool_call_id"}; tool call "arguments" as an object or a JSON
// string). InvalidArgument naming the field for wrong types.
StatusOr<TemplateMessage> TemplateMessageFromJson(const nlohmann::json& json);
StatusOr<std::vector<TemplateMessage>> TemplateMessagesFromJson(const nlohmann::json& json);

// .Messages: []*templateMessage (a nil slice when empty).
TemplateValue MessagesValue(const std::vector<TemplateMessage>& messages);
// .Tools: templateTools, whose String() is its JSON (nil for null/absent).
// InvalidArgument for a malformed tool.
StatusOr<TemplateValue> ToolsValue(const nlohmann::json& tools);

}  // namespace suanli::store
