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
#include <string>

#include "base/status.h"
#include "sched/scheduler.h"
#include "server/request_util.h"
#include "store/model_store.h"
#include "store/pull.h"

namespace httplib {
class Server;
}

namespace suanli::server {

// One quantization for /api/create: `input` (an F16/BF16/F32 GGUF) to
// `type` ("Q4_K_M", ...) written at `output`.
struct QuantizeRequest {
  std::string input, output, type;
};
// Runs a quantization to the end; `progress` gets (completed, total) bytes.
using QuantizeFn = std::function<Status(const QuantizeRequest&, const std::function<void(uint64_t, uint64_t)>& progress)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 11434;
  std::string version = "0.0.0";
  RequestDefaults defaults;
  store::PullOptions pull;
  // How create quantizes (the composition root runs it in a child process,
  // away from the server). Empty: create refuses `quantize`.
  QuantizeFn quantize;
};

class Server {
 public:
  Server(ServerOptions options, store::ModelStore* store, sched::Scheduler* scheduler);
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

  // /api/embed (or, with `legacy`, /api/embeddings) for a parsed body.
  StatusOr<json> Embed(const json& body, bool legacy, const std::function<bool()>& client_gone);

  ServerOptions options_;
  store::ModelStore* store_;
  sched::Scheduler* scheduler_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<store::Puller> puller_;
};

}  // namespace suanli::server
