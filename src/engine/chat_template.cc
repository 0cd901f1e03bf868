#include "engine/chat_template.h"

#include <exception>

#include "chat.h"
#include "llama.h"

namespace suanli::engine {

namespace {

common_chat_msg ToCommon(const ChatMessage& m) {
  common_chat_msg out;
  out.role = m.role;
  out.content = m.content;
  out.reasoning_content = m.thinking;
  out.tool_name = m.tool_name;
  out.tool_call_id = m.tool_call_id;
  for (const auto& call : m.tool_calls) out.tool_calls.push_back({call.name, call.arguments, call.id});
  return out;
}

// Models without a template: system text first, then the messages' content,
// separated by blank lines (what a raw completion model expects).
RenderedChat RenderPlain(const RenderRequest& request) {
  RenderedChat out;
  for (const auto& m : request.messages) {
    if (m.content.empty()) continue;
    if (!out.prompt.empty()) out.prompt += "\n\n";
    out.prompt += m.content;
  }
  return out;
}

// Trigger words and patterns become regexes, as common_sampler_init does.
void AddTrigger(const common_grammar_trigger& t, RenderedChat* out) {
  switch (t.type) {
    case COMMON_GRAMMAR_TRIGGER_TYPE_TOKEN:
      out->grammar_trigger_tokens.push_back(t.token);
      break;
    case COMMON_GRAMMAR_TRIGGER_TYPE_WORD:
      out->grammar_trigger_patterns.push_back(regex_escape(t.value));
      break;
    case COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN:
      out->grammar_trigger_patterns.push_back(t.value);
      break;
    case COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN_FULL: {
      std::string p = t.value;
      if (p.empty()) p = "^$";
      if (p.front() != '^') p = "^" + p;
      if (p.back() != '$') p += "$";
      out->grammar_trigger_patterns.push_back(p);
      break;
    }
  }
}

}  // namespace

StatusOr<std::unique_ptr<ChatTemplate>> ChatTemplate::Create(const Model& model,
                                                             const std::string& template_override) {
  auto result = std::unique_ptr<ChatTemplate>(new ChatTemplate());
  const std::string& source = template_override.empty() ? model.info().chat_template : template_override;
  if (source.empty()) return result;
  try {
    auto tmpls = common_chat_templates_init(model.raw(), source);
    if (!tmpls) return InvalidArgumentError("the chat template could not be loaded");
    result->templates_ = tmpls.release();
    result->source_ = source;
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("the chat template does not parse: ") + e.what());
  }
  return result;
}

ChatTemplate::~ChatTemplate() {
  if (templates_) common_chat_templates_free(templates_);
}

StatusOr<RenderedChat> ChatTemplate::Render(const RenderRequest& request) const {
  if (!templates_) return RenderPlain(request);
  common_chat_templates_inputs inputs;
  for (const auto& m : request.messages) inputs.messages.push_back(ToCommon(m));
  for (const auto& t : request.tools) inputs.tools.push_back({t.name, t.description, t.parameters});
  inputs.tool_choice = request.tool_choice == ToolChoice::kRequired ? COMMON_CHAT_TOOL_CHOICE_REQUIRED
                       : request.tool_choice == ToolChoice::kNone   ? COMMON_CHAT_TOOL_CHOICE_NONE
                                                                    : COMMON_CHAT_TOOL_CHOICE_AUTO;
  inputs.add_generation_prompt = request.add_generation_prompt;
  inputs.enable_thinking = request.enable_thinking;
  inputs.reasoning_format = COMMON_REASONING_FORMAT_DEEPSEEK;
  if (!request.reasoning_effort.empty()) {
    inputs.chat_template_kwargs["reasoning_effort"] = "\"" + request.reasoning_effort + "\"";
  }
  inputs.use_jinja = true;
  try {
    common_chat_params params = common_chat_templates_apply(templates_, inputs);
    RenderedChat out;
    out.prompt = std::move(params.prompt);
    out.additional_stops = std::move(params.additional_stops);
    out.format = static_cast<int>(params.format);
    out.generation_prompt = std::move(params.generation_prompt);
    out.parser = std::move(params.parser);
    out.parse_tool_calls = !request.tools.empty() && request.tool_choice != ToolChoice::kNone;
    out.thinking = request.enable_thinking && params.supports_thinking;
    if (out.parse_tool_calls) {
      out.grammar = std::move(params.grammar);
      out.grammar_lazy = params.grammar_lazy;
      for (const auto& t : params.grammar_triggers) AddTrigger(t, &out);
    }
    return out;
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("the chat template failed for these messages: ") + e.what());
  }
}

ParsedOutput ChatTemplate::Parse(const RenderedChat& rendered, const std::string& text, bool partial) const {
  ParsedOutput out;
  out.content = text;
  if (!templates_) return out;
  try {
    common_chat_parser_params params;
    params.format = static_cast<common_chat_format>(rendered.format);
    params.generation_prompt = rendered.generation_prompt;
    params.reasoning_format = COMMON_REASONING_FORMAT_DEEPSEEK;
    params.parse_tool_calls = rendered.parse_tool_calls;
    if (!rendered.parser.empty()) params.parser.load(rendered.parser);
    common_chat_msg msg = common_chat_parse(text, partial, params);
    out.content = msg.content;
    out.thinking = msg.reasoning_content;
    for (const auto& call : msg.tool_calls) out.tool_calls.push_back({call.id, call.name, call.arguments});
  } catch (const std::exception&) {
    // The parser rejected the text (random or malformed output): plain content.
    out = ParsedOutput{text, "", {}};
  }
  return out;
}

}  // namespace suanli::engine
