// A resumable download's plan and progress: the blob is split into parts
// (size total/16 clamped to [min, max]) fetched with HTTP ranges into a
// sparse "-partial" file; how much of each part is on disk is kept in a small
// JSON state file beside it, written atomically, so an interrupted download
// (even a killed server) resumes without fetching finished bytes again.
// Pure functions and value types, except Load/Save (file I/O); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::store {

struct PartState {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t completed = 0;  // bytes of this part on disk, from `offset`
};

struct DownloadState {
  std::string source;     // what is downloaded: a digest, or a URL's key
  std::string validator;  // the server's ETag or Last-Modified, when known
  uint64_t total = 0;
  std::vector<PartState> parts;

  uint64_t Completed() const;
  bool Done() const { return Completed() == total; }
};

// Parts for `total` bytes: size ceil(total/max_parts) clamped to
// [min_part, max_part] (min_part wins when they cross); one part of size 0
// for an empty blob. REQUIRES: min_part > 0, max_parts > 0.
std::vector<PartState> PlanParts(uint64_t total, uint64_t min_part, uint64_t max_part, int max_parts);

std::string SerializeDownloadState(const DownloadState& state);
// InvalidArgument for anything but a state this code wrote: bad JSON, parts
// that do not tile [0, total) in order, or progress beyond a part's size.
StatusOr<DownloadState> ParseDownloadState(std::string_view text);

// NotFound when there is no state file; InvalidArgument when it is corrupt.
StatusOr<DownloadState> LoadDownloadState(const std::string& path);
// Crash-safe (temp file, fsync, rename, fsync of the folder).
Status SaveDownloadState(const std::string& path, const DownloadState& state);

}  // namespace suanli::store
