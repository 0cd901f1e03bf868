// /api/rag/*: collections, documents (JSON text, a URL the server fetches,
// or a multipart file upload; NDJSON progress with "stream": true) and
// search. Reading and ingesting documents is in rag_ingest.cc.
#include <cpp-httplib/httplib.h>

#include <algorithm>
#include <cstdlib>

#include "rag/chunker.h"
#include "rag/collection_manager.h"
#include "server/model_info.h"
#include "server/rag_ingest.h"
#include "server/rag_request.h"
#include "server/server.h"

namespace suanli::server {

namespace {

StatusOr<int64_t> ParseDocumentId(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("invalid document id '" + text + "'");
  }
  return std::strtoll(text.c_str(), nullptr, 10);
}

}  // namespace

StatusOr<std::shared_ptr<rag::Collection>> Server::FindCollection(const std::string& name) {
  if (rag_ == nullptr) return UnavailableError("rag is not enabled on this server");
  return rag_->Get(name);
}

StatusOr<std::vector<rag::SearchHit>> Server::SearchCollection(const rag::Collection& collection,
                                                               const rag::SearchRequest& request,
                                                               const std::function<bool()>& client_gone) {
  ASSIGN_OR_RETURN(rag::CollectionInfo info, collection.Info());
  return collection.Search(request, EmbedderFor(info.embed_model, client_gone));
}

void Server::RegisterRagRoutes() {
  auto disabled = [this](httplib::Response& res) {
    if (rag_ != nullptr) return false;
    ReplyError(res, UnavailableError("rag is not enabled on this server"));
    return true;
  };

  http_->Post("/api/rag/collections", [this, disabled](const httplib::Request& req, httplib::Response& res) {
    if (disabled(res)) return;
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto name = body->find("name");
    if (name == body->end() || !name->is_string()) return ReplyError(res, InvalidArgumentError("name must be a string"));
    auto embed_model = body->find("embed_model");
    if (embed_model == body->end() || !embed_model->is_string() || embed_model->get<std::string>().empty()) {
      return ReplyError(res, InvalidArgumentError("embed_model must name an embedding model"));
    }
    rag::CollectionConfig config;
    config.embed_model = embed_model->get<std::string>();
    auto record = store_->Get(config.embed_model);
    if (!record.ok()) return ReplyError(res, record.status());
    auto facts = ReadModelFacts(*record);
    if (!facts.ok()) return ReplyError(res, facts.status());
    if (!facts->Has("embedding")) {
      return ReplyError(res, InvalidArgumentError("model '" + config.embed_model + "' does not support embeddings"));
    }
    rag::ChunkerOptions chunker;
    bool overlap_given = false;
    for (auto [key, field] : {std::pair{"chunk_size", &chunker.chunk_size}, std::pair{"chunk_overlap", &chunker.chunk_overlap}}) {
      auto it = body->find(key);
      if (it == body->end() || it->is_null()) continue;
      if (!it->is_number_unsigned()) {
        return ReplyError(res, InvalidArgumentError(std::string(key) + " must be a non-negative integer"));
      }
      *field = it->get<size_t>();
      overlap_given = overlap_given || std::string(key) == "chunk_overlap";
    }
    // Small chunks without an explicit overlap get a fifth of their size.
    if (!overlap_given) chunker.chunk_overlap = std::min(chunker.chunk_overlap, chunker.chunk_size / 5);
    if (Status valid = rag::ValidateChunkerOptions(chunker); !valid.ok()) return ReplyError(res, valid);
    config.chunk_size = static_cast<int64_t>(chunker.chunk_size);
    config.chunk_overlap = static_cast<int64_t>(chunker.chunk_overlap);
    auto collection = rag_->Create(name->get<std::string>(), config);
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto stats = (*collection)->Stats();
    if (!stats.ok()) return ReplyError(res, stats.status());
    ReplyJson(res, CollectionJson(*stats));
  });

  http_->Get("/api/rag/collections", [this, disabled](const httplib::Request&, httplib::Response& res) {
    if (disabled(res)) return;
    auto list = rag_->List();
    if (!list.ok()) return ReplyError(res, list.status());
    json out = json::array();
    for (const auto& stats : *list) out.push_back(CollectionJson(stats));
    ReplyJson(res, {{"collections", out}});
  });

  http_->Get(R"(/api/rag/collections/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto collection = FindCollection(req.matches[1].str());
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto stats = (*collection)->Stats();
    if (!stats.ok()) return ReplyError(res, stats.status());
    ReplyJson(res, CollectionJson(*stats));
  });

  http_->Delete(R"(/api/rag/collections/([^/]+))", [this, disabled](const httplib::Request& req, httplib::Response& res) {
    if (disabled(res)) return;
    Status st = rag_->Delete(req.matches[1].str());
    if (!st.ok()) return ReplyError(res, st);
    ReplyJson(res, json::object());
  });

  http_->Get(R"(/api/rag/collections/([^/]+)/documents)", [this](const httplib::Request& req,
                                                                    httplib::Response& res) {
    auto collection = FindCollection(req.matches[1].str());
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto documents = (*collection)->ListDocuments();
    if (!documents.ok()) return ReplyError(res, documents.status());
    json out = json::array();
    for (const auto& d : *documents) out.push_back(DocumentJson(d));
    ReplyJson(res, {{"documents", out}});
  });

  http_->Delete(R"(/api/rag/collections/([^/]+)/documents/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto collection = FindCollection(req.matches[1].str());
                  if (!collection.ok()) return ReplyError(res, collection.status());
                  auto id = ParseDocumentId(req.matches[2].str());
                  if (!id.ok()) return ReplyError(res, id.status());
                  Status st = (*collection)->DeleteDocument(*id);
                  if (!st.ok()) return ReplyError(res, st);
                  ReplyJson(res, json::object());
                });

  http_->Post(R"(/api/rag/collections/([^/]+)/documents)",
              [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
                auto collection = FindCollection(req.matches[1].str());
                if (!collection.ok()) return ReplyError(res, collection.status());
                auto upload = ReadDocumentBody(req, reader, options_.rag.max_document_bytes);
                if (!upload.ok()) return ReplyError(res, upload.status());
                IngestDocument(*collection, std::move(*upload), req, res);
              });

  http_->Post("/api/rag/search", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto name = body->find("collection");
    if (name == body->end() || !name->is_string()) {
      return ReplyError(res, InvalidArgumentError("collection must be a string"));
    }
    auto search = ParseSearchFields(*body, true);
    if (!search.ok()) return ReplyError(res, search.status());
    auto collection = FindCollection(name->get<std::string>());
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto hits = SearchCollection(**collection, *search, [&req] { return req.is_connection_closed(); });
    if (!hits.ok()) return ReplyError(res, hits.status());
    json results = json::array();
    for (const auto& hit : *hits) results.push_back(SearchHitJson(hit));
    ReplyJson(res, {{"results", results}});
  });
}

}  // namespace suanli::server
