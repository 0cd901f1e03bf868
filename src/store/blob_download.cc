#include "store/blob_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "base/atomic_file.h"
#include "base/log.h"
#include "base/sha256.h"
#include "store/download_state.h"

namespace suanli::store {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kSaveInterval = std::chrono::milliseconds(250);
constexpr int kMaxBackoffMs = 30000;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string DirName(const std::string& path) { return path.substr(0, path.find_last_of('/')); }

// Checks "bytes first-last/total" ("*" allowed for the total).
bool ContentRangeMatches(const std::string& value, uint64_t first, uint64_t last, uint64_t total) {
  const std::string expected = "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/";
  if (value.rfind(expected, 0) != 0) return false;
  const std::string rest = value.substr(expected.size());
  return rest == "*" || rest == std::to_string(total);
}

// One attempt's outcome.
enum class Outcome { kDone, kRetry, kAuth, kFatal };

class Downloader {
 public:
  Downloader(const DownloadTarget& target, const DownloadOptions& options, std::atomic<uint64_t>* completed,
             const std::atomic<bool>* cancel)
      : target_(target), options_(options), completed_(completed), cancel_(cancel),
        state_path_(DownloadStatePath(target.partial_path)) {}

  Status Run() {
    RETURN_IF_ERROR(Prepare());
    std::vector<size_t> todo;
    for (size_t i = 0; i < state_.parts.size(); ++i) {
      if (state_.parts[i].completed < state_.parts[i].size) todo.push_back(i);
    }
    if (!todo.empty()) {
      const size_t threads = std::min<size_t>(todo.size(), static_cast<size_t>(std::max(1, options_.max_parts)));
      running_ = threads;
      std::vector<std::thread> workers;
      for (size_t t = 0; t < threads; ++t) workers.emplace_back([this, &todo] { Work(todo); });
      {
        std::unique_lock<std::mutex> lock(mu_);
        while (running_ > 0) {
          cv_.wait_for(lock, std::chrono::milliseconds(50));
          if (cancel_ != nullptr && cancel_->load()) stop_ = true;
        }
      }
      for (auto& w : workers) w.join();
    }
    Persist(true);
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
    if (!state_.Done()) return InternalError("the download ended before every part was complete");
    return OkStatus();
  }

 private:
  Status Prepare() {
    fd_ = std::make_unique<Fd>(::open(target_.partial_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd_->get() < 0) return InternalError(std::string("cannot create the download file: ") + std::strerror(errno));
    struct stat st {};
    ::fstat(fd_->get(), &st);
    auto loaded = LoadDownloadState(state_path_);
    if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) {
      LogWarn("the progress of an interrupted download was unreadable; starting it over");
    }
    const bool resume = loaded.ok() && loaded->source == target_.source && loaded->total == target_.total &&
                        loaded->validator == target_.validator && static_cast<uint64_t>(st.st_size) == target_.total;
    if (resume) {
      state_ = *loaded;
    } else {
      state_ = DownloadState{target_.source, target_.validator, target_.total,
                             target_.single_part
                                 ? PlanParts(target_.total, std::max<uint64_t>(1, target_.total), target_.total, 1)
                                 : PlanParts(target_.total, options_.min_part_bytes, options_.max_part_bytes,
                                             options_.max_parts)};
      if (::ftruncate(fd_->get(), 0) != 0 || ::ftruncate(fd_->get(), static_cast<off_t>(target_.total)) != 0) {
        return InternalError(std::string("cannot size the download file: ") + std::strerror(errno));
      }
      RETURN_IF_ERROR(SaveDownloadState(state_path_, state_));
    }
    if (completed_ != nullptr) completed_->store(state_.Completed());
    return OkStatus();
  }

  void Work(const std::vector<size_t>& todo) {
    while (!stop_) {
      const size_t i = next_++;
      if (i >= todo.size()) break;
      Status st = RunPart(todo[i]);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        // The first real failure wins over the cancellations it causes.
        if (error_.ok() || (error_.code() == StatusCode::kCancelled && st.code() != StatusCode::kCancelled)) error_ = st;
        stop_ = true;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
    cv_.notify_all();
  }

  Status RunPart(size_t index) {
    int retries = 0;
    Status last;
    while (true) {
      if (stop_) return CancelledError("the download was cancelled");
      Outcome outcome = Attempt(index, &last);
      if (outcome == Outcome::kDone) return OkStatus();
      if (outcome == Outcome::kFatal) return last;
      if (++retries > options_.max_retries) {
        return UnavailableError("gave up after " + std::to_string(options_.max_retries) + " retries: " + last.message());
      }
      if (outcome == Outcome::kAuth) continue;
      LogInfo("retrying a part of " + target_.source + " (" + std::to_string(retries) + "): " + last.message());
      const int backoff = std::min(kMaxBackoffMs, options_.backoff_ms << std::min(retries - 1, 15));
      for (int waited = 0; waited < backoff && !stop_; waited += 50) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50, backoff - waited)));
      }
    }
  }

  Outcome Attempt(size_t index, Status* error) {
    uint64_t offset, size, start;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const PartState& p = state_.parts[index];
      if (p.completed == p.size) return Outcome::kDone;
      offset = p.offset;
      size = p.size;
      start = p.offset + p.completed;
    }
    const bool whole_file = offset == 0 && size == target_.total;
    Status write_status;
    net::FetchRequest r;
    r.url = target_.url;
    if (target_.headers) r.headers = target_.headers();
    r.range = std::make_pair(start, offset + size - 1);
    r.max_body_bytes = size;
    r.cancel = &stop_;
    r.allow_http = target_.allow_http;
    r.allow_private_redirects = target_.allow_private_redirects;
    r.connect_timeout_s = options_.connect_timeout_s;
    r.stall_timeout_s = options_.stall_timeout_s;
    r.on_headers = [&](int status, const net::Headers& headers) -> Status {
      if (status == 206) {
        std::string range;
        for (const auto& [k, v] : headers) {
          if (k == "content-range") range = v;
        }
        if (!ContentRangeMatches(range, start, offset + size - 1, target_.total)) {
          return InvalidArgumentError("the server sent a byte range other than the one asked for");
        }
      } else if (status == 200) {
        if (!whole_file) return InvalidArgumentError("the server ignored the byte range of a ranged download");
        Rewind(index);  // a full reply: start this single part again
      }
      return OkStatus();
    };
    r.on_data = [&](const char* data, size_t n) {
      uint64_t position, room;
      {
        std::lock_guard<std::mutex> lock(mu_);
        const PartState& p = state_.parts[index];
        position = p.offset + p.completed;
        room = p.size - p.completed;
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n, room));
      size_t done = 0;
      while (done < take) {
        const ssize_t w = ::pwrite(fd_->get(), data + done, take - done, static_cast<off_t>(position + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          write_status = InternalError(errno == ENOSPC ? "no space left on the device for the download"
                                                       : std::string("cannot write the download: ") + std::strerror(errno));
          return false;
        }
        done += static_cast<size_t>(w);
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        state_.parts[index].completed += take;
      }
      if (completed_ != nullptr) completed_->fetch_add(take);
      Persist(false);
      if (take < n) {
        write_status = ResourceExhaustedError("the server sent more data than the blob's declared size of " +
                                              std::to_string(target_.total) + " bytes");
        return false;
      }
      return true;
    };
    auto reply = net::HttpFetch(r);
    if (!write_status.ok()) {
      *error = write_status;
      return Outcome::kFatal;
    }
    if (!reply.ok()) {
      *error = reply.status();
      const StatusCode code = reply.status().code();
      if (stop_) *error = CancelledError("the download was cancelled");
      return !stop_ && (code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded) ? Outcome::kRetry
                                                                                                   : Outcome::kFatal;
    }
    const int status = reply->status;
    if (status == 200 || status == 206) {
      std::lock_guard<std::mutex> lock(mu_);
      if (state_.parts[index].completed == state_.parts[index].size) return Outcome::kDone;
      *error = UnavailableError("the connection closed before the part was complete");
      return Outcome::kRetry;
    }
    *error = UnavailableError("the server answered " + std::to_string(status) + " for " + target_.source);
    if (status == 401 && target_.reauthorize) {
      Status auth = target_.reauthorize(reply->Header("www-authenticate"));
      if (!auth.ok()) {
        *error = auth;
        return Outcome::kFatal;
      }
      return Outcome::kAuth;
    }
    if (status == 408 || status == 429 || status >= 500) return Outcome::kRetry;
    if (status == 404) *error = NotFoundError("the server has no " + target_.source);
    return Outcome::kFatal;
  }

  void Rewind(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    if (completed_ != nullptr) completed_->fetch_sub(state_.parts[index].completed);
    state_.parts[index].completed = 0;
  }

  // Saves the progress (at most every kSaveInterval unless `force`). The
  // snapshot is taken before the data is flushed, so it never claims bytes
  // that are not on disk.
  void Persist(bool force) {
    std::unique_lock<std::mutex> save(save_mu_, std::defer_lock);
    if (force) {
      save.lock();
    } else if (!save.try_lock()) {
      return;
    }
    const auto now = Clock::now();
    if (!force && now - last_save_ < kSaveInterval) return;
    last_save_ = now;
    DownloadState snapshot;
    {
      std::lock_guard<std::mutex> lock(mu_);
      snapshot = state_;
    }
    ::fdatasync(fd_->get());
    Status st = SaveDownloadState(state_path_, snapshot);
    if (!st.ok()) LogWarn("cannot save the progress of a download: " + st.message());
  }

  const DownloadTarget& target_;
  const DownloadOptions& options_;
  std::atomic<uint64_t>* completed_;
  const std::atomic<bool>* cancel_;
  const std::string state_path_;
  std::unique_ptr<Fd> fd_;

  std::mutex mu_;
  std::condition_variable cv_;
  DownloadState state_;  // GUARDED_BY(mu_) once the workers run
  Status error_;         // GUARDED_BY(mu_)
  size_t running_ = 0;   // GUARDED_BY(mu_)
  std::atomic<bool> stop_{false};
  std::atomic<size_t> next_{0};

  std::mutex save_mu_;
  Clock::time_point last_save_;  // GUARDED_BY(save_mu_)
};

}  // namespace

std::string DownloadStatePath(const std::string& partial_path) { return partial_path + ".json"; }

Status DownloadBlob(const DownloadTarget& target, const DownloadOptions& options, std::atomic<uint64_t>* completed,
                    const std::atomic<bool>* cancel) {
  return Downloader(target, options, completed, cancel).Run();
}

StatusOr<std::string> PartialDigest(const std::string& partial_path) {
  auto hex = Sha256File(partial_path);
  if (!hex.ok()) return InternalError("cannot read the downloaded file back");
  return "sha256:" + *hex;
}

Status CommitBlob(const std::string& partial_path, const std::string& final_path, const std::string& digest) {
  ASSIGN_OR_RETURN(std::string got, PartialDigest(partial_path));
  if (got != digest) {
    ::unlink(partial_path.c_str());
    ::unlink(DownloadStatePath(partial_path).c_str());
    return InvalidArgumentError("digest mismatch, file must be downloaded again: expected " + digest + ", got " + got);
  }
  return MoveBlobIntoPlace(partial_path, final_path);
}

Status MoveBlobIntoPlace(const std::string& partial_path, const std::string& final_path) {
  {
    Fd fd(::open(partial_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) return InternalError("cannot flush the download to disk");
  }
  if (::rename(partial_path.c_str(), final_path.c_str()) != 0) return InternalError("cannot move the download into place");
  ::unlink(DownloadStatePath(partial_path).c_str());
  return SyncDirectory(DirName(final_path));
}

}  // namespace suanli::store
