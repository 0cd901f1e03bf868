#include "rag/analyzer.h"

#include <libstemmer.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};

// sb_stemmer keeps state between calls: one per thread. Null when out of memory.
sb_stemmer* ThreadStemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(sb_stemmer_new("english", "UTF_8"));
  return stemmer.get();
}

bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019; }
// Joins the parts of a compound: gpt-4, snake_case, 3.5, node.js.
bool IsConnector(char32_t cp) { return cp == '-' || cp == '_' || cp == '.' || cp == 0x2010; }

class TermWriter {
 public:
  TermWriter(const std::vector<NormalizedChar>& chars, const AnalyzerOptions& options, std::vector<Term>* out)
      : chars_(chars), options_(options), out_(out) {}

  void Run() {
    const size_t n = chars_.size();
    size_t i = 0;
    while (i < n) {
      const char32_t cp = chars_[i].cp;
      size_t j = i + 1;
      if (IsCjkChar(cp)) {
        while (j < n && IsCjkChar(chars_[j].cp)) ++j;
        CjkRun(i, j);
      } else if (IsWordChar(cp)) {
        j = Compound(i);
      }
      i = j;
    }
  }

 private:
  void Emit(std::string text, size_t first, size_t last, bool colocated) {
    out_->push_back(Term{std::move(text), chars_[first].begin, chars_[last].end, colocated});
  }

  std::string Text(size_t from, size_t to) const {
    std::string text;
    for (size_t k = from; k < to; ++k) {
      char32_t cp = chars_[k].cp;
      if (cp == 0x2019) cp = '\'';
      if (cp == 0x2010) cp = '-';
      AppendCodePoint(cp, &text);
    }
    return text;
  }

  void CjkRun(size_t from, size_t to) {
    if (to - from == 1) {
      Emit(Text(from, to), from, from, false);
      return;
    }
    for (size_t k = from; k < to; ++k) {
      if (options_.cjk_unigrams) Emit(Text(k, k + 1), k, k, false);
      if (k + 1 < to) Emit(Text(k, k + 2), k, k + 1, options_.cjk_unigrams);
    }
  }

  // Reads word (connector word)* from `from`; emits the parts and, for two or
  // more parts, the whole form colocated with the first. Returns the end.
  size_t Compound(size_t from) {
    const size_t n = chars_.size();
    std::vector<std::pair<size_t, size_t>> parts;
    size_t k = from;
    while (true) {
      const size_t start = k;
      while (k < n && (IsWordChar(chars_[k].cp) ||
                       (IsApostrophe(chars_[k].cp) && k > start && k + 1 < n && IsWordChar(chars_[k + 1].cp)))) {
        ++k;
      }
      parts.emplace_back(start, k);
      if (k + 1 < n && IsConnector(chars_[k].cp) && IsWordChar(chars_[k + 1].cp)) {
        ++k;
        continue;
      }
      break;
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      Word(parts[p].first, parts[p].second);
      if (p == 0 && parts.size() > 1 && k - from <= kMaxTermChars) Emit(Text(from, k), from, k - 1, true);
    }
    return k;
  }

  void Word(size_t from, size_t to) {
    for (size_t start = from; start < to; start += kMaxTermChars) {
      const size_t end = std::min(to, start + kMaxTermChars);
      std::string text = Text(start, end);
      if (options_.stem_english) Stem(&text);
      Emit(std::move(text), start, end - 1, false);
    }
  }

  static void Stem(std::string* word) {
    bool letters = false;
    for (char c : *word) {
      if (c >= 'a' && c <= 'z') {
        letters = true;
      } else if (c != '\'') {
        return;  // digits or other scripts: kept as they are
      }
    }
    sb_stemmer* stemmer = letters ? ThreadStemmer() : nullptr;
    if (stemmer == nullptr) return;
    const sb_symbol* stem =
        sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word->data()), static_cast<int>(word->size()));
    const int length = sb_stemmer_length(stemmer);
    if (stem != nullptr && length > 0) word->assign(reinterpret_cast<const char*>(stem), length);
  }

  const std::vector<NormalizedChar>& chars_;
  const AnalyzerOptions& options_;
  std::vector<Term>* out_;
};

}  // namespace

std::vector<Term> AnalyzeText(std::string_view utf8, const AnalyzerOptions& options) {
  std::vector<NormalizedChar> chars;
  NormalizeForSearch(utf8, &chars);
  std::vector<Term> terms;
  TermWriter(chars, options, &terms).Run();
  return terms;
}

}  // namespace suanli::rag
