// Text analysis for keyword search: the same terms for documents and queries.
// Text is normalised (NFKC + case folding: "ＡＢＣ１２３" -> "abc123"); runs of
// CJK characters (Han, kana, Hangul) become overlapping character bigrams (a
// lone character is a term of its own), Latin-style words and numbers are terms
// (English words are Snowball-stemmed), and compounds such as "gpt-4" or "3.5"
// give the whole form as well as their parts. Every term carries the byte range
// it came from in the ORIGINAL input, for highlighting.
// The SQLite FTS5 tokenizer "suanli" reports exactly these terms, and
// BuildFtsMatchQuery turns any user text into a safe MATCH expression.
// Thread-safety: every function may be called from any thread (the stemmer is
// per thread); a registered tokenizer may be used by any connection's thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace suanli::rag {

struct AnalyzerOptions {
  // Also index each CJK character on its own, at the position of its bigram
  // (more recall for one-character queries, slightly less precision).
  bool cjk_unigrams = false;
  // Reduce English words to their Snowball stem ("running" -> "run").
  bool stem_english = true;
};

struct Term {
  std::string text;  // normalised (and stemmed) term
  size_t begin;      // byte range of the term in the ORIGINAL input
  size_t end;
  // True when the term shares the position of the previous term: the whole
  // form of a compound ("gpt-4" after "gpt") or a bigram after its unigram.
  bool colocated = false;
};

// Longest term in code points; longer words are cut into pieces of this size.
inline constexpr size_t kMaxTermChars = 100;

// The terms of `utf8` in order. Never fails: invalid UTF-8 bytes, controls and
// punctuation separate terms.
std::vector<Term> AnalyzeText(std::string_view utf8, const AnalyzerOptions& options = {});

// Name of the FTS5 tokenizer: CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'suanli').
inline constexpr char kFtsTokenizerName[] = "suanli";

// Registers the FTS5 tokenizer named "suanli" on this connection (tokenize =
// 'suanli' in CREATE VIRTUAL TABLE). `options` are the defaults of every table;
// a table may override them with arguments: tokenize = 'suanli unigrams' or
// 'suanli nounigrams', 'suanli nostem' or 'suanli stem'. Documents and queries
// of one table must use the same options. Fails when SQLite lacks FTS5.
Status RegisterFtsTokenizer(sqlite3* db, const AnalyzerOptions& options = {});

// Longest user query analysed (bytes; the rest is ignored) and the most
// distinct terms a MATCH expression gets (and, apart, the most selective
// terms).
inline constexpr size_t kMaxQueryBytes = 32 * 1024;
inline constexpr size_t kMaxQueryTerms = 64;

// A MATCH expression that ORs the query's distinct terms (each quoted), or
// NotFound when the query has no searchable term. Safe for any user input (no
// FTS5 syntax injection: quotes, *, NEAR, AND, parentheses, column filters,
// controls and invalid UTF-8 are plain text). Each term is quoted in the form
// it had in the query, so the table's tokenizer (with the same `options`)
// analyses it back to the same term. Question words are left out when other
// terms remain: English function and question words ("the", "of", "what",
// "who", ...) and every CJK term that overlaps a Chinese interrogative
// (什么, 哪, 谁, 多少, 怎么, 如何, ...: "在哪里" gives neither 在哪 nor 哪里),
// since they describe the question, not the passage that answers it. CJK
// unigrams are never part of it, even with options.cjk_unigrams (see
// FtsSelectiveTerms).
StatusOr<std::string> BuildFtsMatchQuery(std::string_view user_query, const AnalyzerOptions& options = {});

// With options.cjk_unigrams: the query's single CJK characters that are not
// already terms of BuildFtsMatchQuery (and not part of a question word),
// each quoted, at most kMaxQueryTerms. They are worth searching only where
// they are selective (a rare character such as a one-character name): the
// store adds each one that matches few chunks (StoreOptions::selective_terms).
// Without options.cjk_unigrams: none.
std::vector<std::string> FtsSelectiveTerms(std::string_view user_query, const AnalyzerOptions& options = {});

}  // namespace suanli::rag
