// DownloadBlob: fetches one blob into "<partial>" with parallel HTTP range
// requests (the parts of download_state.h), persisting progress so that a
// later call resumes; a part that fails (network error, 5xx, a stall: no byte
// for stall_timeout_s) is retried from where it stopped with exponential
// backoff, up to max_retries times. CommitBlob then verifies the SHA-256 and
// renames the file into place, or deletes it on a mismatch.
// Thread-safety: calls on different partial files may run concurrently; one
// partial file must have one downloader at a time (DownloadManager sees to it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "net/http_fetch.h"

namespace suanli::store {

struct DownloadOptions {
  uint64_t min_part_bytes = 100ull << 20;
  uint64_t max_part_bytes = 1000ull << 20;
  int max_parts = 16;  // also the number of parallel requests
  int stall_timeout_s = 30;
  int max_retries = 6;       // per part
  int backoff_ms = 1000;     // doubled after each retry, capped at 30 s
  int connect_timeout_s = 15;
};

struct DownloadTarget {
  std::string url;
  std::string partial_path;  // data; the state file is partial_path + ".json"
  std::string source;        // recorded in the state: a digest or a URL key
  // When set, `source` is the blob's digest and the download is verified and
  // renamed to this path as soon as it is complete (DownloadManager).
  std::string final_path;
  std::string validator;     // ETag/Last-Modified; a change restarts the download
  uint64_t total = 0;        // the size the manifest (or HEAD) announced
  bool single_part = false;  // the server cannot serve ranges: one request
  bool allow_http = false;
  bool allow_private_redirects = false;
  // Headers for every request (User-Agent, Authorization); may be empty.
  std::function<net::Headers()> headers;
  // Called with the WWW-Authenticate header after a 401; OK means "retry
  // with fresh headers". May be empty (a 401 is then an error).
  std::function<Status(const std::string& challenge)> reauthorize;
};

std::string DownloadStatePath(const std::string& partial_path);

// Downloads what is missing of `target` into its partial file. `completed`
// (may be null) follows the bytes on disk. Returns OK once every byte is
// there; Cancelled when `cancel` is set (progress is kept); the error of a
// part that failed for good otherwise (progress is kept too).
Status DownloadBlob(const DownloadTarget& target, const DownloadOptions& options, std::atomic<uint64_t>* completed,
                    const std::atomic<bool>* cancel);

// Hashes the complete partial file; when it is `digest` ("sha256:<hex>"),
// moves it to `final_path` (fsync, rename, fsync of the folder) and removes
// the state file. On a mismatch both files are deleted and the error says so.
Status CommitBlob(const std::string& partial_path, const std::string& final_path, const std::string& digest);

// Moves a verified file into place: fsync, rename, fsync of the folder, and
// removal of its state file.
Status MoveBlobIntoPlace(const std::string& partial_path, const std::string& final_path);

// Hashes a complete partial file ("sha256:<hex>"), for downloads whose digest
// is not known in advance.
StatusOr<std::string> PartialDigest(const std::string& partial_path);

}  // namespace suanli::store
