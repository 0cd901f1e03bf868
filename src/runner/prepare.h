// Prepare: turns the body of a runner /completion or /render request into
// the prompt tokens, the rendered chat (what the answer's parser needs) and
// the grammar that constrains sampling (format, tool calls or raw GBNF).
// Pure function of its inputs; thread-safe (the model and template are).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "base/status.h"
#include "engine/chat_template.h"
#include "engine/engine.h"
#include "engine/model.h"

namespace suanli::runner {

struct PreparedPrompt {
  std::vector<engine::Token> tokens;
  engine::RenderedChat rendered;
  bool parsed = false;  // the answer is read back with `rendered`'s parser
  engine::GrammarSpec grammar;
};

// Reads `messages` (chat) or `prompt` (+ `system`, `raw`, `context`) or
// `tokens` (evaluated as given; with a `prompt` too, the prompt only sets up
// the parser), plus `tools`, `tool_choice` (auto|none|required), `think`
// (bool or low|medium|high|max), `format` ("json" or a JSON schema) and
// `grammar` (GBNF). Fails with InvalidArgument naming the bad field.
// The body keeps its key order, which JSON schemas (format, tool
// parameters) hand on to the grammar and the prompt.
StatusOr<PreparedPrompt> Prepare(const engine::Model& model, const engine::ChatTemplate& tmpl,
                                 const nlohmann::ordered_json& body);

}  // namespace suanli::runner
