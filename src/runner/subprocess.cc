#include "runner/subprocess.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace suanli::runner {

std::string SelfExecutable() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, n) : std::string("suanli");
}

StatusOr<pid_t> SpawnProcess(const std::vector<std::string>& args, int output_fd) {
  if (args.empty()) return InvalidArgumentError("no program to start");
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return UnavailableError(std::string("cannot start a child process: ") + std::strerror(errno));
  if (pid == 0) {
    if (::getppid() != parent) ::_exit(1);
    if (output_fd >= 0) {
      ::dup2(output_fd, STDOUT_FILENO);
      ::dup2(output_fd, STDERR_FILENO);
    }
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int ChildExitCode(StatusCode code) { return 10 + static_cast<int>(code); }

StatusCode StatusCodeFromExit(int exit_code) {
  if (exit_code > 10 && exit_code <= 10 + static_cast<int>(StatusCode::kInternal)) {
    return static_cast<StatusCode>(exit_code - 10);
  }
  return StatusCode::kInternal;
}

}  // namespace suanli::runner
