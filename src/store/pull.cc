#include "store/pull.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "base/periodic_thread.h"
#include "store/registry_client.h"

namespace suanli::store {

namespace {

PullProgress Line(const std::string& status) { return PullProgress{status, "", 0, 0, false}; }

// Digests a stored manifest refers to (empty when it is unreadable).
std::set<std::string> ManifestDigests(const std::string& bytes) {
  std::set<std::string> out;
  auto m = nlohmann::json::parse(bytes, nullptr, false);
  if (!m.is_object()) return out;
  auto add = [&](const nlohmann::json& entry) {
    if (entry.is_object() && entry.contains("digest") && entry["digest"].is_string()) {
      out.insert(entry["digest"].get<std::string>());
    }
  };
  if (m.contains("config")) add(m["config"]);
  if (m.contains("layers") && m["layers"].is_array()) {
    for (const auto& layer : m["layers"]) add(layer);
  }
  return out;
}

}  // namespace

Puller::Puller(ModelStore* store, PullOptions options)
    : store_(store), options_(std::move(options)), downloads_(options_.download) {}

Status Puller::Pull(const std::string& model, bool insecure, const PullProgressFn& progress,
                    const std::function<bool()>& gone) {
  std::atomic<bool> flag{false};
  const std::function<bool()> stop = [this, &gone] { return shutting_down_.load() || (gone && gone()); };
  // Polls `stop` on a thread of its own and raises `flag`, so that blocking
  // transfers (which watch the flag) end soon after the client leaves.
  PeriodicThread watch(std::chrono::milliseconds(100), [&stop, &flag] {
    if (stop()) flag = true;
    return !flag.load();
  });
  if (model.rfind("https://", 0) == 0 || model.rfind("http://", 0) == 0) {
    return PullFromUrl(model, insecure, progress, flag);
  }
  ASSIGN_OR_RETURN(ModelName requested, ParseModelName(model));
  // One writer per name: a create, copy or delete of this name waits.
  auto guard = store_->name_locks().Lock(requested);
  // Under the lock, as Ollama's getExistingName: a model stored under another
  // case is the one pulled, read and replaced (never a second manifest).
  const ModelName name = store_->ExistingSpelling(requested);
  return PullFromRegistry(name, insecure, progress, flag);
}

Status Puller::PullFromRegistry(const ModelName& name, bool insecure, const PullProgressFn& progress,
                                const std::atomic<bool>& gone) {
  progress(Line("pulling manifest"));
  RegistryOptions ro;
  ro.insecure = insecure;
  ro.user_agent = options_.user_agent;
  ro.max_manifest_bytes = options_.limits.max_manifest_bytes;
  ro.connect_timeout_s = options_.download.connect_timeout_s;
  ro.stall_timeout_s = options_.download.stall_timeout_s;
  // Shared: a download this pull started may outlive it (another pull joined).
  auto client = std::make_shared<RegistryClient>(name, ro);
  ASSIGN_OR_RETURN(std::string bytes, client->FetchManifest(&gone));
  ASSIGN_OR_RETURN(RegistryManifest manifest, ParseRegistryManifest(bytes, options_.limits));
  auto old = store_->ReadManifest(name);

  for (const ManifestBlob& blob : manifest.DistinctBlobs()) {
    const std::string label = "pulling " + blob.digest.substr(7, 12);
    if (store_->HasBlob(blob.digest)) {
      progress(PullProgress{label, blob.digest, blob.size, blob.size, true});
      continue;
    }
    DownloadTarget target;
    target.url = client->BlobUrl(blob.digest);
    target.partial_path = store_->BlobPath(blob.digest) + "-partial";
    target.source = blob.digest;
    target.final_path = store_->BlobPath(blob.digest);  // verified before it is renamed there
    target.total = blob.size;
    target.allow_http = insecure;
    target.allow_private_redirects = insecure;
    target.headers = [client] { return client->Headers(); };
    target.reauthorize = [client](const std::string& challenge) { return client->Authorize(challenge, nullptr); };
    Status st = downloads_.Fetch(
        target,
        [&](uint64_t completed, uint64_t total) { progress(PullProgress{label, blob.digest, total, completed, true}); },
        [&gone] { return gone.load(); });
    if (!st.ok()) return st;
  }
  // Each blob was verified when its download completed, before it was
  // renamed into place; this line keeps Ollama's sequence.
  progress(Line("verifying sha256 digest"));
  progress(Line("writing manifest"));
  RETURN_IF_ERROR(store_->WriteManifest(name, bytes));
  if (options_.prune && old.ok()) {
    const std::set<std::string> now = ManifestDigests(bytes);
    std::vector<std::string> unused;
    for (const auto& digest : ManifestDigests(*old)) {
      if (!now.count(digest)) unused.push_back(digest);
    }
    if (!unused.empty()) {
      progress(Line("removing unused layers"));
      RETURN_IF_ERROR(store_->RemoveUnreferencedBlobs(unused));
    }
  }
  progress(Line("success"));
  return OkStatus();
}

}  // namespace suanli::store
