// ChatTemplate renders chat messages into a prompt with the model's Jinja
// template (llama.cpp's common/chat.h), or a plain fallback for models that
// have none, and parses model output back into content, thinking and tool
// calls. Parsing never fails: text the parser rejects comes back as content.
// Thread-safety: immutable after Create; Render and Parse are const and may
// run concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/model.h"

struct common_chat_templates;

namespace suanli::engine {

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
};

struct ChatMessage {
  std::string role;  // system, user, assistant, tool
  std::string content;
  std::string thinking;
  std::vector<ToolCall> tool_calls;
  std::string tool_name;
  std::string tool_call_id;
};

struct ToolSpec {
  std::string name;
  std::string description;
  std::string parameters;  // JSON schema text
};

// auto: the model may call tools; none: it may not (tool calls are not
// parsed); required: it must (generation is constrained to tool calls).
enum class ToolChoice { kAuto, kNone, kRequired };

struct RenderRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;
  ToolChoice tool_choice = ToolChoice::kAuto;
  bool add_generation_prompt = true;
  bool enable_thinking = false;
  std::string reasoning_effort;  // low|medium|high for templates that read it; "" = none
};

struct RenderedChat {
  std::string prompt;
  std::vector<std::string> additional_stops;
  // Tool-call grammar from the template (GBNF), may be empty. A lazy one
  // waits for a trigger; a strict one starts with the generation prompt.
  std::string grammar;
  bool grammar_lazy = false;
  std::vector<std::string> grammar_trigger_patterns;  // regexes
  std::vector<Token> grammar_trigger_tokens;
  // What Parse needs to read the output back.
  int format = 0;
  std::string generation_prompt;
  std::string parser;
  bool parse_tool_calls = false;  // tools were offered and tool_choice is not none
  bool thinking = false;          // thinking was enabled on a template that supports it
};

struct ParsedOutput {
  std::string content;
  std::string thinking;
  std::vector<ToolCall> tool_calls;
};

class ChatTemplate {
 public:
  // Uses `template_override` (Jinja source) when non-empty, else the model's
  // own template, else the plain fallback. A template that does not parse
  // fails with InvalidArgument.
  static StatusOr<std::unique_ptr<ChatTemplate>> Create(const Model& model,
                                                       const std::string& template_override = "");
  ~ChatTemplate();

  bool has_template() const { return templates_ != nullptr; }
  // The Jinja source in use ("" for the plain fallback).
  const std::string& source() const { return source_; }

  // Renders `request`. Fails with InvalidArgument when the template raises an
  // error for these messages (for example a role it does not accept).
  StatusOr<RenderedChat> Render(const RenderRequest& request) const;

  // Parses generated text; `partial` while streaming. Never fails.
  ParsedOutput Parse(const RenderedChat& rendered, const std::string& text, bool partial) const;

 private:
  ChatTemplate() = default;
  common_chat_templates* templates_ = nullptr;
  std::string source_;
};

}  // namespace suanli::engine
