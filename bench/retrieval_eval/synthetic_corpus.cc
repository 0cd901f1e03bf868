#include "synthetic_corpus.h"

#include <sstream>

#include "rag/unicode_text.h"

namespace suanli::bench {

namespace {

std::vector<std::string> CodePoints(const std::string& text) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    const size_t n = rag::DecodeUtf8At(text, pos, &cp);
    if (!rag::IsWhiteSpace(cp)) out.push_back(text.substr(pos, n));
    pos += n;
  }
  return out;
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

}  // namespace

void SyntheticCorpus::Learn(const std::vector<std::string>& sequence, Chain* chain) {
  std::unordered_map<std::string, uint32_t> ids;
  for (size_t i = 0; i < chain->tokens.size(); ++i) ids.emplace(chain->tokens[i], static_cast<uint32_t>(i));
  uint32_t prev = UINT32_MAX;
  for (const std::string& token : sequence) {
    auto [it, added] = ids.emplace(token, static_cast<uint32_t>(chain->tokens.size()));
    if (added) chain->tokens.push_back(token);
    if (prev == UINT32_MAX) {
      chain->starts.push_back(it->second);
    } else {
      chain->next[prev].push_back(it->second);
    }
    prev = it->second;
  }
}

SyntheticCorpus::SyntheticCorpus(const std::vector<std::string>& chinese, const std::vector<std::string>& english,
                                 uint64_t seed)
    : rng_(seed) {
  for (const std::string& passage : chinese) Learn(CodePoints(passage), &chinese_);
  for (const std::string& passage : english) Learn(Words(passage), &english_);
}

std::string SyntheticCorpus::Walk(const Chain& chain, size_t tokens, const char* separator) {
  std::string out;
  if (chain.starts.empty()) return out;
  uint32_t current = chain.starts[rng_() % chain.starts.size()];
  for (size_t i = 0; i < tokens; ++i) {
    if (i > 0) out += separator;
    out += chain.tokens[current];
    auto it = chain.next.find(current);
    current = it == chain.next.end() || it->second.empty() ? chain.starts[rng_() % chain.starts.size()]
                                                           : it->second[rng_() % it->second.size()];
  }
  return out;
}

std::string SyntheticCorpus::NextChunk() {
  const bool chinese = !chinese_.starts.empty() && (english_.starts.empty() || rng_() % 4 != 0);
  if (!chinese) return Walk(english_, 40 + rng_() % 50, " ");
  std::string text = Walk(chinese_, 200 + rng_() % 200, "");
  if (!english_.starts.empty()) {
    text += ' ';
    text += Walk(english_, 3 + rng_() % 12, " ");
    text += ' ';
    text += Walk(chinese_, 20 + rng_() % 60, "");
  }
  return text;
}

}  // namespace suanli::bench
