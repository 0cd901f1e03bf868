#include "runner/runner_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "runner/subprocess.h"

namespace suanli::runner {

namespace {

// The last "error: ..." line the runner wrote to its log, without the prefix.
std::string LastErrorLine(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.rfind("error: ", 0) == 0) last = line.substr(7);
  }
  return last;
}

std::atomic<uint64_t> g_counter{0};

}  // namespace

int RunnerExitCode(StatusCode code) { return ChildExitCode(code); }

StatusOr<std::unique_ptr<RunnerProcess>> RunnerProcess::Start(const RunnerSpawnOptions& options) {
  if (::mkdir(options.runtime_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return UnavailableError(std::string("cannot create the runtime folder: ") + std::strerror(errno));
  }
  ::chmod(options.runtime_dir.c_str(), 0700);
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(g_counter++);
  const std::string socket_path = options.runtime_dir + "/runner-" + tag + ".sock";
  const std::string log_path = options.runtime_dir + "/runner-" + tag + ".log";
  const std::string exe = options.executable.empty() ? SelfExecutable() : options.executable;

  std::vector<std::string> args = {exe, "runner", "--model", options.model_path, "--socket", socket_path};
  for (const auto& adapter : options.adapters) {
    args.push_back("--lora");
    args.push_back(adapter);
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  auto spawned = SpawnProcess(args, log_fd);
  if (log_fd >= 0) ::close(log_fd);
  if (!spawned.ok()) return UnavailableError("cannot start a runner: " + spawned.status().message());
  const pid_t pid = *spawned;

  auto process = std::unique_ptr<RunnerProcess>(new RunnerProcess(pid, socket_path, log_path));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.load_timeout_ms);
  while (true) {
    int wstatus = 0;
    pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) {
      process->reaped_ = true;
      std::string why = LastErrorLine(log_path);
      int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
      StatusCode status_code = StatusCodeFromExit(code);
      if (why.empty()) why = WIFSIGNALED(wstatus) ? "the model runner was killed while loading"
                                                  : "the model runner exited while loading";
      return Status(status_code, why);
    }
    if (::access(socket_path.c_str(), F_OK) == 0 && process->client_.Health().ok()) return process;
    if (std::chrono::steady_clock::now() > deadline) {
      process->Terminate(0);
      return DeadlineExceededError("timed out waiting for the model runner to load the model");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool RunnerProcess::Alive() {
  if (reaped_) return false;
  int wstatus = 0;
  if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void RunnerProcess::Terminate(int grace_ms) {
  if (!Alive()) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Alive()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (Alive()) ::kill(pid_, SIGKILL);
  if (!reaped_) {
    int wstatus = 0;
    ::waitpid(pid_, &wstatus, 0);
    reaped_ = true;
  }
  ::unlink(socket_path_.c_str());
}

RunnerProcess::~RunnerProcess() {
  Terminate();
  ::unlink(log_path_.c_str());
}

}  // namespace suanli::runner
