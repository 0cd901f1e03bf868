// The FTS5 ranking function "suanli_bm25": Okapi BM25 as Lucene scores it
// (k1 = 1.2, b = 0.75, idf = ln(1 + (N - n + 0.5) / (n + 0.5)), always
// positive), where FTS5's built-in bm25() uses ln((N - n + 0.5) / (n + 0.5))
// and gives every term found in half the rows or more a weight of almost
// nothing (in a small collection, most terms).
//
//   SELECT rowid, suanli_bm25(t, 10) AS r FROM t WHERE t MATCH ? ORDER BY r LIMIT 10
//
// Like bm25() it returns the score negated (lower is better). The optional
// second argument is the query's LIMIT: rows are scored in the order FTS5
// visits them, and a row whose best possible score (with the shortest
// document length) is below the LIMIT-th best exact score so far gets that
// bound instead of its exact score, which spares the document-length lookup
// that dominates the cost of ranking. The best LIMIT rows are exact and in
// exact order; the others are only known to rank below them. Without it (or
// 0) every row is exact.
// Thread-safety: registered per connection; SQLite calls it on the
// connection's thread.
#pragma once

#include "base/status.h"

struct sqlite3;

namespace suanli::rag {

inline constexpr char kFtsRankFunctionName[] = "suanli_bm25";
inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

// Registers suanli_bm25 on this connection. Fails when SQLite lacks FTS5.
Status RegisterFtsRankFunction(sqlite3* db);

}  // namespace suanli::rag
