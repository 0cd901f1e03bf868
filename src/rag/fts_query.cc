// BuildFtsMatchQuery and FtsSelectiveTerms: user text -> FTS5 MATCH terms
// that cannot be anything but quoted strings, without the question's own
// words.
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "rag/analyzer.h"
#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

// Function and question words of English questions (compared with the
// word as written, lower-cased).
constexpr std::string_view kEnglishStopWords[] = {"a",   "an",   "the",  "of",   "to",    "in",   "and",   "or",
                                                  "is",  "are",  "was",  "were", "be",    "by",   "for",   "on",
                                                  "at",  "as",   "with", "from", "that",  "this", "which", "what",
                                                  "who", "whom", "how",  "when", "where", "why",  "it",    "its"};

// Chinese interrogatives (Simplified and Traditional). Every CJK term that
// overlaps one is a question word: 什么时候 loses 什么 and 么时, keeps 时候.
constexpr std::string_view kChineseQuestionWords[] = {"什么", "什麼", "哪",   "谁",   "誰",   "多少", "怎么",
                                                      "怎麼", "怎样", "怎樣", "如何", "为何", "為何"};

bool IsEnglishStopWord(std::string_view word) {
  if (word.size() > 5) return false;
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view stop : kEnglishStopWords) {
    if (lower == stop) return true;
  }
  return false;
}

// Byte ranges of the Chinese question words in `query`.
std::vector<std::pair<size_t, size_t>> QuestionWordRanges(std::string_view query) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (std::string_view word : kChineseQuestionWords) {
    for (size_t at = query.find(word); at != std::string_view::npos; at = query.find(word, at + word.size())) {
      ranges.emplace_back(at, at + word.size());
    }
  }
  return ranges;
}

struct QueryTerm {
  std::string text;           // the analysed term
  std::string_view original;  // as written in the query
  bool question_word;
};

// The query's terms (as AnalyzeText gives them) with their original forms.
std::vector<QueryTerm> AnalyzeQuery(std::string_view query, const AnalyzerOptions& options) {
  const std::vector<std::pair<size_t, size_t>> questions = QuestionWordRanges(query);
  std::vector<QueryTerm> out;
  for (Term& term : AnalyzeText(query, options)) {
    const std::string_view original = query.substr(term.begin, term.end - term.begin);
    bool question = IsEnglishStopWord(original);
    for (const auto& [begin, end] : questions) question = question || (term.begin < end && begin < term.end);
    out.push_back({std::move(term.text), original, question});
  }
  return out;
}

// "text" with embedded quotes doubled: FTS5's only escape inside a string.
void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

bool IsCjkUnigram(const std::string& text) {
  char32_t cp = 0;
  return !text.empty() && DecodeUtf8At(text, 0, &cp) == text.size() && IsCjkChar(cp);
}

std::string_view QueryPrefix(std::string_view user_query) {
  return user_query.substr(0, Utf8SafePrefix(user_query, kMaxQueryBytes));
}

}  // namespace

StatusOr<std::string> BuildFtsMatchQuery(std::string_view user_query, const AnalyzerOptions& options) {
  AnalyzerOptions no_unigrams = options;
  no_unigrams.cjk_unigrams = false;
  const std::string_view query = QueryPrefix(user_query);
  const std::vector<QueryTerm> terms = AnalyzeQuery(query, no_unigrams);
  bool content = false;
  for (const QueryTerm& term : terms) content = content || !term.question_word;
  std::unordered_set<std::string> seen;
  std::string match;
  for (const QueryTerm& term : terms) {
    if (seen.size() >= kMaxQueryTerms) break;
    if (content && term.question_word) continue;  // a query of question words only keeps them
    if (!seen.insert(term.text).second) continue;
    if (!match.empty()) match += " OR ";
    // The original form, not the term: the table's tokenizer analyses the
    // string again, and a stem is not always its own stem.
    AppendQuoted(term.original, &match);
  }
  if (match.empty()) {
    return NotFoundError("the query has no searchable words: use letters, digits or Chinese characters");
  }
  return match;
}

std::vector<std::string> FtsSelectiveTerms(std::string_view user_query, const AnalyzerOptions& options) {
  std::vector<std::string> out;
  if (!options.cjk_unigrams) return out;
  AnalyzerOptions no_unigrams = options;
  no_unigrams.cjk_unigrams = false;
  const std::string_view query = QueryPrefix(user_query);
  std::unordered_set<std::string> seen;
  for (const QueryTerm& term : AnalyzeQuery(query, no_unigrams)) seen.insert(term.text);
  for (const QueryTerm& term : AnalyzeQuery(query, options)) {
    if (out.size() >= kMaxQueryTerms) break;
    if (term.question_word || !IsCjkUnigram(term.text) || !seen.insert(term.text).second) continue;
    std::string quoted;
    AppendQuoted(term.original, &quoted);
    out.push_back(std::move(quoted));
  }
  return out;
}

}  // namespace suanli::rag
