// POST /api/create: checks the body (create_plan), then, holding the name's
// lock, quantizes the model layer when asked (in a child process, through
// ServerOptions::quantize, into a pending blob that becomes a new layer) and
// writes the model. Streams Ollama's progress lines unless stream is false.
#include <cpp-httplib/httplib.h>

#include <memory>

#include "server/create_plan.h"
#include "server/server.h"
#include "store/gguf_details.h"

namespace suanli::server {

namespace {

using ProgressFn = std::function<void(const json&)>;

// The quantization step: a new blob of the requested type.
Status Quantize(CreatePlan& plan, store::ModelStore& store, const QuantizeFn& quantize, const ProgressFn& progress) {
  const std::string status = "quantizing " + plan.source_level + " model to " + plan.quantize;
  const std::string source = plan.spec.model_digest;
  ASSIGN_OR_RETURN(auto pending, store.NewPendingBlob());
  uint64_t last = UINT64_MAX;
  Status st =
      quantize({store.BlobPath(source), pending->temp_path(), plan.quantize}, [&](uint64_t completed, uint64_t total) {
        if (completed == last) return;
        last = completed;
        progress({{"status", status}, {"digest", source}, {"total", total}, {"completed", completed}});
      });
  RETURN_IF_ERROR(st);
  progress({{"status", "verifying conversion"}});
  auto details = store::ReadModelDetails(pending->temp_path());
  if (!details.ok() || details->quantization_level != plan.quantize) {
    return InternalError("the quantized model does not have the requested type " + plan.quantize);
  }
  ASSIGN_OR_RETURN(plan.spec.model_digest, pending->Commit());
  plan.spec.new_model_layer = true;
  return OkStatus();
}

}  // namespace

void Server::RegisterCreateRoutes() {
  // Runs a checked plan to the end; progress lines go to `progress`.
  auto run = [this](CreatePlan plan, const ProgressFn& progress) -> Status {
    auto guard = store_->name_locks().Lock(plan.name);
    if (!plan.quantize.empty()) RETURN_IF_ERROR(Quantize(plan, *store_, options_.quantize, progress));
    return store_->Create(plan.name, plan.spec, [&](const std::string& status) { progress({{"status", status}}); });
  };

  http_->Post("/api/create", [this, run](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto plan = PlanCreate(*body, *store_);
    if (!plan.ok()) return ReplyError(res, plan.status());
    if (!plan->quantize.empty() && !options_.quantize) {
      return ReplyError(res, InvalidArgumentError("this server cannot quantize models"));
    }
    if (!plan->stream) {
      Status st = run(*std::move(plan), [](const json&) {});
      if (!st.ok()) return ReplyError(res, st);
      return ReplyJson(res, {{"status", "success"}});
    }
    auto shared = std::make_shared<CreatePlan>(*std::move(plan));
    res.set_chunked_content_provider("application/x-ndjson", [shared, run](size_t, httplib::DataSink& sink) {
      // A client that hangs up does not stop the create (as in Ollama).
      bool connected = true;
      auto write = [&](const json& line) {
        const std::string text = JsonLine(line);
        if (connected) connected = sink.write(text.data(), text.size());
      };
      Status st = run(*shared, write);
      if (!st.ok()) write({{"error", st.message()}});
      sink.done();
      return true;
    });
  });
}

}  // namespace suanli::server
