// The capabilities a model's prompt template gives it, as Ollama derives
// them for /api/show and its capability checks: "tools" when a Go TEMPLATE
// uses .Tools, "insert" when it uses .Suffix, "thinking" when .Thinking is
// written between an opening and a closing tag inside `range .Messages`
// (Ollama's thinking.InferTags). A GGUF Jinja template (what llama.cpp
// renders when there is no TEMPLATE) is judged by the variables it reads:
// `tools` gives tools, `enable_thinking`/`reasoning_content` or a <think>
// tag gives thinking; it never gives insert (fill-in-the-middle is not a
// chat template feature). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "store/go_template.h"

namespace suanli::store {

struct TemplateCapabilities {
  bool tools = false;
  bool insert = false;
  bool thinking = false;
  std::string thinking_open;  // the tags around .Thinking (Go templates)
  std::string thinking_close;
};

TemplateCapabilities GoTemplateCapabilities(const GoTemplate& tmpl);
TemplateCapabilities JinjaTemplateCapabilities(std::string_view jinja);

}  // namespace suanli::store
