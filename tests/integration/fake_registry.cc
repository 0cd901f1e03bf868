#include "fake_registry.h"

#include <chrono>

#include <cpp-httplib/httplib.h>
#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace suanli::testing {

namespace {

constexpr size_t kChunk = 64 << 10;

}  // namespace

std::string ManifestJson(const TestLayer& config, const std::vector<TestLayer>& layers) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& l : layers) list.push_back({{"mediaType", l.media_type}, {"digest", l.digest}, {"size", l.size}});
  return nlohmann::json{{"schemaVersion", 2},
                        {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                        {"config", {{"mediaType", config.media_type}, {"digest", config.digest}, {"size", config.size}}},
                        {"layers", list}}
      .dump();
}

FakeRegistry::FakeRegistry() : http_(std::make_unique<httplib::Server>()) {
  http_->new_task_queue = [] { return new httplib::ThreadPool(8, 128); };
  // Serves `data` (a blob or a file) with ranges and the configured faults.
  auto serve = [this](const httplib::Request& req, httplib::Response& res, std::shared_ptr<const std::string> data) {
    RegistryFaults f;
    {
      std::lock_guard<std::mutex> lock(mu_);
      f = faults_;
      if (faults_.fail_first > 0 && req.method == "GET") {
        --faults_.fail_first;
        res.status = 500;
        res.set_content("{\"errors\":[{\"code\":\"UNKNOWN\"}]}", "application/json");
        return;
      }
    }
    std::string etag = Sha256Hex(*data).substr(0, 16);
    etag.insert(etag.begin(), '"');
    etag.push_back('"');
    res.set_header("ETag", etag);
    if (f.gzip) res.set_header("Content-Encoding", "gzip");
    if (f.ignore_range) res.status = 200;  // the whole body, whatever the Range says
    auto sent = std::make_shared<uint64_t>(0);  // bytes of this reply
    res.set_content_provider(data->size(), "application/octet-stream",
                             [this, data, sent, f](size_t offset, size_t length, httplib::DataSink& sink) {
      if (f.chunk_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.chunk_delay_ms));
      size_t n = std::min(kChunk, length);
      if (f.drop_after > 0 && *sent + n > f.drop_after) {
        std::unique_lock<std::mutex> lock(mu_);
        if (faults_.drop_after > 0) {
          faults_.drop_after = 0;  // once
          lock.unlock();
          const size_t head = static_cast<size_t>(f.drop_after - std::min(f.drop_after, *sent));
          if (head > 0 && sink.write(data->data() + offset, head)) bytes_served_ += head;
          return false;  // closes the connection half-way
        }
      }
      if (f.stall_after > 0 && *sent + n > f.stall_after) {
        std::unique_lock<std::mutex> lock(mu_);
        if (faults_.stall_after > 0) {
          faults_.stall_after = 0;  // once
          lock.unlock();
          std::this_thread::sleep_for(std::chrono::milliseconds(f.stall_ms));
          return false;
        }
      }
      if (!sink.write(data->data() + offset, n)) return false;
      *sent += n;
      bytes_served_ += n;
      return true;
    });
  };
  // Answers 401 with a challenge unless the request carries the token.
  auto authorized = [this](const httplib::Request& req, httplib::Response& res, const std::string& scope) {
    RegistryFaults f;
    {
      std::lock_guard<std::mutex> lock(mu_);
      f = faults_;
    }
    if (f.token.empty() || req.get_header_value("Authorization") == "Bearer " + f.token) return true;
    const std::string realm = f.realm.empty() ? "http://" + Authority() + "/token" : f.realm;
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"fake\",scope=\"" + scope + "\"");
    res.set_content("{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", "application/json");
    return false;
  };

  http_->Get(R"(/v2/([^/]+/[^/]+)/manifests/([^/]+))", [this, authorized](const httplib::Request& req,
                                                                           httplib::Response& res) {
    ++requests_;
    const std::string repo = req.matches[1];
    if (!authorized(req, res, "repository:" + repo + ":pull")) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = manifests_.find(repo + ":" + std::string(req.matches[2]));
    if (it == manifests_.end()) {
      res.status = 404;
      res.set_content("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}", "application/json");
      return;
    }
    res.set_content(it->second, "application/vnd.docker.distribution.manifest.v2+json");
  });
  auto blob = [this, serve, authorized](const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    if (req.method == "GET") ++blob_gets_;
    const std::string digest = req.matches[req.matches.size() - 1];
    {
      std::lock_guard<std::mutex> lock(mu_);
      authorizations_.push_back(req.get_header_value("Authorization"));
    }
    const bool via_cdn = req.path.rfind("/cdn/", 0) == 0;
    if (!via_cdn && !authorized(req, res, "repository:" + std::string(req.matches[1]) + ":pull")) return;
    std::shared_ptr<const std::string> data;
    std::string redirect;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = blobs_.find(digest);
      if (it != blobs_.end()) data = std::make_shared<const std::string>(it->second);
      redirect = faults_.redirect_to;
    }
    if (!via_cdn && !redirect.empty()) {
      res.status = 307;
      res.set_header("Location", redirect + "/cdn/" + digest);
      return;
    }
    if (!data) {
      res.status = 404;
      return;
    }
    serve(req, res, data);
  };
  http_->Get(R"(/v2/([^/]+/[^/]+)/blobs/([^/]+))", blob);
  http_->Get(R"(/cdn/([^/]+))", blob);
  http_->Get("/token", [this](const httplib::Request&, httplib::Response& res) {
    ++requests_;
    ++token_requests_;
    std::lock_guard<std::mutex> lock(mu_);
    res.set_content(nlohmann::json{{"token", faults_.token}}.dump(), "application/json");
  });
  auto file = [this, serve](const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    std::shared_ptr<const std::string> data;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = files_.find(req.path);
      if (it != files_.end()) data = std::make_shared<const std::string>(it->second);
    }
    if (!data) {
      res.status = 404;
      return;
    }
    serve(req, res, data);
  };
  http_->Get(R"(/files/.*)", file);

  port_ = http_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  http_->wait_until_ready();
}

FakeRegistry::~FakeRegistry() {
  http_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeRegistry::AddBlob(const std::string& data) {
  const std::string digest = "sha256:" + Sha256Hex(data);
  AddBlobAs(digest, data);
  return digest;
}

void FakeRegistry::AddBlobAs(const std::string& digest, const std::string& data) {
  std::lock_guard<std::mutex> lock(mu_);
  blobs_[digest] = data;
}

void FakeRegistry::SetManifest(const std::string& repo, const std::string& tag, const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  manifests_[repo + ":" + tag] = body;
}

void FakeRegistry::AddFile(const std::string& path, const std::string& data) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path] = data;
}

void FakeRegistry::SetFaults(const RegistryFaults& faults) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = faults;
}

std::vector<std::string> FakeRegistry::blob_authorizations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return authorizations_;
}

void FakeRegistry::ResetCounters() {
  bytes_served_ = 0;
  blob_gets_ = 0;
  token_requests_ = 0;
  requests_ = 0;
  std::lock_guard<std::mutex> lock(mu_);
  authorizations_.clear();
}

}  // namespace suanli::testing
