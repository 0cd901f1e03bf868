#include "runner/prepare.h"

#include <cctype>

#include "engine/prompt_tokenizer.h"
#include "engine/sampler.h"
#include "engine/structured_output.h"
#include "runner/protocol.h"

namespace suanli::runner {

using ojson = nlohmann::ordered_json;

namespace {

StatusOr<std::vector<engine::Token>> TokenList(const engine::Model& model, const ojson& list, const char* what) {
  if (!list.is_array()) return InvalidArgumentError(std::string(what) + " must be an array of token ids");
  std::vector<engine::Token> out;
  for (const ojson& t : list) {
    if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() >= model.VocabSize()) {
      return InvalidArgumentError(std::string(what) + " contains an invalid token id");
    }
    out.push_back(t.get<engine::Token>());
  }
  return out;
}

StatusOr<engine::ToolChoice> ToolChoiceFrom(const ojson& v) {
  if (v.is_null()) return engine::ToolChoice::kAuto;
  const std::string s = v.is_string() ? v.get<std::string>() : "";
  if (s == "auto" || s.empty()) return engine::ToolChoice::kAuto;
  if (s == "none") return engine::ToolChoice::kNone;
  if (s == "required") return engine::ToolChoice::kRequired;
  return InvalidArgumentError("tool_choice must be auto, none or required");
}

// think: true/false, or a level (low|medium|high|max) that also enables it.
Status ReadThink(const ojson& v, engine::RenderRequest* r) {
  if (v.is_null()) return OkStatus();
  if (v.is_boolean()) {
    r->enable_thinking = v.get<bool>();
    return OkStatus();
  }
  if (v.is_string()) {
    const std::string level = v.get<std::string>();
    if (level == "low" || level == "medium" || level == "high" || level == "max") {
      r->enable_thinking = true;
      r->reasoning_effort = level;
      return OkStatus();
    }
  }
  return InvalidArgumentError("think must be a boolean or one of low, medium, high, max");
}

// The generation prompt's tokens, as common_sampler_init computes them.
std::vector<engine::Token> PrefillTokens(const engine::Model& model, const std::string& generation_prompt) {
  std::vector<engine::Token> out;
  if (generation_prompt.empty()) return out;
  const auto tokens = model.Tokenize(generation_prompt, false, true);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string piece = model.TokenPiece(tokens[i], true);
    if (i == 0 && !piece.empty() && std::isspace(static_cast<unsigned char>(piece[0])) &&
        !std::isspace(static_cast<unsigned char>(generation_prompt[0]))) {
      continue;  // some tokenizers put a space before the first special token
    }
    out.push_back(tokens[i]);
  }
  return out;
}

// format > raw grammar > the template's tool-call grammar.
StatusOr<engine::GrammarSpec> GrammarFor(const engine::Model& model, const ojson& body, const PreparedPrompt& p,
                                         engine::ToolChoice choice) {
  engine::GrammarSpec g;
  const ojson format = body.value("format", ojson());
  ASSIGN_OR_RETURN(g.gbnf, engine::GrammarForFormat(model, format));
  if (!g.gbnf.empty()) {
    if (choice == engine::ToolChoice::kRequired && p.rendered.parse_tool_calls) {
      return InvalidArgumentError("format cannot be combined with tool_choice \"required\"");
    }
    return g;
  }
  if (auto it = body.find("grammar"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return InvalidArgumentError("grammar must be a string");
    g.gbnf = it->get<std::string>();
    return g;
  }
  if (p.rendered.grammar.empty()) return g;
  g.gbnf = p.rendered.grammar;
  g.lazy = p.rendered.grammar_lazy;
  g.trigger_patterns = p.rendered.grammar_trigger_patterns;
  g.trigger_tokens = p.rendered.grammar_trigger_tokens;
  if (!g.lazy) g.prefill = PrefillTokens(model, p.rendered.generation_prompt);
  RETURN_IF_ERROR(engine::CheckGrammar(model, g));
  return g;
}

}  // namespace

StatusOr<PreparedPrompt> Prepare(const engine::Model& model, const engine::ChatTemplate& tmpl, const ojson& body) {
  PreparedPrompt p;
  const ojson tokens = body.value("tokens", ojson());
  const bool raw = body.value("raw", false);
  engine::RenderRequest render;
  bool render_it = true;
  if (auto it = body.find("messages"); it != body.end() && !it->is_null()) {
    ASSIGN_OR_RETURN(render.messages, MessagesFromJson(nlohmann::json(*it)));
  } else if (auto prompt = body.find("prompt"); prompt != body.end() && !prompt->is_null()) {
    if (!prompt->is_string()) return InvalidArgumentError("prompt must be a string");
    const std::string system = body.value("system", "");
    if (!system.empty()) render.messages.push_back({"system", system, "", {}, "", ""});
    render.messages.push_back({"user", prompt->get<std::string>(), "", {}, "", ""});
    render_it = !raw;
  } else if (tokens.is_null()) {
    return InvalidArgumentError("prompt must be a string");
  } else {
    render_it = false;
  }
  ASSIGN_OR_RETURN(render.tools, ToolsFromJson(body.value("tools", ojson())));
  ASSIGN_OR_RETURN(render.tool_choice, ToolChoiceFrom(body.value("tool_choice", ojson())));
  RETURN_IF_ERROR(ReadThink(body.value("think", ojson()), &render));
  if (render_it) {
    ASSIGN_OR_RETURN(p.rendered, tmpl.Render(render));
    p.parsed = true;
  }

  if (!tokens.is_null()) {
    ASSIGN_OR_RETURN(p.tokens, TokenList(model, tokens, "tokens"));
  } else if (raw) {
    p.tokens = model.Tokenize(body["prompt"].get<std::string>(), true, true);
  } else {
    std::vector<std::string> literals;
    for (const auto& m : render.messages) literals.push_back(m.content);
    p.tokens = engine::TokenizePrompt(model, p.rendered.prompt, literals, /*add_special=*/true);
    // `context` (tokens of an earlier exchange) goes in front of the new prompt.
    if (auto it = body.find("context"); it != body.end() && !it->is_null()) {
      ASSIGN_OR_RETURN(std::vector<engine::Token> context, TokenList(model, *it, "context"));
      p.tokens.insert(p.tokens.begin(), context.begin(), context.end());
    }
  }
  ASSIGN_OR_RETURN(p.grammar, GrammarFor(model, body, p, render.tool_choice));
  return p;
}

}  // namespace suanli::runner
