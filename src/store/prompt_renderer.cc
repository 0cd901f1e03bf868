// Ollama's execution model for Go templates: which variables a run sees,
// message collation, legacy per-turn rendering, and context truncation.
#include "store/prompt_renderer.h"

#include <algorithm>

namespace suanli::store {

namespace {

using Style = TemplateValue::Style;

TemplateEntries ThinkEntries(const TemplateValues& v) {
  return {{"Think", TemplateValue::Bool(v.think)},
          {"ThinkLevel", TemplateValue::String(v.think_level)},
          {"IsThinkSet", TemplateValue::Bool(v.is_think_set)}};
}

// The root map of one legacy run.
TemplateValue LegacyData(const TemplateValues& v, const std::string& system, const std::string& prompt,
                         const std::string& response) {
  TemplateEntries e = ThinkEntries(v);
  e.emplace_back("System", TemplateValue::String(system));
  e.emplace_back("Prompt", TemplateValue::String(prompt));
  e.emplace_back("Response", TemplateValue::String(response));
  return TemplateValue::Map(std::move(e), Style::kPlain, "map[string]interface {}");
}

}  // namespace

StatusOr<GoTemplate> ParseOllamaTemplate(std::string_view text) {
  ASSIGN_OR_RETURN(GoTemplate tmpl, GoTemplate::Parse(text));
  if (!tmpl.HasVar("messages") && !tmpl.HasVar("response")) return tmpl.WithResponseAppended();
  return tmpl;
}

std::pair<std::string, std::vector<TemplateMessage>> CollateMessages(const std::vector<TemplateMessage>& messages) {
  std::string system;
  bool any_system = false;
  std::vector<TemplateMessage> collated;
  for (const auto& m : messages) {
    if (m.role == "system") {
      system += (any_system ? "\n\n" : "") + m.content;
      any_system = true;
    }
    if (!collated.empty() && collated.back().role == m.role && m.role != "tool") {
      collated.back().content += "\n\n" + m.content;
    } else {
      collated.push_back(m);
    }
  }
  return {std::move(system), std::move(collated)};
}

StatusOr<std::string> RenderTemplate(const GoTemplate& tmpl, const TemplateValues& v,
                                     const GoTemplate::ExecOptions& options) {
  auto [system, messages] = CollateMessages(v.messages);
  if (!v.prompt.empty() && !v.suffix.empty()) {
    TemplateEntries e = ThinkEntries(v);
    e.emplace_back("Prompt", TemplateValue::String(v.prompt));
    e.emplace_back("Suffix", TemplateValue::String(v.suffix));
    e.emplace_back("Response", TemplateValue::String(""));
    return tmpl.Execute(TemplateValue::Map(std::move(e)), options);
  }
  if (!v.force_legacy && tmpl.HasVar("messages")) {
    ASSIGN_OR_RETURN(TemplateValue tools, ToolsValue(v.tools));
    TemplateEntries e = ThinkEntries(v);
    e.emplace_back("System", TemplateValue::String(system));
    e.emplace_back("Messages", MessagesValue(messages));
    e.emplace_back("Tools", std::move(tools));
    e.emplace_back("Response", TemplateValue::String(""));
    return tmpl.Execute(TemplateValue::Map(std::move(e)), options);
  }

  std::string out;
  std::string turn_system, prompt, response;
  auto execute = [&](const GoTemplate& t) -> Status {
    ASSIGN_OR_RETURN(std::string text, t.Execute(LegacyData(v, turn_system, prompt, response), options));
    if (out.size() + text.size() > options.max_output_bytes) {
      return InternalError("template output exceeds the limit of " + std::to_string(options.max_output_bytes) +
                           " bytes");
    }
    out += text;
    turn_system.clear();
    prompt.clear();
    response.clear();
    return OkStatus();
  };
  for (const auto& m : messages) {
    if (m.role == "system") {
      if (!prompt.empty() || !response.empty()) RETURN_IF_ERROR(execute(tmpl));
      turn_system = m.content;
    } else if (m.role == "user") {
      if (!response.empty()) RETURN_IF_ERROR(execute(tmpl));
      prompt = m.content;
    } else if (m.role == "assistant") {
      response = m.content;
    }
  }
  RETURN_IF_ERROR(execute(tmpl.CutAtResponse()));
  return out;
}

StatusOr<ChatPrompt> RenderChatPrompt(const GoTemplate& tmpl, const TemplateValues& values, const PromptFits& fits,
                                      const GoTemplate::ExecOptions& options) {
  const auto& msgs = values.messages;
  auto render = [&](size_t first) -> StatusOr<std::string> {
    TemplateValues v = values;
    v.messages.clear();
    for (size_t j = 0; j < first; ++j) {
      if (msgs[j].role == "system") v.messages.push_back(msgs[j]);
    }
    v.messages.insert(v.messages.end(), msgs.begin() + static_cast<std::ptrdiff_t>(first), msgs.end());
    return RenderTemplate(tmpl, v, options);
  };
  if (!fits || msgs.empty()) {
    ASSIGN_OR_RETURN(std::string prompt, render(0));
    return ChatPrompt{std::move(prompt), 0};
  }
  for (size_t i = 0; i < msgs.size(); ++i) {
    ASSIGN_OR_RETURN(std::string prompt, render(i));
    ASSIGN_OR_RETURN(bool ok, fits(prompt, i));
    if (ok || i + 1 == msgs.size()) return ChatPrompt{std::move(prompt), i};
  }
  return InternalError("unreachable");
}

}  // namespace suanli::store
