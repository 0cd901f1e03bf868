// DownloadManager: one download per blob however many pulls want it. The
// first caller starts it on a thread of its own; later callers for the same
// key join it and see the same progress. A caller that gives up (client gone)
// leaves; when the last one leaves the download is cancelled and its partial
// file stays for a later resume. Commits (verify + rename) are serialised.
// Thread-safety: all methods may be called from any thread; the destructor
// cancels running downloads and waits for them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "store/blob_download.h"

namespace suanli::store {

class DownloadManager {
 public:
  explicit DownloadManager(DownloadOptions options) : options_(std::move(options)) {}
  ~DownloadManager();
  DownloadManager(const DownloadManager&) = delete;
  DownloadManager& operator=(const DownloadManager&) = delete;

  // Runs (or joins) the download of `target.partial_path` and blocks until
  // its partial file is complete or, with `target.final_path`, verified and
  // moved into place (at once when that file already exists). A download
  // that fails because the server broke the protocol is deleted; any other
  // failure keeps its partial file for a resume. `on_progress(completed, total)` is called on
  // this thread about every 100 ms; `gone()` is polled as often and, when it
  // returns true, this call leaves with Cancelled. Returns the download's
  // error otherwise.
  Status Fetch(const DownloadTarget& target, const std::function<void(uint64_t, uint64_t)>& on_progress,
               const std::function<bool()>& gone);

  // MoveBlobIntoPlace under the manager's commit lock, for files verified by
  // the caller; OK at once (the partial file removed) when `final_path`
  // already exists.
  Status Commit(const std::string& partial_path, const std::string& final_path);

  const DownloadOptions& options() const { return options_; }

 private:
  struct Shared;
  Status Run(const DownloadTarget& target, std::atomic<uint64_t>* completed, const std::atomic<bool>* cancel);

  const DownloadOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Shared>> running_;  // GUARDED_BY(mu_), by partial path
  std::mutex commit_mu_;
};

}  // namespace suanli::store
