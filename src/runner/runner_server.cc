#include "runner/runner_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include <cpp-httplib/httplib.h>

#include "base/log.h"
#include "engine/chat_stream.h"
#include "runner/prepare.h"
#include "runner/protocol.h"

namespace suanli::runner {

namespace {

void ReplyError(httplib::Response& res, const Status& s) {
  res.status = HttpStatusFor(s);
  res.set_content(ErrorToJson(s).dump(), "application/json");
}

void ReplyJson(httplib::Response& res, const json& body) {
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

std::string Line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<int64_t>(pages_resident) * sysconf(_SC_PAGESIZE);
}

Status EnsurePrivateDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return UnavailableError(std::string("cannot create the runner folder: ") + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return UnavailableError("the runner folder is not a folder");
  if ((st.st_mode & 0077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    return UnavailableError("the runner folder is not private and cannot be made so");
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::unique_ptr<RunnerServer>> RunnerServer::Create(const RunnerOptions& options) {
  auto server = std::unique_ptr<RunnerServer>(new RunnerServer());
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(server->model_, engine::Model::Load(options.model_path, options.load));
  ASSIGN_OR_RETURN(server->adapters_, engine::LoraAdapters::Load(*server->model_, options.model_path, options.adapters));
  if (server->model_->info().is_embedding) {
    ASSIGN_OR_RETURN(server->embedder_, engine::Embedder::Create(*server->model_, options.embedder));
  } else {
    ASSIGN_OR_RETURN(server->template_, engine::ChatTemplate::Create(*server->model_));
    ASSIGN_OR_RETURN(server->engine_, engine::Engine::Create(*server->model_, options.engine, server->adapters_.get()));
  }
  server->load_duration_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - start).count();
  server->http_ = std::make_unique<httplib::Server>();
  server->RegisterRoutes();
  return server;
}

RunnerServer::~RunnerServer() = default;

namespace {

json ToolCallsToJson(const std::vector<engine::ToolCall>& calls) {
  json out = json::array();
  for (const auto& c : calls) out.push_back({{"id", c.id}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
  return out;
}

json ParsedToJson(const engine::ParsedOutput& out) {
  json msg = {{"role", "assistant"}, {"content", out.content}};
  if (!out.thinking.empty()) msg["thinking"] = out.thinking;
  if (!out.tool_calls.empty()) msg["tool_calls"] = ToolCallsToJson(out.tool_calls);
  return msg;
}

json DeltaToJson(const engine::ChatDelta& d) {
  json out = json::object();
  if (!d.content.empty()) out["content"] = d.content;
  if (!d.thinking.empty()) out["thinking"] = d.thinking;
  if (!d.tool_calls.empty()) out["tool_calls"] = ToolCallsToJson(d.tool_calls);
  return out;
}

json LogprobJson(const engine::Model& model, const engine::TokenLogprob& lp) {
  return {{"token", lp.token}, {"text", model.TokenPiece(lp.token, true)}, {"logprob", lp.logprob}};
}

// One request's state while its answer streams.
struct Streaming {
  Streaming(const engine::ChatTemplate& tmpl, PreparedPrompt p)
      : prompt(std::move(p)), chat(tmpl, prompt.rendered) {}
  PreparedPrompt prompt;
  engine::ChatStream chat;
};

}  // namespace

void RunnerServer::RegisterRoutes() {
  auto& http = *http_;
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    ReplyError(res, InvalidArgumentError("bad request: " + what));
  });

  http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    json body = {{"status", "ok"}, {"pid", static_cast<int64_t>(::getpid())},
                 {"load_duration", load_duration_ns_},
                 {"model", ModelInfoToJson(model_->info())}};
    if (engine_) {
      body["kind"] = "completion";
      body["slots"] = engine_->num_slots();
      body["context_per_slot"] = engine_->context_per_slot();
    } else {
      body["kind"] = "embedding";
      body["slots"] = 1;
      body["context_per_slot"] = embedder_->context_per_input();
    }
    ReplyJson(res, body);
  });

  http.Get("/memory", [](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, {{"rss_bytes", ResidentBytes()}});
  });

  http.Post("/tokenize", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseJson(req.body);
    if (!body.ok()) return ReplyError(res, body.status());
    if (!body->contains("content") || !(*body)["content"].is_string()) {
      return ReplyError(res, InvalidArgumentError("content must be a string"));
    }
    ReplyJson(res, {{"tokens", model_->Tokenize((*body)["content"], body->value("add_special", false),
                                                  body->value("parse_special", true))}});
  });

  http.Post("/detokenize", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseJson(req.body);
    if (!body.ok()) return ReplyError(res, body.status());
    std::vector<engine::Token> tokens;
    for (const json& t : body->value("tokens", json::array())) {
      if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() >= model_->VocabSize()) {
        return ReplyError(res, InvalidArgumentError("tokens must be valid token ids"));
      }
      tokens.push_back(t.get<engine::Token>());
    }
    ReplyJson(res, {{"content", model_->Detokenize(tokens)}});
  });

  http.Post("/render", [this](const httplib::Request& req, httplib::Response& res) {
    if (!engine_) return ReplyError(res, InvalidArgumentError("this model does not support generate"));
    auto body = ParseOrderedJson(req.body);
    if (!body.ok()) return ReplyError(res, body.status());
    auto prepared = Prepare(*model_, *template_, *body);
    if (!prepared.ok()) return ReplyError(res, prepared.status());
    ReplyJson(res, {{"prompt", prepared->rendered.prompt}, {"tokens", prepared->tokens}});
  });

  http.Post("/embed", [this](const httplib::Request& req, httplib::Response& res) {
    if (!embedder_) return ReplyError(res, InvalidArgumentError("this model does not support embeddings"));
    auto body = ParseJson(req.body);
    if (!body.ok()) return ReplyError(res, body.status());
    std::vector<std::string> inputs;
    const json input = body->value("input", json::array());
    if (input.is_string()) {
      inputs.push_back(input.get<std::string>());
    } else if (input.is_array()) {
      for (const json& s : input) {
        if (!s.is_string()) return ReplyError(res, InvalidArgumentError("invalid input type"));
        inputs.push_back(s.get<std::string>());
      }
    } else {
      return ReplyError(res, InvalidArgumentError("invalid input type"));
    }
    auto result = embedder_->Embed(inputs, body->value("truncate", true));
    if (!result.ok()) return ReplyError(res, result.status());
    ReplyJson(res, {{"embeddings", result->embeddings}, {"prompt_eval_count", result->prompt_tokens}});
  });

  http.Post("/completion", [this](const httplib::Request& req, httplib::Response& res) {
    if (!engine_) return ReplyError(res, InvalidArgumentError("this model does not support generate"));
    auto body = ParseOrderedJson(req.body);
    if (!body.ok()) return ReplyError(res, body.status());
    if (!body->is_object()) return ReplyError(res, InvalidArgumentError("the request body must be a JSON object"));
    auto prepared = Prepare(*model_, *template_, *body);
    if (!prepared.ok()) return ReplyError(res, prepared.status());

    engine::ModelOptions options;
    std::vector<std::string> ignored;
    Status st = engine::ApplyOptions(json(body->value("options", nlohmann::ordered_json())), &options, &ignored);
    if (!st.ok()) return ReplyError(res, st);
    engine::CompletionRequest request;
    request.prompt = prepared->tokens;
    request.sampling = options.sampling;
    for (const auto& stop : prepared->rendered.additional_stops) request.sampling.stop.push_back(stop);
    request.grammar = prepared->grammar;
    request.ignore_eos = body->value("ignore_eos", false);
    if (auto lp = body->find("logprobs"); lp != body->end() && lp->is_number_integer()) {
      request.logprobs = std::clamp(lp->get<int>(), -1, 20);
    }
    auto submitted = engine_->Submit(std::move(request));
    if (!submitted.ok()) return ReplyError(res, submitted.status());

    std::shared_ptr<engine::Completion> completion(std::move(submitted).value());
    auto state = std::make_shared<Streaming>(*template_, std::move(prepared).value());
    res.set_chunked_content_provider(
        "application/x-ndjson", [this, completion, state](size_t, httplib::DataSink& sink) {
          engine::CompletionEvent ev;
          // Wake up now and then to notice a caller that went away while queued.
          while (!completion->NextWithin(200, &ev)) {
            if (!sink.is_writable()) {
              completion->Cancel();
              return false;
            }
          }
          std::string out;
          bool final_event = true;
          switch (ev.kind) {
            case engine::CompletionEvent::Kind::kToken: {
              json line = {{"token", ev.token}, {"text", ev.text}};
              if (state->prompt.parsed) {
                const engine::ChatDelta delta = state->chat.Push(ev.text);
                if (state->chat.parsing()) line["delta"] = DeltaToJson(delta);
              }
              if (ev.logprob) {
                line["logprob"] = LogprobJson(*model_, *ev.logprob);
                json top = json::array();
                for (const auto& t : ev.top_logprobs) top.push_back(LogprobJson(*model_, t));
                line["top_logprobs"] = top;
              }
              out = Line(line);
              final_event = false;
              break;
            }
            case engine::CompletionEvent::Kind::kDone: {
              json line = {{"done", true}, {"done_reason", ev.done_reason}, {"timings", TimingsToJson(ev.timings)}};
              if (state->prompt.parsed) {
                engine::ParsedOutput message;
                const engine::ChatDelta last = state->chat.Finish(&message);
                if (!last.empty()) out = Line({{"delta", DeltaToJson(last)}});
                line["message"] = ParsedToJson(message);
              }
              out += Line(line);
              break;
            }
            case engine::CompletionEvent::Kind::kError:
              out = Line(ErrorToJson(ev.error));
              break;
          }
          if (!sink.write(out.data(), out.size())) {
            completion->Cancel();
            return false;
          }
          if (final_event) sink.done();
          return true;
        });
  });
}

Status RunnerServer::Serve(const std::string& socket_path) {
  const auto slash = socket_path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) RETURN_IF_ERROR(EnsurePrivateDir(socket_path.substr(0, slash)));
  ::unlink(socket_path.c_str());
  http_->set_address_family(AF_UNIX);
  if (!http_->bind_to_port(socket_path, 80)) return UnavailableError("cannot listen on the runner socket");
  ::chmod(socket_path.c_str(), 0600);
  LogDebug("runner listening");
  http_->listen_after_bind();
  ::unlink(socket_path.c_str());
  return OkStatus();
}

void RunnerServer::Stop() {
  if (http_) http_->stop();
}

}  // namespace suanli::runner
