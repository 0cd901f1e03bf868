// `suanli runner` (hidden): hosts one model on a Unix socket for the server.
#include <signal.h>
#include <unistd.h>

#include <chrono>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <thread>

#include "base/log.h"
#include "cli/commands.h"
#include "runner/runner_process.h"
#include "runner/runner_server.h"

namespace suanli::cli {

namespace {
struct RunnerFlags {
  runner::RunnerOptions options;
  std::string socket;
  bool debug = false;
};

int RunRunner(const RunnerFlags& flags) {
  if (flags.debug) SetLogLevel(LogLevel::kDebug);
  // Handle SIGTERM/SIGINT on a dedicated thread: block them everywhere else.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto server = runner::RunnerServer::Create(flags.options);
  if (!server.ok()) {
    std::fprintf(stderr, "error: %s\n", server.status().message().c_str());
    return runner::RunnerExitCode(server.status().code());
  }
  runner::RunnerServer* raw = server->get();
  std::thread signals([raw, set] {
    int sig = 0;
    sigwait(&set, &sig);
    raw->Stop();
  });
  signals.detach();
  // End with the parent: a runner never outlives the server that started it.
  const pid_t parent = getppid();
  std::thread watchdog([raw, parent] {
    while (getppid() == parent) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    raw->Stop();
  });
  watchdog.detach();
  Status st = (*server)->Serve(flags.socket);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return runner::RunnerExitCode(st.code());
  }
  return 0;
}
}  // namespace

CommandFn RegisterRunnerCommand(CLI::App& app) {
  auto flags = std::make_shared<RunnerFlags>();
  auto* cmd = app.add_subcommand("runner", "");  // hidden: empty description
  cmd->group("");
  auto& o = flags->options;
  cmd->add_option("--model", o.model_path, "GGUF file")->required();
  cmd->add_option("--socket", flags->socket, "Unix socket path")->required();
  cmd->add_option("--lora", o.adapters, "LoRA adapter GGUF file (repeatable)");
  cmd->add_option("--ctx-size", o.engine.num_ctx, "context tokens per slot");
  cmd->add_option("--parallel", o.engine.num_parallel, "slots");
  cmd->add_option("--batch-size", o.engine.num_batch, "tokens per decode step");
  cmd->add_option("--threads", o.engine.num_thread, "threads (0 = auto)");
  cmd->add_option("--flash-attn", o.engine.flash_attention, "-1 auto, 0 off, 1 on");
  cmd->add_option("--kv-cache-type", o.engine.kv_cache_type, "f16, q8_0 or q4_0");
  cmd->add_option("--num-gpu", o.load.num_gpu, "layers on the GPU (-1 = all that fit)");
  cmd->add_flag("--debug", flags->debug, "verbose logging");
  return [flags] {
    auto& opt = flags->options;
    opt.embedder.num_ctx = opt.engine.num_ctx;
    opt.embedder.num_thread = opt.engine.num_thread;
    opt.embedder.max_sequences = std::max(opt.engine.num_parallel, 4);
    return RunRunner(*flags);
  };
}

}  // namespace suanli::cli
