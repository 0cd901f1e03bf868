#include "rag/store_options.h"

#include <set>

namespace suanli::rag {

namespace {
constexpr size_t kMaxQueryWords = 256;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

StatusOr<std::string> QuotedWordsMatchQuery(std::string_view user_query) {
  std::set<std::string_view> seen;
  std::string out;
  size_t i = 0;
  size_t words = 0;
  while (i < user_query.size() && words < kMaxQueryWords) {
    while (i < user_query.size() && IsSpace(user_query[i])) ++i;
    const size_t begin = i;
    while (i < user_query.size() && !IsSpace(user_query[i])) ++i;
    if (i == begin) break;
    const std::string_view word = user_query.substr(begin, i - begin);
    if (!seen.insert(word).second) continue;
    if (!out.empty()) out += " OR ";
    out += '"';
    for (char c : word) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
    ++words;
  }
  if (out.empty()) return NotFoundError("the query has no searchable word");
  return out;
}

}  // namespace suanli::rag
