// Collection::Search: keyword (FTS5 bm25), dense (FAISS or an exact scan of
// the filtered vectors), hybrid (reciprocal rank fusion) and MMR, with
// metadata filters applied inside each side (see collection.h).
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/utf8.h"
#include "rag/collection.h"
#include "rag/collection_db.h"
#include "rag/embedding.h"
#include "rag/fusion.h"
#include "rag/metadata_filter.h"
#include "rag/sqlite_db.h"
#include "rag/vector_index.h"

namespace suanli::rag {

namespace {

constexpr int kMaxK = 1000;
constexpr int kMaxFetchK = 10000;
constexpr size_t kMaxQueryBytes = 32768;

Status ValidateRequest(const SearchRequest& request) {
  if (request.mode != "keyword" && request.mode != "dense" && request.mode != "hybrid") {
    return InvalidArgumentError("search mode must be \"keyword\", \"dense\" or \"hybrid\"");
  }
  if (request.k < 1 || request.k > kMaxK) return InvalidArgumentError("k must be between 1 and 1000");
  if (request.fetch_k != 0 && (request.fetch_k < request.k || request.fetch_k > kMaxFetchK)) {
    return InvalidArgumentError("fetch_k must be between k and 10000 (or 0 for the default)");
  }
  for (double w : {request.keyword_weight, request.dense_weight}) {
    if (!std::isfinite(w) || w < 0) return InvalidArgumentError("search weights must be finite and not negative");
  }
  if (!(request.mmr_lambda >= 0 && request.mmr_lambda <= 1)) {
    return InvalidArgumentError("mmr lambda must be between 0 and 1");
  }
  if (request.query.empty() || request.query.size() > kMaxQueryBytes || !IsValidUtf8(request.query)) {
    return InvalidArgumentError("the query must be 1 to 32768 bytes of UTF-8 text");
  }
  return OkStatus();
}

// The ranking expression of keyword search (see StoreOptions::fts_rank_function).
StatusOr<std::string> RankExpression(const std::string& function, size_t limit) {
  if (function.empty()) return std::string("bm25(chunks_fts)");
  for (char c : function) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return InternalError("the keyword ranking function name is not an identifier");
    }
  }
  return function + "(chunks_fts, " + std::to_string(limit) + ")";
}

}  // namespace

StatusOr<std::vector<SearchHit>> Collection::Search(const SearchRequest& request, const EmbedFn& embed) const {
  RETURN_IF_ERROR(ValidateRequest(request));
  ASSIGN_OR_RETURN(SqlFilter filter, CompileFilter(request.filter));
  const size_t k = static_cast<size_t>(request.k);
  const size_t fetch_k = request.fetch_k > 0 ? static_cast<size_t>(request.fetch_k) : std::max<size_t>(20, 4 * k);
  const bool use_keyword = request.mode != "dense";
  const bool use_dense = request.mode != "keyword";
  const bool need_vector = use_dense || request.mmr;

  int64_t dimension = 0;
  {
    std::shared_lock<RwLock> state_lock(state_mu_);
    RETURN_IF_ERROR(CheckOpen());
    dimension = info_.dimension;
  }
  // The query is embedded outside the lock; a collection without vectors
  // needs no query vector.
  std::vector<float> query_vector;
  if (need_vector && dimension > 0) {
    if (!embed) return InvalidArgumentError("an embedding function is required for " + request.mode + " search");
    ASSIGN_OR_RETURN(auto embedded, embed({request.query}));
    if (embedded.size() != 1) return InternalError("the embedding model returned no vector for the query");
    query_vector = std::move(embedded[0]);
    RETURN_IF_ERROR(CheckDimension(query_vector.size(), dimension, "the query embedding"));
    RETURN_IF_ERROR(NormalizeEmbedding(query_vector, static_cast<size_t>(dimension), "the query embedding"));
  }

  std::shared_lock<RwLock> state_lock(state_mu_);
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(ConnectionPool::Lease db, readers_->Acquire());
  const size_t side_limit = request.mode == "hybrid" || request.mmr ? fetch_k : k;
  std::vector<ScoredId> keyword, dense;
  if (use_keyword) {
    ASSIGN_OR_RETURN(keyword, KeywordSearch(*db, request.query, filter, side_limit));
  }
  if (use_dense && !query_vector.empty()) {
    ASSIGN_OR_RETURN(dense, DenseSearch(*db, query_vector, filter, side_limit));
  }

  std::vector<std::pair<int64_t, double>> ranked;
  if (request.mode == "hybrid") {
    RankedList keyword_list{{}, request.keyword_weight};
    RankedList dense_list{{}, request.dense_weight};
    for (const ScoredId& hit : keyword) keyword_list.ids.push_back(hit.id);
    for (const ScoredId& hit : dense) dense_list.ids.push_back(hit.id);
    for (const FusedId& fused : FuseReciprocalRank({keyword_list, dense_list})) {
      ranked.emplace_back(fused.id, fused.score);
    }
  } else {
    for (const ScoredId& hit : request.mode == "keyword" ? keyword : dense) ranked.emplace_back(hit.id, hit.score);
  }

  if (request.mmr && !query_vector.empty() && index_ != nullptr && ranked.size() > 1) {
    if (ranked.size() > fetch_k) ranked.resize(fetch_k);
    std::vector<std::vector<float>> vectors;
    std::vector<double> relevance;
    std::vector<std::pair<int64_t, double>> candidates;
    for (const auto& entry : ranked) {
      std::vector<float> v(static_cast<size_t>(dimension));
      if (!index_->Reconstruct(entry.first, v.data())) continue;
      relevance.push_back(Dot(query_vector.data(), v.data(), v.size()));
      vectors.push_back(std::move(v));
      candidates.push_back(entry);
    }
    ranked.clear();
    for (size_t i : SelectMaximalMarginalRelevance(vectors, relevance, static_cast<size_t>(dimension), k,
                                                   request.mmr_lambda)) {
      ranked.push_back(candidates[i]);
    }
  }
  if (ranked.size() > k) ranked.resize(k);
  return LoadHits(*db, ranked);
}

StatusOr<std::vector<ScoredId>> Collection::KeywordSearch(Database& db, const std::string& query,
                                                          const SqlFilter& filter, size_t limit) const {
  StatusOr<std::string> match =
      options_.build_match_query ? options_.build_match_query(query) : QuotedWordsMatchQuery(query);
  if (!match.ok() && match.status().code() != StatusCode::kNotFound) return match.status();
  std::string expression = match.ok() ? *match : std::string();
  if (options_.selective_terms) {
    ASSIGN_OR_RETURN(Statement count, Statement::Prepare(db, "SELECT count(*) FROM (SELECT 1 FROM chunks_fts "
                                                             "WHERE chunks_fts MATCH ? LIMIT ?)"));
    for (const std::string& term : options_.selective_terms(query)) {
      RETURN_IF_ERROR(count.Reset());
      RETURN_IF_ERROR(count.BindText(1, term));
      RETURN_IF_ERROR(count.BindInt(2, static_cast<int64_t>(options_.selective_term_max_chunks) + 1));
      ASSIGN_OR_RETURN(bool row, count.Step());
      const int64_t matches = row ? count.ColumnInt(0) : 0;
      if (matches < 1 || matches > static_cast<int64_t>(options_.selective_term_max_chunks)) continue;
      if (!expression.empty()) expression += " OR ";
      expression += term;
    }
  }
  if (expression.empty()) return std::vector<ScoredId>();
  ASSIGN_OR_RETURN(const std::string rank, RankExpression(options_.fts_rank_function, limit));
  // Without a filter the FTS table alone answers (its rowids are chunk ids).
  std::string sql;
  if (filter.empty()) {
    sql = "SELECT rowid, " + rank +
          " AS rank_score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank_score, rowid LIMIT ?";
  } else {
    sql = "SELECT c.id, " + rank +
          " AS rank_score FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid JOIN documents d ON d.id = "
          "c.document_id WHERE chunks_fts MATCH ? AND " +
          filter.sql + " ORDER BY rank_score, c.id LIMIT ?";
  }
  ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  RETURN_IF_ERROR(stmt.BindText(1, expression));
  RETURN_IF_ERROR(stmt.BindAll(filter.params, 2));
  RETURN_IF_ERROR(stmt.BindInt(2 + static_cast<int>(filter.params.size()), static_cast<int64_t>(limit)));
  std::vector<ScoredId> hits;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    hits.push_back({stmt.ColumnInt(0), -stmt.ColumnDouble(1)});
  }
  return hits;
}

StatusOr<std::vector<ScoredId>> Collection::DenseSearch(Database& db, const std::vector<float>& query,
                                                        const SqlFilter& filter, size_t limit) const {
  if (index_ == nullptr) {
    if (info_.dimension > 0) return InternalError("the vector index is unavailable; reopen the collection");
    return std::vector<ScoredId>();
  }
  if (filter.empty()) {
    ASSIGN_OR_RETURN(std::vector<ScoredId> hits, index_->Search(query.data(), limit, nullptr));
    // HNSW can come back short; an exact scan never does.
    if (hits.size() < std::min(limit, index_->size())) hits = index_->ExactSearch(query.data(), limit, index_->Ids());
    return hits;
  }
  ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT c.id FROM chunks c JOIN documents d ON "
                                                          "d.id = c.document_id WHERE c.embedding IS NOT NULL AND " +
                                                              filter.sql + " ORDER BY c.id"));
  RETURN_IF_ERROR(stmt.BindAll(filter.params));
  std::vector<int64_t> allowed;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    allowed.push_back(stmt.ColumnInt(0));
  }
  if (allowed.empty()) return std::vector<ScoredId>();
  if (allowed.size() <= options_.exact_search_max) return index_->ExactSearch(query.data(), limit, allowed);
  ASSIGN_OR_RETURN(std::vector<ScoredId> hits, index_->Search(query.data(), limit, &allowed));
  if (hits.size() < std::min(limit, allowed.size())) hits = index_->ExactSearch(query.data(), limit, allowed);
  return hits;
}

StatusOr<std::vector<SearchHit>> Collection::LoadHits(Database& db,
                                                      const std::vector<std::pair<int64_t, double>>& ranked) const {
  if (ranked.empty()) return std::vector<SearchHit>();
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& entry : ranked) ids.push_back(entry.first);
  ASSIGN_OR_RETURN(Statement stmt,
                   Statement::Prepare(db, "SELECT c.id, c.document_id, d.source, c.text, c.start_offset, c.end_offset, "
                                          "c.metadata, d.metadata FROM chunks c JOIN documents d ON d.id = "
                                          "c.document_id WHERE c.id IN (SELECT value FROM json_each(?))"));
  RETURN_IF_ERROR(stmt.BindText(1, ids.dump()));
  std::unordered_map<int64_t, SearchHit> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    SearchHit hit;
    hit.chunk_id = stmt.ColumnInt(0);
    hit.document_id = stmt.ColumnInt(1);
    hit.source = stmt.ColumnText(2);
    hit.text = stmt.ColumnText(3);
    hit.start = stmt.ColumnInt(4);
    hit.end = stmt.ColumnInt(5);
    hit.score = 0;
    hit.metadata = ParseStoredJson(stmt.ColumnText(7));
    const nlohmann::json chunk_metadata = ParseStoredJson(stmt.ColumnText(6));
    for (const auto& [key, value] : chunk_metadata.items()) hit.metadata[key] = value;
    rows.emplace(hit.chunk_id, std::move(hit));
  }
  std::vector<SearchHit> hits;
  hits.reserve(ranked.size());
  for (const auto& [id, score] : ranked) {
    auto it = rows.find(id);
    if (it == rows.end()) continue;
    it->second.score = score;
    hits.push_back(std::move(it->second));
  }
  return hits;
}

}  // namespace suanli::rag
