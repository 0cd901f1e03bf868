// RegistryClient speaks the registry's /v2 protocol for one repository:
// GET /v2/<namespace>/<model>/manifests/<tag> (Docker v2 Accept header) and
// the blob URLs, with the bearer-token handshake (a 401 challenge, a token
// from the realm, which must be on the registry's own host, then retry).
// https only unless `insecure` (then plain http, as Ollama does).
// Thread-safety: all methods may be called concurrently (the token is
// guarded by a mutex).
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "base/status.h"
#include "net/http_fetch.h"
#include "store/model_name.h"

namespace suanli::store {

struct RegistryOptions {
  bool insecure = false;
  std::string user_agent = "suanli";
  size_t max_manifest_bytes = 4 << 20;
  int connect_timeout_s = 15;
  int stall_timeout_s = 30;
};

class RegistryClient {
 public:
  RegistryClient(const ModelName& name, RegistryOptions options);

  // "https://host/v2/ns/model" (http when insecure).
  const std::string& base_url() const { return base_; }
  std::string BlobUrl(const std::string& digest) const { return base_ + "/blobs/" + digest; }

  // The manifest's bytes. NotFound "pull model manifest: file does not
  // exist" for a 404; the transfer's or the handshake's error otherwise.
  StatusOr<std::string> FetchManifest(const std::atomic<bool>* cancel);

  // Headers for blob requests: User-Agent and, once a token is held,
  // Authorization (HttpFetch keeps it off other hosts).
  net::Headers Headers() const;

  // Gets a fresh token for `challenge` (a WWW-Authenticate value).
  Status Authorize(const std::string& challenge, const std::atomic<bool>* cancel);

 private:
  net::FetchRequest Request(const std::string& url, const std::atomic<bool>* cancel) const;

  const ModelName name_;
  const RegistryOptions options_;
  std::string base_;
  mutable std::mutex mu_;
  std::string token_;  // GUARDED_BY(mu_)
};

}  // namespace suanli::store
