// A file that appears at its final path only when complete: data goes to
// "<path>.tmp.<pid>", Commit() flushes, fsyncs and renames it into place; a
// destroyed, uncommitted file (or SIGINT/SIGTERM/SIGHUP) removes the temp.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "base/status.h"

namespace suanli::tools {

class AtomicFile {
 public:
  // Creates the temporary file next to `path`.
  static StatusOr<std::unique_ptr<AtomicFile>> Create(const std::string& path);

  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Buffered stream for writers that need a FILE*; check errors via Write().
  FILE* stream() { return file_; }
  // Appends `size` bytes.
  Status Write(const void* data, size_t size);
  // Appends zero bytes until the file size is a multiple of `alignment`.
  Status PadTo(size_t alignment);
  // Bytes written so far (as seen by the stream position).
  StatusOr<uint64_t> Position();
  // Flushes, fsyncs, renames over `path` and fsyncs the directory.
  Status Commit();

 private:
  AtomicFile(std::string path, std::string tmp_path, FILE* file);
  Status IoError(const std::string& what, int err) const;

  std::string path_;
  std::string tmp_path_;
  FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace suanli::tools
