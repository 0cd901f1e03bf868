#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace suanli {

namespace {
std::atomic<uint64_t> g_counter{0};
std::string Dirname(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}
}  // namespace

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return InternalError(std::string("cannot open a folder to sync: ") + std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
  return OkStatus();
}

Status MakeDirectories(const std::string& dir, bool private_dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InternalError("cannot create a folder: " + ec.message());
  if (private_dir) ::chmod(dir.c_str(), 0700);
  return OkStatus();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(g_counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError(std::string("cannot write a file: ") + std::strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return InternalError(std::string("cannot write a file: ") + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  // Both always run: a failed fsync must not leak the descriptor.
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    ::unlink(tmp.c_str());
    return InternalError("cannot flush a file to disk");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return InternalError(std::string("cannot rename a file into place: ") + std::strerror(err));
  }
  return SyncDirectory(Dirname(path));
}

}  // namespace suanli
