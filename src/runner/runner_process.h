// RunnerProcess starts `suanli runner` as a child process for one model,
// waits until it answers /health, and ends it (SIGTERM, then SIGKILL) when
// destroyed, so that all of its memory goes back to the system. The runner
// ends itself when its parent process goes away (it watches getppid()). Thread-safety: Start is safe from
// any thread; one RunnerProcess object is not shared without a lock, except
// client() and pid(), which are const.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "runner/runner_client.h"

namespace suanli::runner {

struct RunnerSpawnOptions {
  std::string executable;        // the suanli binary; empty = this process's binary
  std::string model_path;
  std::vector<std::string> adapters;  // LoRA GGUF files (--lora)
  std::string runtime_dir;       // private folder for sockets and runner logs
  std::vector<std::string> extra_args;  // e.g. {"--ctx-size", "4096", "--parallel", "2"}
  int load_timeout_ms = 5 * 60 * 1000;
};

class RunnerProcess {
 public:
  // Spawns the runner and waits for it to become healthy. Fails with the
  // runner's own error when it exits during load (its exit code carries the
  // status code), DeadlineExceeded when it is not ready within the timeout.
  static StatusOr<std::unique_ptr<RunnerProcess>> Start(const RunnerSpawnOptions& options);
  ~RunnerProcess();

  pid_t pid() const { return pid_; }
  const RunnerClient& client() const { return client_; }
  const std::string& socket_path() const { return socket_path_; }
  // True while the child process has not exited.
  bool Alive();
  // Ends the process now: SIGTERM, up to `grace_ms` to exit, then SIGKILL.
  void Terminate(int grace_ms = 3000);

 private:
  RunnerProcess(pid_t pid, std::string socket_path, std::string log_path)
      : pid_(pid), socket_path_(socket_path), log_path_(std::move(log_path)), client_(std::move(socket_path)) {}

  pid_t pid_;
  std::string socket_path_;
  std::string log_path_;
  RunnerClient client_;
  bool reaped_ = false;
};

// Exit code a runner uses for a failed start with `code` (10 + code).
int RunnerExitCode(StatusCode code);

}  // namespace suanli::runner
