#include "api/client.h"

#include <cpp-httplib/httplib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "base/periodic_thread.h"

namespace suanli::api {

namespace {

constexpr size_t kMaxLineBytes = 8 << 20;  // as Ollama's client
constexpr size_t kUploadChunk = 1 << 20;

StatusOr<std::unique_ptr<httplib::Client>> Connect(const ClientOptions& options) {
  if (options.host.scheme != "http") {
    return InvalidArgumentError("unsupported scheme '" + options.host.scheme +
                                "' in the server address; use http://host:port");
  }
  auto client = std::make_unique<httplib::Client>(options.host.host, options.host.port);
  client->set_connection_timeout(options.connect_timeout_s, 0);
  client->set_read_timeout(options.read_timeout_s, 0);
  client->set_write_timeout(options.read_timeout_s, 0);
  client->set_keep_alive(false);
  return client;
}

httplib::Headers MakeHeaders(const ClientOptions& options, const char* accept) {
  return {{"User-Agent", options.user_agent}, {"Accept", accept}};
}

Status TransportError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return UnavailableError(kNotRunningMessage);
    case httplib::Error::Read:
    case httplib::Error::Write:
    case httplib::Error::ConnectionClosed:
      return UnavailableError("the connection to suanli was lost (" + httplib::to_string(error) + ")");
    default:
      return UnavailableError("the request to suanli failed (" + httplib::to_string(error) + ")");
  }
}

StatusOr<json> ReadReply(const httplib::Result& result) {
  if (!result) return TransportError(result.error());
  RETURN_IF_ERROR(StatusFromHttp(result->status, result->body));
  if (result->body.empty()) return json();
  json body = json::parse(result->body, nullptr, false);
  if (body.is_discarded()) return InternalError("the server sent an unreadable reply");
  return body;
}

std::string TrimmedText(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

Status StatusFromHttp(int http_status, const std::string& body) {
  if (http_status >= 200 && http_status < 300) return OkStatus();
  std::string message;
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error")) {
    const json& error = parsed["error"];
    if (error.is_string()) {
      message = error.get<std::string>();
    } else if (error.is_object() && error.contains("message") && error["message"].is_string()) {
      message = error["message"].get<std::string>();
    }
  }
  if (message.empty()) message = TrimmedText(body);
  if (message.empty() || message.size() > 400) {
    message = "the server answered " + std::to_string(http_status);
  }
  switch (http_status) {
    case 400:
    case 405:
    case 413:
    case 422:
      return InvalidArgumentError(message);
    case 404:
      return NotFoundError(message);
    case 409:
      return AlreadyExistsError(message);
    case 499:
      return CancelledError(message);
    case 503:
      if (message.find("busy") != std::string::npos || message.find("maximum pending") != std::string::npos) {
        return ResourceExhaustedError(message);
      }
      return UnavailableError(message);
    case 504:
      return DeadlineExceededError(message);
    default:
      return InternalError(message);
  }
}

StatusOr<json> ApiClient::Get(const std::string& path) const {
  ASSIGN_OR_RETURN(auto client, Connect(options_));
  return ReadReply(client->Get(options_.host.base_path + path, MakeHeaders(options_, "application/json")));
}

StatusOr<json> ApiClient::Post(const std::string& path, const json& body) const {
  ASSIGN_OR_RETURN(auto client, Connect(options_));
  return ReadReply(client->Post(options_.host.base_path + path, MakeHeaders(options_, "application/json"), body.dump(),
                                "application/json"));
}

StatusOr<json> ApiClient::Delete(const std::string& path, const json& body) const {
  ASSIGN_OR_RETURN(auto client, Connect(options_));
  return ReadReply(client->Delete(options_.host.base_path + path, MakeHeaders(options_, "application/json"),
                                  body.dump(), "application/json"));
}

Status ApiClient::Head(const std::string& path) const {
  ASSIGN_OR_RETURN(auto client, Connect(options_));
  auto result = client->Head(options_.host.base_path + path, MakeHeaders(options_, "application/json"));
  if (!result) return TransportError(result.error());
  return StatusFromHttp(result->status, "");
}

Status ApiClient::PostStream(const std::string& path, const json& body, const LineFn& on_line,
                             const std::atomic<bool>* cancel) const {
  return PostStreamRaw(path, body.dump(), "application/json", on_line, cancel);
}

Status ApiClient::PostFormStream(const std::string& path, const std::vector<FormField>& fields,
                                 const LineFn& on_line, const std::atomic<bool>* cancel) const {
  // A boundary that cannot occur in the parts: random enough and checked.
  std::string boundary = "suanli-form-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  for (const auto& field : fields) {
    while (field.value.find(boundary) != std::string::npos) boundary += "x";
  }
  std::string body;
  for (const auto& field : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.name + "\"";
    if (!field.filename.empty()) body += "; filename=\"" + field.filename + "\"";
    body += "\r\n";
    if (!field.content_type.empty()) body += "Content-Type: " + field.content_type + "\r\n";
    body += "\r\n" + field.value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return PostStreamRaw(path, body, "multipart/form-data; boundary=" + boundary, on_line, cancel);
}

Status ApiClient::PostStreamRaw(const std::string& path, const std::string& body, const std::string& content_type,
                                const LineFn& on_line, const std::atomic<bool>* cancel) const {
  ASSIGN_OR_RETURN(auto client, Connect(options_));
  if (cancel != nullptr && cancel->load()) return CancelledError("the request was cancelled");

  std::string buffer;
  std::string error_body;
  int http_status = 0;
  bool stopped = false;  // on_line or `cancel` asked to stop
  Status stream_error;   // a mid-stream {"error": ...} or an unreadable line

  // Handles one complete line; false ends the stream.
  auto handle_line = [&](const std::string& text) {
    if (TrimmedText(text).empty()) return true;
    json line = json::parse(text, nullptr, false);
    if (line.is_discarded()) {
      stream_error = InternalError("the server sent an unreadable line");
      return false;
    }
    if (line.is_object() && line.contains("error")) {
      stream_error = StatusFromHttp(500, text);
      return false;
    }
    if (!on_line(line)) {
      stopped = true;
      return false;
    }
    return true;
  };

  httplib::Request req;
  req.method = "POST";
  req.path = options_.host.base_path + path;
  req.headers = MakeHeaders(options_, "application/x-ndjson");
  req.body = body;
  req.set_header("Content-Type", content_type);
  req.response_handler = [&](const httplib::Response& res) {
    http_status = res.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, size_t, size_t) {
    if (cancel != nullptr && cancel->load()) {
      stopped = true;
      return false;
    }
    if (http_status < 200 || http_status >= 300) {
      if (error_body.size() < kMaxLineBytes) error_body.append(data, n);
      return true;
    }
    buffer.append(data, n);
    size_t start = 0;
    size_t nl;
    while ((nl = buffer.find('\n', start)) != std::string::npos) {
      if (!handle_line(buffer.substr(start, nl - start))) return false;
      start = nl + 1;
    }
    buffer.erase(0, start);
    if (buffer.size() > kMaxLineBytes) {
      stream_error = InternalError("the server sent a line longer than 8 MB");
      return false;
    }
    return true;
  };

  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  bool sent;
  {
    // Stops the client (from another thread) once `cancel` is set, so a
    // blocked read returns at once and the server sees the connection close.
    // Repeated: a stop before the connection is made would be lost.
    httplib::Client* raw = client.get();
    PeriodicThread watcher(std::chrono::milliseconds(50), cancel == nullptr ? std::function<bool()>() : [raw, cancel] {
      if (cancel->load()) raw->stop();
      return true;
    });
    sent = client->send(req, res, err);
  }
  if (stopped || (cancel != nullptr && cancel->load())) return CancelledError("the request was cancelled");
  if (!stream_error.ok()) return stream_error;
  if (http_status != 0 && (http_status < 200 || http_status >= 300)) {
    return StatusFromHttp(http_status, error_body.empty() ? res.body : error_body);
  }
  if (!sent) return TransportError(err);
  if (!buffer.empty()) {
    handle_line(buffer);
    if (stopped) return CancelledError("the request was cancelled");
    if (!stream_error.ok()) return stream_error;
  }
  return OkStatus();
}

Status ApiClient::UploadFile(const std::string& path, const std::string& local_file, const ProgressFn& progress) const {
  ASSIGN_OR_RETURN(auto client, Connect(options_));
  std::unique_ptr<FILE, FileCloser> file(std::fopen(local_file.c_str(), "rb"));
  struct stat info;
  if (!file || fstat(fileno(file.get()), &info) != 0) {
    return NotFoundError("could not open " + local_file + ": " + std::strerror(errno));
  }
  const uint64_t total = static_cast<uint64_t>(info.st_size);
  std::vector<char> chunk(kUploadChunk);
  Status read_error;
  auto provider = [&](size_t offset, size_t length, httplib::DataSink& sink) {
    if (fseeko(file.get(), static_cast<off_t>(offset), SEEK_SET) != 0) {
      read_error = InternalError("could not read " + local_file);
      return false;
    }
    const size_t n = std::fread(chunk.data(), 1, std::min(length, chunk.size()), file.get());
    if (n == 0) {
      read_error = InternalError("could not read " + local_file);
      return false;
    }
    if (!sink.write(chunk.data(), n)) return false;
    if (progress) progress(offset + n, total);
    return true;
  };
  if (progress) progress(0, total);
  auto result = client->Post(options_.host.base_path + path, MakeHeaders(options_, "application/json"),
                             static_cast<size_t>(total), provider, "application/octet-stream");
  if (!read_error.ok()) return read_error;
  if (!result) return TransportError(result.error());
  return StatusFromHttp(result->status, result->body);
}

}  // namespace suanli::api
