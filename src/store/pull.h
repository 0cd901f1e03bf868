// Puller: `pull` of a model into the store. From a registry (Ollama's names,
// hf.co/<user>/<repo>[:<quant>] included): the manifest is fetched and
// validated, each missing blob is downloaded (resumable, shared between
// concurrent pulls), every download is verified before it is renamed into
// place, the manifest is written last and atomically, and the layers only the
// old manifest used are pruned. From an http(s) URL of a .gguf file: the file
// is downloaded the same way, its digest computed, and the model created
// under a name derived from the file name (NameForUrl). Progress lines follow
// Ollama's /api/pull. Nothing is written outside the store's folder.
// Thread-safety: Pull may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "store/download_manager.h"
#include "store/model_store.h"
#include "store/registry_manifest.h"

namespace suanli::store {

struct PullOptions {
  DownloadOptions download;
  ManifestLimits limits;
  std::string user_agent = "suanli";
  bool prune = true;  // remove layers that only the replaced manifest used
};

struct PullProgress {
  std::string status;
  std::string digest;  // "" for plain status lines
  uint64_t total = 0;
  uint64_t completed = 0;
  bool has_counts = false;  // total/completed are meaningful
};
using PullProgressFn = std::function<void(const PullProgress&)>;

class Puller {
 public:
  Puller(ModelStore* store, PullOptions options);

  // Pulls `model` (a model name or an http(s) URL ending in .gguf). A name
  // that differs from a stored model's only in case pulls, and replaces,
  // that model (its spelling is kept).
  // `insecure` allows plain http. `progress` is called on this thread;
  // `gone` is polled (about every 100 ms) and, once true, the pull stops with
  // Cancelled (partial downloads stay for a later resume). Errors: NotFound
  // for an unknown model, InvalidArgument for a bad name or a hostile or
  // malformed reply, Unavailable for network failures.
  Status Pull(const std::string& model, bool insecure, const PullProgressFn& progress,
              const std::function<bool()>& gone);

  // The name a URL pull stores its model under: the file name without
  // ".gguf", lower-cased, characters outside [a-z0-9_.-] replaced by '-',
  // at most 80 characters, tag "latest". InvalidArgument when the URL does
  // not name a .gguf file.
  static StatusOr<std::string> NameForUrl(const std::string& url);

  // Makes every running and future Pull stop with Cancelled (shutdown).
  void CancelAll() { shutting_down_ = true; }

 private:
  Status PullFromRegistry(const ModelName& name, bool insecure, const PullProgressFn& progress,
                          const std::atomic<bool>& gone);
  Status PullFromUrl(const std::string& url, bool insecure, const PullProgressFn& progress,
                     const std::atomic<bool>& gone);

  ModelStore* store_;
  const PullOptions options_;
  DownloadManager downloads_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace suanli::store
