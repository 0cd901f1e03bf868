// Options of the RAG store (CollectionManager and the collections it opens):
// where collections live, how the FTS5 table tokenizes text and how a user
// query becomes an FTS5 MATCH expression, and the vector index settings.
// Plain values; copy freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace suanli::rag {

// Turns a user query into an FTS5 MATCH expression; NotFound (or an empty
// string) when the query has no searchable word.
using MatchQueryFn = std::function<StatusOr<std::string>(std::string_view user_query)>;

struct StoreOptions {
  // Folder that holds one folder per collection (<root>/<name>/collection.db
  // and vectors.faiss). Created when missing.
  std::string root;

  // FTS5 tokenizer of newly created collections (letters, digits, '_' and
  // spaces only: "unicode61 remove_diacritics 2" is fine). An existing
  // collection keeps the tokenizer it was created with.
  std::string fts_tokenizer = "unicode61";
  // Called on every SQLite connection the store opens, before it is used
  // (registers a custom tokenizer); its error fails the open.
  std::function<Status(sqlite3*)> register_tokenizer;
  // Builds the MATCH expression for keyword search; empty means
  // QuotedWordsMatchQuery.
  MatchQueryFn build_match_query;
  // Terms (quoted FTS5 strings) that join the MATCH expression only where
  // they are selective: each is ORed in when it matches between 1 and
  // `selective_term_max_chunks` chunks. For terms with long posting lists
  // that weigh little where they are common but cost much to search (CJK
  // single characters). Empty: none.
  std::function<std::vector<std::string>(std::string_view user_query)> selective_terms;
  size_t selective_term_max_chunks = 1000;
  // The FTS5 auxiliary function that ranks keyword matches, called as
  // name(chunks_fts, limit) (see fts_rank.h; lower is better, exact for the
  // best `limit` rows). Registered by register_tokenizer. Empty: FTS5's
  // bm25(chunks_fts).
  std::string fts_rank_function;

  // Texts per call of the embedding function during ingest.
  size_t embed_batch_size = 32;
  // At this many vectors a collection switches from the exact flat index to
  // HNSW (IndexHNSWFlat). 0 never switches.
  size_t hnsw_threshold = 50000;
  int hnsw_m = 32;
  int hnsw_ef_construction = 64;
  int hnsw_ef_search = 64;  // raised to k when k is larger; at least 64
  // A filtered dense search whose allowed chunks number at most this is an
  // exact scan of those vectors instead of an index search.
  size_t exact_search_max = 4096;

  int busy_timeout_ms = 5000;
};

// The default MATCH builder: each whitespace-separated word double-quoted
// (an inner '"' doubled), distinct words joined with OR. NotFound when the
// query has no word. Safe for any input: the result is only string literals.
StatusOr<std::string> QuotedWordsMatchQuery(std::string_view user_query);

}  // namespace suanli::rag
