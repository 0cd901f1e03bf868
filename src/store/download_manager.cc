#include "store/download_manager.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace suanli::store {

struct DownloadManager::Shared {
  DownloadTarget target;
  std::atomic<uint64_t> completed{0};
  std::atomic<bool> cancel{false};
  // Guarded by the manager's mu_:
  int waiters = 0;
  bool done = false;
  Status result;
};

DownloadManager::~DownloadManager() {
  std::unique_lock<std::mutex> lock(mu_);
  for (auto& [_, shared] : running_) shared->cancel = true;
  cv_.wait(lock, [this] { return running_.empty(); });
}

Status DownloadManager::Fetch(const DownloadTarget& target, const std::function<void(uint64_t, uint64_t)>& on_progress,
                              const std::function<bool()>& gone) {
  std::shared_ptr<Shared> shared;
  std::unique_lock<std::mutex> lock(mu_);
  // A download everybody left is still winding down: wait for its end.
  cv_.wait(lock, [&] {
    auto it = running_.find(target.partial_path);
    return it == running_.end() || !it->second->cancel;
  });
  if (auto it = running_.find(target.partial_path); it != running_.end()) {
    shared = it->second;
    if (shared->target.source != target.source) return UnavailableError("another download uses this file; try again");
  } else {
    shared = std::make_shared<Shared>();
    shared->target = target;
    running_[target.partial_path] = shared;
    // The thread owns a reference; the manager waits for it on destruction.
    std::thread([this, shared] {
      Status st = Run(shared->target, &shared->completed, &shared->cancel);
      std::lock_guard<std::mutex> guard(mu_);
      shared->result = st;
      shared->done = true;
      running_.erase(shared->target.partial_path);
      cv_.notify_all();
    }).detach();
  }
  ++shared->waiters;
  while (!shared->done) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (shared->done) break;
    lock.unlock();
    const bool left = gone && gone();
    if (!left && on_progress) on_progress(shared->completed.load(), shared->target.total);
    lock.lock();
    if (left && !shared->done) {
      if (--shared->waiters == 0) shared->cancel = true;  // nobody wants it any more
      return CancelledError("the pull was cancelled");
    }
  }
  --shared->waiters;
  const Status result = shared->result;
  lock.unlock();
  if (result.ok() && on_progress) on_progress(shared->target.total, shared->target.total);
  return result;
}

Status DownloadManager::Run(const DownloadTarget& target, std::atomic<uint64_t>* completed,
                            const std::atomic<bool>* cancel) {
  struct stat st {};
  // Committed by a download that ended just before this one began.
  if (!target.final_path.empty() && ::stat(target.final_path.c_str(), &st) == 0) return OkStatus();
  Status result = DownloadBlob(target, options_, completed, cancel);
  if (result.code() == StatusCode::kInvalidArgument || result.code() == StatusCode::kResourceExhausted) {
    // The server broke the protocol (an encoded or oversized body, a wrong
    // range): what it sent is not worth resuming.
    ::unlink(target.partial_path.c_str());
    ::unlink(DownloadStatePath(target.partial_path).c_str());
  }
  RETURN_IF_ERROR(result);
  if (target.final_path.empty()) return OkStatus();
  std::lock_guard<std::mutex> lock(commit_mu_);
  return CommitBlob(target.partial_path, target.final_path, target.source);
}

Status DownloadManager::Commit(const std::string& partial_path, const std::string& final_path) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  struct stat st {};
  if (::stat(final_path.c_str(), &st) == 0) {
    ::unlink(partial_path.c_str());
    ::unlink(DownloadStatePath(partial_path).c_str());
    return OkStatus();
  }
  return MoveBlobIntoPlace(partial_path, final_path);
}

}  // namespace suanli::store
