// Ollama's prompt rendering with a Go TEMPLATE (template/template.go's
// Parse and Execute, server/prompt.go's chatPrompt): suffix mode, .Messages
// mode over collated messages, and the legacy per-turn .System/.Prompt/
// .Response mode cut at the last .Response. Pure functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/go_template.h"
#include "store/template_data.h"

namespace suanli::store {

// Parses a TEMPLATE as Ollama does: a template that uses neither .Messages
// nor .Response gets {{ .Response }} appended. Errors as GoTemplate::Parse.
StatusOr<GoTemplate> ParseOllamaTemplate(std::string_view text);

// Ollama's collate: the system messages' contents joined with "\n\n", and
// the messages with consecutive same-role (non-tool) contents merged by
// "\n\n" (system messages stay in the list).
std::pair<std::string, std::vector<TemplateMessage>> CollateMessages(const std::vector<TemplateMessage>& messages);

// Ollama's Template.Execute:
//  - prompt and suffix both set: one run with {Prompt, Suffix, Response:""};
//  - the template uses .Messages (and !force_legacy): one run with {System,
//    Messages (collated), Tools, Response:"", Think, ThinkLevel, IsThinkSet};
//  - otherwise one run per user/assistant turn with {System, Prompt,
//    Response}, the last with the template cut at .Response.
// `options` apply to each run and the total output. Errors from ToolsValue
// and from execution propagate.
StatusOr<std::string> RenderTemplate(const GoTemplate& tmpl, const TemplateValues& values,
                                     const GoTemplate::ExecOptions& options = {});

// Whether `prompt` fits the context (e.g. tokenize and compare with
// num_ctx); `first` is the index of the first message it includes.
using PromptFits = std::function<StatusOr<bool>(const std::string& prompt, size_t first)>;

struct ChatPrompt {
  std::string prompt;
  size_t first_message = 0;  // messages before this were dropped (system ones kept)
};

// server/prompt.go's chatPrompt: renders values.messages[i:] (with the system
// messages before i kept) for i = 0, 1, ... until `fits` says yes; the last
// message is always kept. A null `fits` renders everything.
StatusOr<ChatPrompt> RenderChatPrompt(const GoTemplate& tmpl, const TemplateValues& values, const PromptFits& fits,
                                      const GoTemplate::ExecOptions& options = {});

}  // namespace suanli::store
