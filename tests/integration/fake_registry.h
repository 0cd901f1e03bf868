// A registry (Docker /v2 protocol, as Ollama's and Hugging Face's) on
// loopback for the pull tests: manifests by repository and tag, blobs by
// digest with Range support, plain files for URL pulls, and faults on demand
// (500s, a stall, a dropped connection, gzip headers, redirects, a bearer
// token with a configurable realm, ignored ranges, throttling). Counts what
// it served. Thread-safe: handlers run on cpp-httplib's pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace suanli::testing {

struct RegistryFaults {
  int fail_first = 0;          // the first N blob GETs answer 500
  uint64_t stall_after = 0;    // once: after this many bytes of a reply, go silent...
  int stall_ms = 0;            // ...for this long, then end the connection
  uint64_t drop_after = 0;     // once: close the connection after this many bytes of a reply
  bool gzip = false;           // blob replies claim Content-Encoding: gzip
  std::string redirect_to{};   // blob GETs answer 307 to <redirect_to>/cdn/<digest>
  std::string token{};         // /v2 requires "Authorization: Bearer <token>"
  std::string realm{};         // the challenge's realm (default: this server's /token)
  bool ignore_range = false;   // blobs answer 200 with the whole body
  int chunk_delay_ms = 0;      // sleep before each 64 KiB chunk of a blob
};

class FakeRegistry {
 public:
  FakeRegistry();
  ~FakeRegistry();

  int port() const { return port_; }
  std::string Authority() const { return "127.0.0.1:" + std::to_string(port_); }

  // Serves `data` as a blob; returns "sha256:<hex>".
  std::string AddBlob(const std::string& data);
  // Serves `data` under `digest`, whatever its hash (a lying registry).
  void AddBlobAs(const std::string& digest, const std::string& data);
  // /v2/<repo>/manifests/<tag>, e.g. repo "library/tiny".
  void SetManifest(const std::string& repo, const std::string& tag, const std::string& body);
  // A plain file at `path` (with Range, HEAD, an ETag).
  void AddFile(const std::string& path, const std::string& data);
  void SetFaults(const RegistryFaults& faults);

  uint64_t bytes_served() const { return bytes_served_; }
  int blob_gets() const { return blob_gets_; }
  int token_requests() const { return token_requests_; }
  int requests() const { return requests_; }
  // Authorization headers of every blob GET, in order ("" when absent).
  std::vector<std::string> blob_authorizations() const;
  void ResetCounters();

 private:
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, std::string> blobs_;      // GUARDED_BY(mu_)
  std::map<std::string, std::string> manifests_;  // GUARDED_BY(mu_), "repo:tag"
  std::map<std::string, std::string> files_;      // GUARDED_BY(mu_)
  RegistryFaults faults_;                         // GUARDED_BY(mu_)
  std::vector<std::string> authorizations_;       // GUARDED_BY(mu_)
  std::atomic<uint64_t> bytes_served_{0};
  std::atomic<int> blob_gets_{0}, token_requests_{0}, requests_{0};
};

struct TestLayer {
  std::string media_type;  // e.g. "application/vnd.ollama.image.model"
  std::string digest;
  uint64_t size = 0;
};
// A Docker v2 manifest with this config blob and these layers.
std::string ManifestJson(const TestLayer& config, const std::vector<TestLayer>& layers);

}  // namespace suanli::testing
