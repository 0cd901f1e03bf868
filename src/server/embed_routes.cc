// /api/embed (batch, normalised, truncate, dimensions) and the legacy
// /api/embeddings, and the embedding function RAG collections use (same
// path, without the JSON round trip).
#include <cpp-httplib/httplib.h>

#include <cmath>

#include "server/model_info.h"
#include "server/server.h"

namespace suanli::server {

namespace {

// Cuts a unit vector to `dims` and scales it back to unit length.
std::vector<float> Reduce(std::vector<float> v, size_t dims) {
  if (dims == 0 || dims >= v.size()) return v;
  v.resize(dims);
  double sum = 0;
  for (float x : v) sum += double(x) * x;
  if (sum > 0) {
    const float inv = static_cast<float>(1 / std::sqrt(sum));
    for (float& x : v) x *= inv;
  }
  return v;
}

}  // namespace

StatusOr<Server::Embedding> Server::RunEmbedding(const std::string& model, const std::vector<std::string>& inputs,
                                                 bool truncate, const json& options,
                                                 std::optional<int64_t> keep_alive,
                                                 const std::function<bool()>& client_gone) {
  ASSIGN_OR_RETURN(store::ModelRecord record, store_->Get(model));
  ASSIGN_OR_RETURN(ModelFacts facts, ReadModelFacts(record));
  ASSIGN_OR_RETURN(EffectiveOptions effective, MergeOptions(record, options, options_.defaults));
  Embedding out;
  if (inputs.empty()) return out;
  if (!facts.Has("embedding")) return InvalidArgumentError("this model does not support embeddings");
  ASSIGN_OR_RETURN(auto lease, scheduler_->Acquire(SpecFor(record, effective), keep_alive, client_gone));
  auto reply = lease->client().Call("/embed", {{"input", inputs}, {"truncate", truncate}});
  if (!reply.ok()) {
    if (reply.status().code() == StatusCode::kUnavailable) lease->ReportFailure();
    return reply.status();
  }
  out.vectors = (*reply)["embeddings"].get<std::vector<std::vector<float>>>();
  out.prompt_eval_count = reply->value("prompt_eval_count", int64_t{0});
  out.load_duration = lease->load_duration_ns();
  return out;
}

StatusOr<json> Server::Embed(const json& body, bool legacy, const std::function<bool()>& client_gone) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::string model, ModelField(body));
  std::vector<std::string> inputs;
  const json input = legacy ? body.value("prompt", json()) : body.value("input", json());
  if (input.is_string()) {
    if (!input.get<std::string>().empty() || !legacy) inputs.push_back(input.get<std::string>());
  } else if (input.is_array()) {
    for (const json& s : input) {
      if (!s.is_string()) return InvalidArgumentError("invalid input type");
      inputs.push_back(s.get<std::string>());
    }
  } else if (!input.is_null()) {
    return InvalidArgumentError("invalid input type");
  }
  if (!legacy && input.is_string() && input.get<std::string>().empty()) inputs.clear();
  int64_t dims = 0;
  if (auto d = body.find("dimensions"); d != body.end() && !d->is_null()) {
    if (!d->is_number_integer() || d->get<int64_t>() < 1) return InvalidArgumentError("dimensions must be a positive integer");
    dims = d->get<int64_t>();
  }
  if (body.contains("truncate") && !body["truncate"].is_boolean()) return InvalidArgumentError("truncate must be a boolean");
  ASSIGN_OR_RETURN(auto keep_alive, ParseKeepAlive(body));
  ASSIGN_OR_RETURN(Embedding embedding,
                   RunEmbedding(model, inputs, legacy ? false : body.value("truncate", true),
                                body.value("options", json()), keep_alive, client_gone));
  if (inputs.empty()) {
    if (legacy) return json{{"embedding", json::array()}};
    return json{{"model", model}, {"embeddings", json::array()}};
  }
  std::vector<std::vector<float>>& vectors = embedding.vectors;
  if (legacy) return json{{"embedding", vectors.empty() ? json::array() : json(vectors[0])}};
  json list = json::array();
  for (auto& v : vectors) list.push_back(Reduce(std::move(v), static_cast<size_t>(dims)));
  return json{{"model", model},
              {"embeddings", list},
              {"total_duration", std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now() - start).count()},
              {"load_duration", embedding.load_duration},
              {"prompt_eval_count", embedding.prompt_eval_count}};
}

StatusOr<std::vector<std::vector<float>>> Server::EmbedTexts(const std::string& model,
                                                              const std::vector<std::string>& texts,
                                                              const std::function<bool()>& client_gone) {
  ASSIGN_OR_RETURN(Embedding embedding, RunEmbedding(model, texts, true, json(), std::nullopt, client_gone));
  if (embedding.vectors.size() != texts.size()) {
    return InternalError("the embedding model returned " + std::to_string(embedding.vectors.size()) +
                         " vectors for " + std::to_string(texts.size()) + " texts");
  }
  return std::move(embedding.vectors);
}

rag::EmbedFn Server::EmbedderFor(const std::string& model, std::function<bool()> client_gone) {
  return [this, model, client_gone = std::move(client_gone)](const std::vector<std::string>& texts) {
    return EmbedTexts(model, texts, client_gone);
  };
}

void Server::RegisterEmbedRoutes() {
  auto embed = [this](const httplib::Request& req, bool legacy) -> StatusOr<json> {
    ASSIGN_OR_RETURN(json body, ParseBody(req));
    return Embed(body, legacy, [&req] { return req.is_connection_closed(); });
  };
  http_->Post("/api/embed", [embed](const httplib::Request& req, httplib::Response& res) {
    auto out = embed(req, false);
    if (!out.ok()) return ReplyError(res, out.status());
    ReplyJson(res, *out);
  });
  http_->Post("/api/embeddings", [embed](const httplib::Request& req, httplib::Response& res) {
    auto out = embed(req, true);
    if (!out.ok()) return ReplyError(res, out.status());
    ReplyJson(res, *out);
  });
}

}  // namespace suanli::server
