// Model management routes: /api/tags, /api/show, /api/ps, /api/copy,
// /api/delete and /api/blobs/:digest (/api/create: create_routes.cc).
#include <cpp-httplib/httplib.h>

#include <cstdint>
#include <cstdio>

#include "base/duration.h"
#include "base/sha256.h"
#include "server/model_info.h"
#include "store/modelfile.h"
#include "store/prompt_renderer.h"
#include "server/server.h"

namespace suanli::server {

namespace {

std::string ParametersText(const json& params) {
  std::string out;
  for (const auto& [key, value] : params.items()) {
    auto line = [&](const json& v) {
      char buf[512];
      std::snprintf(buf, sizeof(buf), "%-30s %s\n", key.c_str(), v.dump().c_str());
      out += buf;
    };
    if (value.is_array()) {
      for (const auto& v : value) line(v);
    } else {
      line(value);
    }
  }
  if (!out.empty()) out.pop_back();
  return out;
}

// A Modelfile that re-creates the model (show --modelfile).
std::string ModelfileText(const store::ModelRecord& r) {
  store::Modelfile m;
  m.from = r.model_path;
  m.adapters = r.adapter_paths;
  m.template_text = r.template_text;
  m.has_template = !r.template_text.empty();
  m.system = r.system;
  m.has_system = !r.system.empty();
  m.parameters = r.parameters;
  for (const auto& msg : r.messages) {
    if (msg.is_object()) m.messages.push_back({msg.value("role", "user"), msg.value("content", "")});
  }
  m.licenses = r.licenses;
  return store::FormatModelfile(m, r.name.Display());
}

// The stored model a {"model": ...} body names (400 bad body, 404 unknown).
StatusOr<store::ModelRecord> RecordFor(const httplib::Request& req, const store::ModelStore& store) {
  ASSIGN_OR_RETURN(json body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string name, ModelField(body));
  return store.Get(name);
}

StatusOr<std::string> OptionalString(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidArgumentError(std::string(key) + " must be a string");
  return it->get<std::string>();
}

// The Content-Length a request declares, or 0 when it declares none (or a
// malformed one, which httplib refuses while reading); UINT64_MAX when it
// has more digits than any real size.
uint64_t DeclaredLength(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return 0;
  const std::string length = req.get_header_value("Content-Length");
  if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos) return 0;
  if (length.size() > 19) return UINT64_MAX;
  return std::stoull(length);
}

// 413 for an upload over the store's blob cap. The connection is closed
// after an error reply, so the rest of the body is never read.
void ReplyBlobTooLarge(httplib::Response& res, uint64_t cap) {
  ReplyJson(res,
            {{"error", "the blob is larger than this server accepts (at most " + std::to_string(cap) +
                           " bytes; set SUANLI_MAX_BLOB_SIZE to change it)"}},
            413);
}

}  // namespace

void Server::RegisterModelRoutes() {
  http_->Get("/api/tags", [this](const httplib::Request&, httplib::Response& res) {
    auto models = store_->List();
    if (!models.ok()) return ReplyError(res, models.status());
    json list = json::array();
    for (const auto& m : *models) {
      list.push_back({{"name", m.name.Display()}, {"model", m.name.Display()},
                      {"modified_at", FormatRfc3339Nano(m.modified)}, {"size", m.size}, {"digest", m.digest},
                      {"details", DetailsJson(m.details)}});
    }
    ReplyJson(res, {{"models", list}});
  });

  http_->Post("/api/show", [this](const httplib::Request& req, httplib::Response& res) {
    auto record = RecordFor(req, *store_);
    if (!record.ok()) return ReplyError(res, record.status());
    auto facts = ReadModelFacts(*record);
    if (!facts.ok()) return ReplyError(res, facts.status());
    json details = DetailsJson(record->details);
    json reply = {{"license", record->licenses.empty() ? "" : record->licenses.front()},
                  {"modelfile", ModelfileText(*record)},
                  {"parameters", ParametersText(record->parameters)},
                  {"template", record->template_text.empty() ? facts->chat_template : record->template_text},
                  {"system", record->system},
                  {"details", details},
                  {"model_info", facts->model_info},
                  {"capabilities", facts->capabilities},
                  {"modified_at", FormatRfc3339Nano(record->modified)}};
    if (!record->messages.empty()) reply["messages"] = record->messages;
    ReplyJson(res, reply);
  });

  http_->Get("/api/ps", [this](const httplib::Request&, httplib::Response& res) {
    json list = json::array();
    for (const auto& m : scheduler_->List()) {
      list.push_back({{"name", m.name}, {"model", m.name}, {"size", m.size_bytes}, {"digest", m.digest},
                      {"details", m.details}, {"expires_at", FormatRfc3339Nano(m.expires_at)}, {"size_vram", 0},
                      {"context_length", m.context_length}, {"runner_pid", m.pid}});
    }
    ReplyJson(res, {{"models", list}});
  });

  http_->Post("/api/copy", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto source = OptionalString(*body, "source");
    auto destination = OptionalString(*body, "destination");
    if (!source.ok()) return ReplyError(res, source.status());
    if (!destination.ok()) return ReplyError(res, destination.status());
    if (source->empty() || destination->empty()) return ReplyError(res, InvalidArgumentError("source and destination are required"));
    auto guard = store_->name_locks().Lock(*destination);
    Status st = store_->Copy(*source, *destination);
    if (st.code() == StatusCode::kNotFound && st.message() == "model '" + *source + "' not found") {
      st = NotFoundError("model \"" + *source + "\" not found");  // Ollama's wording
    }
    if (!st.ok()) return ReplyError(res, st);
    res.status = 200;
  });

  http_->Delete("/api/delete", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseBody(req);
    if (!body.ok()) return ReplyError(res, body.status());
    auto name = ModelField(*body);
    if (!name.ok()) return ReplyError(res, name.status());
    auto guard = store_->name_locks().Lock(*name);
    auto record = store_->Get(*name);
    // A model whose layers are missing (NotFound from Get) is deleted all the
    // same; Delete says "not found" when there is no manifest at all.
    if (!record.ok() && record.status().code() != StatusCode::kNotFound) return ReplyError(res, record.status());
    // Its runner ends once idle; requests running on it finish, as on Linux
    // the unlinked blob stays readable through the runner's open mapping.
    if (record.ok()) scheduler_->Unload(record->model_path, record->adapter_paths);
    Status st = store_->Delete(*name);
    if (!st.ok()) return ReplyError(res, st);
    res.status = 200;
  });

  http_->Get(R"(/api/blobs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string digest = req.matches[1];
    if (!IsValidDigest(digest)) return ReplyError(res, InvalidArgumentError("invalid digest format"));
    res.status = store_->HasBlob(digest) ? 200 : 404;
  });
  http_->Post(R"(/api/blobs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
    const std::string digest = req.matches[1];
    if (!IsValidDigest(digest)) return ReplyError(res, InvalidArgumentError("invalid digest format"));
    // A declared length over the cap is refused before a byte is read.
    const uint64_t cap = store_->max_blob_bytes();
    if (DeclaredLength(req) > cap) return ReplyBlobTooLarge(res, cap);
    if (store_->HasBlob(digest)) {
      // Already stored: the body is read and dropped, but no more of it than
      // a new blob could be.
      uint64_t seen = 0;
      reader([&](const char*, size_t n) {
        seen += n;
        return seen <= cap;
      });
      if (seen > cap) return ReplyBlobTooLarge(res, cap);
      res.status = 200;
      return;
    }
    auto upload = store_->BeginUpload(digest);
    if (!upload.ok()) return ReplyError(res, upload.status());
    Status write_status;
    const bool read_ok = reader([&](const char* data, size_t n) {
      write_status = (*upload)->Write(data, n);
      return write_status.ok();
    });
    if (write_status.code() == StatusCode::kResourceExhausted) return ReplyBlobTooLarge(res, cap);
    if (!write_status.ok()) return ReplyError(res, write_status);
    if (!read_ok) return ReplyError(res, InvalidArgumentError("the upload ended early"));
    Status st = (*upload)->Commit();
    if (!st.ok()) return ReplyError(res, st);
    res.status = 201;
  });
}

}  // namespace suanli::server
