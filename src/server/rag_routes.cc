// /api/rag/*: collections, documents (JSON text, a URL the server fetches,
// or a multipart file upload; NDJSON progress with "stream": true) and
// search. Ingestion runs the loader, the chunker and the collection's
// embedding model through the scheduler.
#include <cpp-httplib/httplib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "net/http_fetch.h"
#include "rag/collection_manager.h"
#include "rag/document_loader.h"
#include "rag/document_pipeline.h"
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

StatusOr<std::vector<std::vector<float>>> Server::EmbedTexts(const std::string& model,
                                                              const std::vector<std::string>& texts,
                                                              const std::function<bool()>& client_gone) {
  ASSIGN_OR_RETURN(json reply, Embed(json{{"model", model}, {"input", texts}, {"truncate", true}}, false, client_gone));
  const json& embeddings = reply["embeddings"];
  if (!embeddings.is_array() || embeddings.size() != texts.size()) {
    return InternalError("the embedding model returned " + std::to_string(embeddings.size()) + " vectors for " +
                         std::to_string(texts.size()) + " texts");
  }
  return embeddings.get<std::vector<std::vector<float>>>();
}

rag::EmbedFn Server::EmbedderFor(const std::string& model, std::function<bool()> client_gone) {
  return [this, model, client_gone = std::move(client_gone)](const std::vector<std::string>& texts) {
    return EmbedTexts(model, texts, client_gone);
  };
}

StatusOr<std::string> Server::FetchDocumentUrl(const std::string& url, std::string* content_type,
                                               const std::function<bool()>& client_gone) {
  net::UrlParts parts;
  if (!net::SplitUrl(url, &parts) || (parts.scheme != "http" && parts.scheme != "https")) {
    return InvalidArgumentError("url must be an http or https URL");
  }
  net::FetchRequest request;
  request.url = url;
  request.headers = {{"Accept", "text/html,application/xhtml+xml,text/plain,text/markdown,application/pdf;q=0.9,*/*;q=0.5"},
                     {"User-Agent", "suanli/" + options_.version}};
  request.max_body_bytes = options_.rag.max_document_bytes;
  request.allow_http = true;
  // A URL from a client must not reach the server's own network unless the
  // operator allows it (SSRF); link-local (cloud metadata) never.
  request.check_first_hop = true;
  request.allow_private_redirects = options_.rag.allow_private_urls;
  request.stall_timeout_s = options_.rag.url_timeout_s;
  request.total_timeout_s = options_.rag.url_timeout_s * 4;
  std::string body;
  request.on_data = [&](const char* data, size_t n) {
    if (client_gone()) return false;  // the client left: stop fetching
    body.append(data, n);
    return true;
  };
  auto response = net::HttpFetch(request);
  if (!response.ok()) {
    if (response.status().code() == StatusCode::kResourceExhausted) {
      return InvalidArgumentError("the page at " + url + " is larger than the document size limit");
    }
    return Status(response.status().code(), "could not fetch " + url + ": " + response.status().message());
  }
  if (response->status < 200 || response->status >= 300) {
    return InvalidArgumentError("could not fetch " + url + ": the server answered " + std::to_string(response->status));
  }
  *content_type = response->Header("content-type");
  return body;
}

void Server::RegisterRagRoutes() {
  auto manager = [this]() -> StatusOr<rag::CollectionManager*> {
    if (rag_ == nullptr) return UnavailableError("rag is not enabled on this server");
    return rag_;
  };

  http_->Post("/api/rag/collections", [this, manager](const httplib::Request& req, httplib::Response& res) {
    auto m = manager();
    if (!m.ok()) return ReplyError(res, m.status());
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
    auto collection = (*m)->Create(name->get<std::string>(), config);
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto stats = (*collection)->Stats();
    if (!stats.ok()) return ReplyError(res, stats.status());
    ReplyJson(res, CollectionJson(*stats));
  });

  http_->Get("/api/rag/collections", [manager](const httplib::Request&, httplib::Response& res) {
    auto m = manager();
    if (!m.ok()) return ReplyError(res, m.status());
    auto list = (*m)->List();
    if (!list.ok()) return ReplyError(res, list.status());
    json out = json::array();
    for (const auto& stats : *list) out.push_back(CollectionJson(stats));
    ReplyJson(res, {{"collections", out}});
  });

  http_->Get(R"(/api/rag/collections/([^/]+))", [manager](const httplib::Request& req, httplib::Response& res) {
    auto m = manager();
    if (!m.ok()) return ReplyError(res, m.status());
    auto collection = (*m)->Get(req.matches[1].str());
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto stats = (*collection)->Stats();
    if (!stats.ok()) return ReplyError(res, stats.status());
    ReplyJson(res, CollectionJson(*stats));
  });

  http_->Delete(R"(/api/rag/collections/([^/]+))", [manager](const httplib::Request& req, httplib::Response& res) {
    auto m = manager();
    if (!m.ok()) return ReplyError(res, m.status());
    Status st = (*m)->Delete(req.matches[1].str());
    if (!st.ok()) return ReplyError(res, st);
    ReplyJson(res, json::object());
  });

  http_->Get(R"(/api/rag/collections/([^/]+)/documents)", [manager](const httplib::Request& req,
                                                                    httplib::Response& res) {
    auto m = manager();
    if (!m.ok()) return ReplyError(res, m.status());
    auto collection = (*m)->Get(req.matches[1].str());
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto documents = (*collection)->ListDocuments();
    if (!documents.ok()) return ReplyError(res, documents.status());
    json out = json::array();
    for (const auto& d : *documents) out.push_back(DocumentJson(d));
    ReplyJson(res, {{"documents", out}});
  });

  http_->Delete(R"(/api/rag/collections/([^/]+)/documents/([^/]+))",
                [manager](const httplib::Request& req, httplib::Response& res) {
                  auto m = manager();
                  if (!m.ok()) return ReplyError(res, m.status());
                  auto collection = (*m)->Get(req.matches[1].str());
                  if (!collection.ok()) return ReplyError(res, collection.status());
                  auto id = ParseDocumentId(req.matches[2].str());
                  if (!id.ok()) return ReplyError(res, id.status());
                  Status st = (*collection)->DeleteDocument(*id);
                  if (!st.ok()) return ReplyError(res, st);
                  ReplyJson(res, json::object());
                });

  http_->Post(R"(/api/rag/collections/([^/]+)/documents)",
              [this, manager](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
                auto m = manager();
                if (!m.ok()) return ReplyError(res, m.status());
                auto collection = (*m)->Get(req.matches[1].str());
                if (!collection.ok()) return ReplyError(res, collection.status());
                auto upload = ReadDocumentBody(req, reader, options_.rag.max_document_bytes);
                if (!upload.ok()) return ReplyError(res, upload.status());
                IngestDocument(*collection, std::move(*upload), req, res);
              });

  http_->Post("/api/rag/search", [this, manager](const httplib::Request& req, httplib::Response& res) {
    auto m = manager();
    if (!m.ok()) return ReplyError(res, m.status());
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto name = body->find("collection");
    if (name == body->end() || !name->is_string()) {
      return ReplyError(res, InvalidArgumentError("collection must be a string"));
    }
    auto search = ParseSearchFields(*body, true);
    if (!search.ok()) return ReplyError(res, search.status());
    auto collection = (*m)->Get(name->get<std::string>());
    if (!collection.ok()) return ReplyError(res, collection.status());
    auto info = (*collection)->Info();
    if (!info.ok()) return ReplyError(res, info.status());
    auto hits = (*collection)->Search(*search, EmbedderFor(info->embed_model, [&req] { return req.is_connection_closed(); }));
    if (!hits.ok()) return ReplyError(res, hits.status());
    json results = json::array();
    for (const auto& hit : *hits) results.push_back(SearchHitJson(hit));
    ReplyJson(res, {{"results", results}});
  });
}

}  // namespace suanli::server
