#include "runner/quantize_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "runner/subprocess.h"

namespace suanli::runner {

std::string QuantizeProgressLine(uint64_t completed, uint64_t total) {
  return "progress " + std::to_string(completed) + " " + std::to_string(total) + "\n";
}

Status QuantizeInChild(const QuantizeJob& job, const std::function<void(uint64_t, uint64_t)>& progress) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return UnavailableError(std::string("cannot start the quantizer: ") + std::strerror(errno));
  std::vector<std::string> args = {job.executable.empty() ? SelfExecutable() : job.executable,
                                   "quantize",
                                   "--input",
                                   job.input,
                                   "--output",
                                   job.output,
                                   "--type",
                                   job.type,
                                   "--threads",
                                   std::to_string(job.threads)};
  auto pid = SpawnProcess(args, fds[1]);
  ::close(fds[1]);
  if (!pid.ok()) {
    ::close(fds[0]);
    return UnavailableError("cannot start the quantizer: " + pid.status().message());
  }
  std::string error, buffer;
  char chunk[4096];
  auto line = [&](const std::string& text) {
    uint64_t done = 0, total = 0;
    if (std::sscanf(text.c_str(), "progress %" SCNu64 " %" SCNu64, &done, &total) == 2) {
      if (progress && total > 0 && done <= total) progress(done, total);
    } else if (text.rfind("error: ", 0) == 0) {
      error = text.substr(7);
    }
  };
  while (true) {
    const ssize_t n = ::read(fds[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      line(buffer.substr(0, newline));
      buffer.erase(0, newline + 1);
    }
    if (buffer.size() > (1u << 20)) buffer.clear();  // a runaway line is not ours
  }
  if (!buffer.empty()) line(buffer);
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(*pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return OkStatus();
  if (WIFSIGNALED(wstatus)) {
    return InternalError("the quantizer crashed (signal " + std::to_string(WTERMSIG(wstatus)) +
                         "); the model file may be corrupt");
  }
  if (error.empty()) error = "the quantizer ended unexpectedly";
  return Status(StatusCodeFromExit(WEXITSTATUS(wstatus)), error);
}

}  // namespace suanli::runner
