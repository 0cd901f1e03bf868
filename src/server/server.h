// Server: the HTTP front of `suanli serve`. Ollama's native API (generate,
// chat, embed, model management, blobs) and the OpenAI-compatible /v1 API on
// cpp-httplib, backed by the model store and the scheduler. Native status
// codes, bodies and streaming framing follow Ollama ({"error": "..."}; after
// streaming has begun an error becomes a final NDJSON line); /v1 follows
// OpenAI ({"error": {message, type, param, code}}, server-sent events).
// Thread-safety: handlers run on a thread pool; Stop may be called from any
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "rag/collection.h"
#include "sched/scheduler.h"
#include "server/request_util.h"
#include "store/model_store.h"
#include "store/pull.h"

namespace suanli::rag {
class CollectionManager;
}

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace suanli::server {

// One quantization for /api/create: `input` (an F16/BF16/F32 GGUF) to
// `type` ("Q4_K_M", ...) written at `output`.
struct QuantizeRequest {
  std::string input, output, type;
};
// Runs a quantization to the end; `progress` gets (completed, total) bytes.
using QuantizeFn = std::function<Status(const QuantizeRequest&, const std::function<void(uint64_t, uint64_t)>& progress)>;
// Documents for RAG collections: uploads and fetched pages are capped; a
// URL is fetched with a stall timeout; redirects to loopback or private
// addresses are refused unless allowed.
struct RagServerOptions {
  uint64_t max_document_bytes = 64ull << 20;
  int url_timeout_s = 30;
  bool allow_private_urls = false;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 11434;
  std::string version = "0.0.0";
  RequestDefaults defaults;
  // Largest JSON request body (413 beyond); uploads have their own caps.
  uint64_t max_request_bytes = 32ull << 20;
  store::PullOptions pull;
  // How create quantizes (the composition root runs it in a child process,
  // away from the server). Empty: create refuses `quantize`.
  QuantizeFn quantize;
  RagServerOptions rag;
};

struct DocumentUpload;

class Server {
 public:
  // `rag` may be null: the RAG routes then answer 503.
  Server(ServerOptions options, store::ModelStore* store, sched::Scheduler* scheduler,
         rag::CollectionManager* rag = nullptr);
  ~Server();

  // Binds and serves until Stop. Unavailable when the address is in use.
  Status Listen();
  // Stops accepting; in-flight requests continue until they end.
  void Stop();

 private:
  void RegisterBasicRoutes();
  void RegisterModelRoutes();
  void RegisterCreateRoutes();
  void RegisterGenerateRoutes();
  void RegisterEmbedRoutes();
  void RegisterOpenAIRoutes();
  void RegisterOpenAIModelRoutes();
  void RegisterPullRoutes();
  void RegisterRagRoutes();

  // /api/embed (or, with `legacy`, /api/embeddings) for a parsed body.
  StatusOr<json> Embed(const json& body, bool legacy, const std::function<bool()>& client_gone);

  // Embeds `inputs` with `model` through the scheduler (a lease on its
  // runner): unit vectors, in order. Empty inputs still check the model.
  struct Embedding {
    std::vector<std::vector<float>> vectors;
    int64_t prompt_eval_count = 0;
    int64_t load_duration = 0;  // ns
  };
  StatusOr<Embedding> RunEmbedding(const std::string& model, const std::vector<std::string>& inputs, bool truncate,
                                   const json& options, std::optional<int64_t> keep_alive,
                                   const std::function<bool()>& client_gone);
  // Embeddings of `texts` by `model` (RAG); one vector per text.
  StatusOr<std::vector<std::vector<float>>> EmbedTexts(const std::string& model, const std::vector<std::string>& texts,
                                                       const std::function<bool()>& client_gone);
  rag::EmbedFn EmbedderFor(const std::string& model, std::function<bool()> client_gone);
  // The collection called `name`: NotFound, or Unavailable without RAG.
  StatusOr<std::shared_ptr<rag::Collection>> FindCollection(const std::string& name);
  // Searches `collection`, embedding the query with its embedding model.
  StatusOr<std::vector<rag::SearchHit>> SearchCollection(const rag::Collection& collection,
                                                         const rag::SearchRequest& request,
                                                         const std::function<bool()>& client_gone);
  // GETs a page for ingestion (size cap, timeouts); sets its Content-Type.
  StatusOr<std::string> FetchDocumentUrl(const std::string& url, std::string* content_type,
                                         const std::function<bool()>& client_gone);
  // Loads, chunks, embeds and stores one uploaded document; replies (or
  // streams progress) on `res`.
  void IngestDocument(std::shared_ptr<rag::Collection> collection, DocumentUpload upload, const httplib::Request& req,
                      httplib::Response& res);
  // For a chat/generate body with a "rag" object: retrieves passages for the
  // question, rewrites the question into a grounded prompt, removes "rag",
  // and returns the citations (null when the body has no "rag" or asks
  // nothing).
  StatusOr<json> GroundWithRag(nlohmann::ordered_json* body, bool chat, const std::function<bool()>& client_gone);

  ServerOptions options_;
  store::ModelStore* store_;
  sched::Scheduler* scheduler_;
  rag::CollectionManager* rag_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<store::Puller> puller_;
};

}  // namespace suanli::server
