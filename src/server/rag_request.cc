#include "server/rag_request.h"

#include <chrono>

#include "base/duration.h"

namespace suanli::server {

namespace {

using json = nlohmann::json;

std::string Rfc3339(int64_t unix_seconds) {
  return FormatRfc3339Nano(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

Status ReadNumber(const json& body, const char* key, double low, double high, double* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return OkStatus();
  if (!it->is_number()) return InvalidArgumentError(std::string(key) + " must be a number");
  const double value = it->get<double>();
  if (!(value >= low && value <= high)) {
    return InvalidArgumentError(std::string(key) + " must be between " + json(low).dump() + " and " +
                                json(high).dump());
  }
  *out = value;
  return OkStatus();
}

Status ReadInt(const json& body, const char* key, int low, int high, int* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return OkStatus();
  if (!it->is_number_integer() || it->get<int64_t>() < low || it->get<int64_t>() > high) {
    return InvalidArgumentError(std::string(key) + " must be an integer from " + std::to_string(low) + " to " +
                                std::to_string(high));
  }
  *out = static_cast<int>(it->get<int64_t>());
  return OkStatus();
}

}  // namespace

StatusOr<rag::SearchRequest> ParseSearchFields(const json& body, bool needs_query) {
  if (!body.is_object()) return InvalidArgumentError("the request must be a JSON object");
  rag::SearchRequest request;
  if (needs_query) {
    auto query = body.find("query");
    if (query == body.end() || !query->is_string()) return InvalidArgumentError("query must be a string");
    request.query = query->get<std::string>();
    if (request.query.empty()) return InvalidArgumentError("query is empty");
    if (request.query.size() > kMaxRagQueryBytes) return InvalidArgumentError("query is longer than 32 KiB");
  }
  RETURN_IF_ERROR(ReadInt(body, "k", 1, kMaxRagK, &request.k));
  RETURN_IF_ERROR(ReadInt(body, "fetch_k", 1, 1000, &request.fetch_k));
  if (auto mode = body.find("mode"); mode != body.end() && !mode->is_null()) {
    if (!mode->is_string() || (*mode != "keyword" && *mode != "dense" && *mode != "hybrid")) {
      return InvalidArgumentError("mode must be one of keyword, dense, hybrid");
    }
    request.mode = mode->get<std::string>();
  }
  if (auto filter = body.find("filter"); filter != body.end() && !filter->is_null()) {
    if (!filter->is_object()) return InvalidArgumentError("filter must be a JSON object");
    request.filter = *filter;
  }
  if (auto mmr = body.find("mmr"); mmr != body.end() && !mmr->is_null()) {
    if (!mmr->is_boolean()) return InvalidArgumentError("mmr must be a boolean");
    request.mmr = mmr->get<bool>();
  }
  RETURN_IF_ERROR(ReadNumber(body, "lambda", 0, 1, &request.mmr_lambda));
  RETURN_IF_ERROR(ReadNumber(body, "keyword_weight", 0, 1e6, &request.keyword_weight));
  RETURN_IF_ERROR(ReadNumber(body, "dense_weight", 0, 1e6, &request.dense_weight));
  return request;
}

StatusOr<RagSpec> ParseRagSpec(const json& rag) {
  if (!rag.is_object()) return InvalidArgumentError("rag must be an object with a collection");
  RagSpec spec;
  auto collection = rag.find("collection");
  if (collection == rag.end() || !collection->is_string() || collection->get<std::string>().empty()) {
    return InvalidArgumentError("rag.collection must be a collection name");
  }
  spec.collection = collection->get<std::string>();
  auto search = ParseSearchFields(rag, false);
  if (!search.ok()) return InvalidArgumentError("rag." + search.status().message());
  spec.search = std::move(*search);
  if (auto tmpl = rag.find("template"); tmpl != rag.end() && !tmpl->is_null()) {
    if (!tmpl->is_string()) return InvalidArgumentError("rag.template must be a string");
    spec.prompt_template = tmpl->get<std::string>();
    if (!spec.prompt_template.empty() && (spec.prompt_template.find("{context}") == std::string::npos ||
                                          spec.prompt_template.find("{question}") == std::string::npos)) {
      return InvalidArgumentError("rag.template must contain {context} and {question}");
    }
  }
  return spec;
}

json CollectionJson(const rag::CollectionStats& stats) {
  return {{"name", stats.info.name},
          {"embed_model", stats.info.embed_model},
          {"dimension", stats.info.dimension},
          {"chunk_size", stats.info.chunk_size},
          {"chunk_overlap", stats.info.chunk_overlap},
          {"documents", stats.documents},
          {"chunks", stats.chunks},
          {"index", stats.index_kind},
          {"created_at", Rfc3339(stats.info.created_at)}};
}

json DocumentJson(const rag::DocumentInfo& document) {
  return {{"document_id", document.id},
          {"source", document.source},
          {"chunks", document.chunks},
          {"content_hash", document.content_hash},
          {"metadata", document.metadata.is_null() ? json::object() : document.metadata},
          {"created_at", Rfc3339(document.created_at)},
          {"modified_at", Rfc3339(document.updated_at)}};
}

json SearchHitJson(const rag::SearchHit& hit) {
  return {{"chunk_id", hit.chunk_id}, {"document_id", hit.document_id},
          {"source", hit.source},     {"text", hit.text},
          {"score", hit.score},       {"start", hit.start},
          {"end", hit.end},           {"metadata", hit.metadata.is_null() ? json::object() : hit.metadata}};
}

json CitationJson(const rag::SearchHit& hit) {
  return {{"source", hit.source}, {"document_id", hit.document_id}, {"chunk_id", hit.chunk_id},
          {"start", hit.start},   {"end", hit.end},                 {"score", hit.score}};
}

}  // namespace suanli::server
