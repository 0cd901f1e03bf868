#include "runner/runner_client.h"

#include <sys/socket.h>

#include <cpp-httplib/httplib.h>

#include "runner/protocol.h"

namespace suanli::runner {

namespace {

std::unique_ptr<httplib::Client> Connect(const std::string& socket_path) {
  auto client = std::make_unique<httplib::Client>(socket_path);
  client->set_address_family(AF_UNIX);
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(24 * 3600, 0);  // generation may be slow; death shows as EOF
  client->set_write_timeout(60, 0);
  return client;
}

Status Died(const httplib::Error& error) {
  return UnavailableError("the model runner stopped unexpectedly (" + httplib::to_string(error) + ")");
}

StatusOr<json> ReadReply(const httplib::Result& result) {
  if (!result) return Died(result.error());
  auto body = ParseJson(result->body);
  if (!body.ok()) return InternalError("the model runner sent an unreadable reply");
  if (result->status != 200) return ErrorFromJson(*body);
  return body;
}

}  // namespace

StatusOr<json> RunnerClient::Health() const {
  auto client = Connect(socket_path_);
  client->set_read_timeout(5, 0);
  return ReadReply(client->Get("/health"));
}

StatusOr<json> RunnerClient::Memory() const { return ReadReply(Connect(socket_path_)->Get("/memory")); }

StatusOr<json> RunnerClient::Call(const std::string& path, const json& body) const {
  return ReadReply(Connect(socket_path_)->Post(path, body.dump(), "application/json"));
}

StatusOr<json> RunnerClient::CallOrdered(const std::string& path, const nlohmann::ordered_json& body) const {
  return ReadReply(Connect(socket_path_)->Post(
      path, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), "application/json"));
}

Status RunnerClient::Complete(const json& request, const std::function<bool(const json&)>& on_line) const {
  return CompleteText(request.dump(-1, ' ', false, json::error_handler_t::replace), on_line);
}

Status RunnerClient::CompleteOrdered(const nlohmann::ordered_json& request,
                                     const std::function<bool(const json&)>& on_line) const {
  return CompleteText(request.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), on_line);
}

Status RunnerClient::CompleteText(const std::string& body, const std::function<bool(const json&)>& on_line) const {
  auto client = Connect(socket_path_);
  std::string buffer;
  std::string error_body;
  Status outcome = UnavailableError("the model runner stopped before finishing the response");
  bool finished = false;
  bool cancelled = false;
  int http_status = 0;

  httplib::Request req;
  req.method = "POST";
  req.path = "/completion";
  req.body = body;
  req.set_header("Content-Type", "application/json");
  req.response_handler = [&](const httplib::Response& res) {
    http_status = res.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, size_t, size_t) {
    if (http_status != 200) {
      error_body.append(data, n);
      return true;
    }
    buffer.append(data, n);
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      json line = json::parse(buffer.substr(0, nl), nullptr, false);
      buffer.erase(0, nl + 1);
      if (line.is_discarded()) {
        outcome = InternalError("the model runner sent an unreadable line");
        return false;
      }
      if (line.contains("error")) {
        outcome = ErrorFromJson(line);
        finished = true;
        return false;
      }
      const bool done = line.value("done", false);
      if (!on_line(line)) {
        cancelled = true;
        return false;
      }
      if (done) {
        outcome = OkStatus();
        finished = true;
        return false;  // nothing follows the final line
      }
    }
    return true;
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  const bool sent = client->send(req, res, err);
  if (cancelled) return CancelledError("the request was cancelled");
  if (finished) return outcome;
  if (http_status != 0 && http_status != 200) {
    auto body = ParseJson(error_body.empty() ? res.body : error_body);
    return body.ok() ? ErrorFromJson(*body) : InternalError("the model runner failed");
  }
  if (!sent) return Died(err);
  return outcome;
}

}  // namespace suanli::runner
