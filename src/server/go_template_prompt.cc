#include "server/go_template_prompt.h"

#include "store/prompt_renderer.h"

namespace suanli::server {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

StatusOr<std::optional<store::GoTemplate>> GoTemplateFor(const ojson& body, const store::ModelRecord& record) {
  std::string text = record.template_text;
  if (auto it = body.find("template"); it != body.end() && it->is_string() && !it->get<std::string>().empty()) {
    text = it->get<std::string>();
  }
  if (text.empty()) return std::optional<store::GoTemplate>();
  auto parsed = store::ParseOllamaTemplate(text);
  if (!parsed.ok()) return InvalidArgumentError(parsed.status().message());
  return std::optional<store::GoTemplate>(std::move(parsed).value());
}

StatusOr<std::string> RenderWithGoTemplate(const store::GoTemplate& tmpl, const ojson& runner_request, const ojson& body,
                                           bool chat, const std::function<StatusOr<bool>(const std::string&)>& fits) {
  store::TemplateValues values;
  if (body.contains("tools") && !body["tools"].is_null()) values.tools = json::parse(body["tools"].dump());
  const ojson think = body.value("think", ojson());
  values.is_think_set = !think.is_null();
  values.think = (think.is_boolean() && think.get<bool>()) || think.is_string();
  if (think.is_string()) values.think_level = think.get<std::string>();
  if (chat) {
    ASSIGN_OR_RETURN(values.messages,
                     store::TemplateMessagesFromJson(json::parse(runner_request.value("messages", ojson::array()).dump())));
  } else {
    const std::string system = runner_request.value("system", "");
    auto message = [](const char* role, std::string content) {
      store::TemplateMessage m;
      m.role = role;
      m.content = std::move(content);
      return m;
    };
    if (!system.empty()) values.messages.push_back(message("system", system));
    const std::string suffix = body.value("suffix", "");
    if (!suffix.empty()) {
      values.prompt = runner_request.value("prompt", "");
      values.suffix = suffix;
    } else {
      values.messages.push_back(message("user", runner_request.value("prompt", "")));
    }
  }
  auto fitting = [&](const std::string& prompt, size_t) { return fits(prompt); };
  auto rendered = store::RenderChatPrompt(tmpl, values, chat ? store::PromptFits(fitting) : store::PromptFits());
  if (!rendered.ok()) {
    if (rendered.status().code() == StatusCode::kInvalidArgument) return rendered.status();
    return InternalError(rendered.status().message());
  }
  return rendered->prompt;
}

}  // namespace suanli::server
