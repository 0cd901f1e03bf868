#include "atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cctype>

namespace suanli::tools {
namespace {

// Temp path removed by the signal handler; empty when nothing is pending.
// One file at a time is enough for a command-line tool.
char g_pending_tmp[4096] = {0};

void RemovePendingAndReraise(int sig) {
  if (g_pending_tmp[0] != '\0') unlink(g_pending_tmp);
  signal(sig, SIG_DFL);
  raise(sig);
}

void SetPending(const std::string& tmp) {
  static bool installed = false;
  if (!installed) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, RemovePendingAndReraise);
    installed = true;
  }
  if (tmp.size() >= sizeof(g_pending_tmp)) return;
  std::memcpy(g_pending_tmp, tmp.c_str(), tmp.size() + 1);
}

void ClearPending() { g_pending_tmp[0] = '\0'; }

std::string ErrorText(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(text[0]));
  return text;
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

AtomicFile::AtomicFile(std::string path, std::string tmp_path, FILE* file)
    : path_(std::move(path)), tmp_path_(std::move(tmp_path)), file_(file) {}

StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path) {
  if (path.empty()) return InvalidArgumentError("output path is empty");
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return InvalidArgumentError("output path " + path + " is a directory");
  }
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return InvalidArgumentError("cannot write output file " + path + ": " +
                                ErrorText(errno));
  }
  SetPending(tmp);
  FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    const int err = errno;
    close(fd);
    unlink(tmp.c_str());
    ClearPending();
    return InternalError("cannot open stream for " + path + ": " + ErrorText(err));
  }
  // 1 MiB buffer: fewer syscalls for the byte-wise metadata writer.
  setvbuf(file, nullptr, _IOFBF, 1 << 20);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, tmp, file));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (file_ != nullptr) fclose(file_);
  unlink(tmp_path_.c_str());
  ClearPending();
}

Status AtomicFile::IoError(const std::string& what, int err) const {
  return ResourceExhaustedError("cannot " + what + " output file " + path_ +
                                ": " + ErrorText(err));
}

Status AtomicFile::Write(const void* data, size_t size) {
  if (size == 0) return OkStatus();
  if (fwrite(data, 1, size, file_) != size) return IoError("write", errno);
  return OkStatus();
}

Status AtomicFile::PadTo(size_t alignment) {
  ASSIGN_OR_RETURN(const uint64_t pos, Position());
  const size_t pad = (alignment - pos % alignment) % alignment;
  static const char kZeros[256] = {0};
  if (pad > sizeof(kZeros)) return InternalError("alignment too large");
  return Write(kZeros, pad);
}

StatusOr<uint64_t> AtomicFile::Position() {
  const off_t pos = ftello(file_);
  if (pos < 0) return IoError("seek in", errno);
  return static_cast<uint64_t>(pos);
}

Status AtomicFile::Commit() {
  if (fflush(file_) != 0) return IoError("write", errno);
  if (fsync(fileno(file_)) != 0) return IoError("sync", errno);
  FILE* file = file_;
  file_ = nullptr;
  if (fclose(file) != 0) return IoError("close", errno);
  if (rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return IoError("rename temporary file to", errno);
  }
  committed_ = true;
  ClearPending();
  const int dir_fd = open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);  // best effort: the data itself is already durable
    close(dir_fd);
  }
  return OkStatus();
}

}  // namespace suanli::tools
