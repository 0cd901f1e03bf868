// RunnerServer hosts one model in a runner process and serves it over HTTP
// on a Unix domain socket: /health, /completion (NDJSON stream), /embed,
// /tokenize, /detokenize, /render and /memory (see docs/architecture.md).
// A generative model gets an Engine, an embedding model an Embedder.
// Thread-safety: handlers run on the HTTP thread pool; the engine and
// embedder are thread-safe; Stop may be called from any thread or a signal
// handler's helper thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/chat_template.h"
#include "engine/embedder.h"
#include "engine/engine.h"
#include "engine/lora_adapters.h"
#include "engine/model.h"
#include "engine/options.h"

namespace httplib {
class Server;
}

namespace suanli::runner {

struct RunnerOptions {
  std::string model_path;
  std::vector<std::string> adapters;  // LoRA GGUF files, applied in order
  engine::LoadOptions load;
  engine::EngineOptions engine;  // generative models
  engine::EmbedderOptions embedder;  // embedding models
};

class RunnerServer {
 public:
  // Loads the model and creates its engine or embedder.
  static StatusOr<std::unique_ptr<RunnerServer>> Create(const RunnerOptions& options);
  ~RunnerServer();

  // Listens on `socket_path` (its folder is created 0700 if missing, the
  // socket is made 0600) and serves until Stop. Fails with Unavailable when
  // the socket cannot be bound.
  Status Serve(const std::string& socket_path);
  void Stop();

 private:
  RunnerServer() = default;
  void RegisterRoutes();

  std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::LoraAdapters> adapters_;  // before engine_: the engine uses them
  std::unique_ptr<engine::ChatTemplate> template_;
  std::unique_ptr<engine::Engine> engine_;      // null for embedding models
  std::unique_ptr<engine::Embedder> embedder_;  // null for generative models
  std::unique_ptr<httplib::Server> http_;
  int64_t load_duration_ns_ = 0;
};

}  // namespace suanli::runner
