// The RAG API's wire shapes: parsing of search requests and of the "rag"
// object that /api/chat and /api/generate accept, and the JSON of
// collections, documents, search results and citations. Pure functions;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "rag/collection.h"

namespace suanli::server {

inline constexpr int kMaxRagK = 100;
// The longest query searched; a longer chat question is cut to it.
inline constexpr size_t kMaxRagQueryBytes = 32 << 10;

// The retrieval part of POST /api/rag/search or of a "rag" object: "query"
// (only when `needs_query`), "k" (1..100, default 4), "mode" (keyword,
// dense, hybrid), "filter" (object), "fetch_k", "mmr" (bool), "lambda"
// (0..1), "keyword_weight", "dense_weight" (>= 0). InvalidArgument naming
// the field otherwise.
StatusOr<rag::SearchRequest> ParseSearchFields(const nlohmann::json& body, bool needs_query);

// A "rag" object of a chat or generate request: {"collection", "k"?,
// "mode"?, "filter"?, "template"?, ...search fields}. A template must hold
// {context} and {question}.
struct RagSpec {
  std::string collection;
  rag::SearchRequest search;     // query filled in later from the request
  std::string prompt_template;   // "" = the built-in one for the question's language
};
StatusOr<RagSpec> ParseRagSpec(const nlohmann::json& rag);

nlohmann::json CollectionJson(const rag::CollectionStats& stats);
nlohmann::json DocumentJson(const rag::DocumentInfo& document);
nlohmann::json SearchHitJson(const rag::SearchHit& hit);
// {"source", "document_id", "chunk_id", "start", "end", "score"}; the n-th
// citation is the source the answer cites as [n].
nlohmann::json CitationJson(const rag::SearchHit& hit);

}  // namespace suanli::server
