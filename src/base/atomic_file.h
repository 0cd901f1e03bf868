// Crash-safe file writes: temp file in the same folder, fsync, rename, fsync
// of the folder. A crash leaves either the old file or the new one, plus at
// most a temp file named "<name>.tmp-*" that the owner's start-up recovery
// removes (e.g. ModelStore::Open). Thread-safe (distinct temp names per call).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace suanli {

// Replaces `path` with `contents`. Internal when the folder does not exist,
// or the write, flush or rename fails; a failure leaves no temp file and the
// old file (if any) as it was.
Status WriteFileAtomically(const std::string& path, std::string_view contents);
// fsyncs `dir` so that a rename inside it is durable.
Status SyncDirectory(const std::string& dir);
// Creates `dir` and its parents (mode 0755, or 0700 when `private_dir`).
Status MakeDirectories(const std::string& dir, bool private_dir = false);

}  // namespace suanli
