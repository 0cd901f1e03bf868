#include "engine/prompt_tokenizer.h"

namespace suanli::engine {

namespace {
bool HasSpecialText(const Model& model, const std::string& text) {
  for (Token t : model.Tokenize(text, false, true)) {
    if (model.IsSpecial(t)) return true;
  }
  return false;
}
}  // namespace

std::vector<Token> TokenizePrompt(const Model& model, const std::string& prompt,
                                  const std::vector<std::string>& literals, bool add_special) {
  // Fast path: no user text spells a special token, so one pass is exact.
  std::vector<const std::string*> risky;
  for (const auto& lit : literals) {
    if (!lit.empty() && HasSpecialText(model, lit)) risky.push_back(&lit);
  }
  if (risky.empty()) return model.Tokenize(prompt, add_special, true);

  std::vector<Token> out;
  if (add_special) out = model.Tokenize("", true, false);  // BOS if the model wants one
  size_t pos = 0;
  for (const std::string* lit : risky) {
    size_t at = prompt.find(*lit, pos);
    if (at == std::string::npos) continue;  // the template changed the text
    auto head = model.Tokenize(prompt.substr(pos, at - pos), false, true);
    auto body = model.Tokenize(*lit, false, false);
    out.insert(out.end(), head.begin(), head.end());
    out.insert(out.end(), body.begin(), body.end());
    pos = at + lit->size();
  }
  auto tail = model.Tokenize(prompt.substr(pos), false, true);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

}  // namespace suanli::engine
