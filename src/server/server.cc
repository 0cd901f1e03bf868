#include "server/server.h"

#include <cpp-httplib/httplib.h>

#include "base/log.h"

namespace suanli::server {

Server::Server(ServerOptions options, store::ModelStore* store, sched::Scheduler* scheduler,
               rag::CollectionManager* rag)
    : options_(std::move(options)),
      store_(store),
      scheduler_(scheduler),
      rag_(rag),
      http_(std::make_unique<httplib::Server>()),
      puller_(std::make_unique<store::Puller>(store, options_.pull)) {
  // Streams hold a worker for their whole length: let the pool grow.
  http_->new_task_queue = [] { return new httplib::ThreadPool(8, 1024); };
  http_->set_tcp_nodelay(true);  // streamed chunks must not wait for Nagle + delayed ACKs
  http_->set_read_timeout(60, 0);
  http_->set_write_timeout(300, 0);
  http_->set_payload_max_length(std::numeric_limits<size_t>::max());
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected error";
    try {
      std::rethrow_exception(ep);
    } catch (const nlohmann::json::exception& e) {
      ReplyError(res, InvalidArgumentError(std::string("invalid request: ") + e.what()));
      return;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    LogError("request failed: " + what);
    ReplyError(res, InternalError("internal error: " + what));
  });
  http_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) res.set_content("404 page not found", "text/plain");
  });
  // Request bodies are read into memory except on the streaming upload
  // routes (blobs, RAG documents), which cap what they read themselves: a
  // declared length over the limit is refused before a byte is read.
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const bool streamed = req.path.rfind("/api/blobs/", 0) == 0 ||
                          (req.path.rfind("/api/rag/collections/", 0) == 0 && req.method == "POST");
    if (streamed || !req.has_header("Content-Length")) return httplib::Server::HandlerResponse::Unhandled;
    const std::string length = req.get_header_value("Content-Length");
    const bool digits = !length.empty() && length.find_first_not_of("0123456789") == std::string::npos;
    if (digits && (length.size() > 15 || std::stoull(length) > options_.max_request_bytes)) {
      res.status = 413;
      res.set_content(json{{"error", "request body too large (the limit is " +
                                         std::to_string(options_.max_request_bytes >> 20) + " MiB)"}}.dump(),
                      "application/json; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
    LogDebug(req.method + " " + req.path + " " + std::to_string(res.status));
  });
  RegisterBasicRoutes();
  RegisterModelRoutes();
  RegisterCreateRoutes();
  RegisterGenerateRoutes();
  RegisterEmbedRoutes();
  RegisterOpenAIRoutes();
  RegisterOpenAIModelRoutes();
  RegisterPullRoutes();
  RegisterRagRoutes();
}

Server::~Server() = default;

void Server::RegisterBasicRoutes() {
  auto running = [](const httplib::Request&, httplib::Response& res) {
    res.set_content("Ollama is running", "text/plain; charset=utf-8");
  };
  http_->Get("/", running);
  auto version = [this](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, {{"version", options_.version}});
  };
  http_->Get("/api/version", version);

  // Known paths answer 405 to other methods, as Ollama's router does.
  struct Route {
    const char* path;
    std::vector<std::string> methods;
  };
  const Route routes[] = {
      {"/api/generate", {"POST"}}, {"/api/chat", {"POST"}},     {"/api/embed", {"POST"}},
      {"/api/embeddings", {"POST"}}, {"/api/tags", {"GET", "HEAD"}}, {"/api/show", {"POST"}},
      {"/api/ps", {"GET"}},        {"/api/copy", {"POST"}},     {"/api/delete", {"DELETE"}},
      {"/api/create", {"POST"}},   {"/api/version", {"GET", "HEAD"}}, {"/api/pull", {"POST"}},
      {"/api/push", {"POST"}},
      {"/v1/chat/completions", {"POST"}}, {"/v1/completions", {"POST"}}, {"/v1/embeddings", {"POST"}},
      {"/v1/models", {"GET"}},     {"/api/rag/collections", {"GET", "POST"}}, {"/api/rag/search", {"POST"}},
  };
  auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_content("405 method not allowed", "text/plain");
  };
  for (const auto& r : routes) {
    auto allowed = [&](const char* m) { return std::find(r.methods.begin(), r.methods.end(), m) != r.methods.end(); };
    if (!allowed("GET")) http_->Get(r.path, not_allowed);
    if (!allowed("POST")) http_->Post(r.path, not_allowed);
    if (!allowed("PUT")) http_->Put(r.path, not_allowed);
    if (!allowed("DELETE")) http_->Delete(r.path, not_allowed);
    if (!allowed("PATCH")) http_->Patch(r.path, not_allowed);
  }
  http_->Post("/api/push", [](const httplib::Request&, httplib::Response& res) {
    ReplyError(res, InvalidArgumentError("pushing models is not supported yet"));
  });
}

Status Server::Listen() {
  if (!http_->bind_to_port(options_.host, options_.port)) {
    return UnavailableError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                            " (is another server running there?)");
  }
  LogInfo("Listening on " + options_.host + ":" + std::to_string(options_.port) + " (version " + options_.version + ")");
  http_->listen_after_bind();
  return OkStatus();
}

void Server::Stop() {
  puller_->CancelAll();  // a pull would otherwise hold the shutdown until it ends
  http_->stop();
}

}  // namespace suanli::server
