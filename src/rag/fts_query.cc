// BuildFtsMatchQuery: user text -> an FTS5 MATCH expression that cannot be
// anything but an OR of quoted strings.
#include <string>
#include <unordered_set>

#include "base/utf8.h"
#include "rag/analyzer.h"

namespace suanli::rag {

namespace {

// "text" with embedded quotes doubled: FTS5's only escape inside a string.
void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

StatusOr<std::string> BuildFtsMatchQuery(std::string_view user_query, const AnalyzerOptions& options) {
  const std::string_view query = user_query.substr(0, Utf8SafePrefix(user_query, kMaxQueryBytes));
  const std::vector<Term> terms = AnalyzeText(query, options);
  std::unordered_set<std::string> seen;
  std::string match;
  for (const Term& term : terms) {
    if (seen.size() >= kMaxQueryTerms) break;
    if (!seen.insert(term.text).second) continue;
    if (!match.empty()) match += " OR ";
    // The original form, not the term: the table's tokenizer analyses the
    // string again, and a stem is not always its own stem.
    AppendQuoted(query.substr(term.begin, term.end - term.begin), &match);
  }
  if (match.empty()) {
    return NotFoundError("the query has no searchable words: use letters, digits or Chinese characters");
  }
  return match;
}

}  // namespace suanli::rag
