// Tokenizes a rendered prompt so that the template's own control tokens
// (<|im_start|> ...) become control tokens while the same strings inside
// user-supplied text stay plain text. Thread-safe (the vocabulary is).
#pragma once

#include <string>
#include <vector>

#include "engine/model.h"

namespace suanli::engine {

// `literals` are the user-supplied strings (message contents) in the order
// they appear in `prompt`; each found occurrence is tokenized without special
// parsing. `add_special` adds BOS/EOS as the model asks.
std::vector<Token> TokenizePrompt(const Model& model, const std::string& prompt,
                                  const std::vector<std::string>& literals, bool add_special);

}  // namespace suanli::engine
