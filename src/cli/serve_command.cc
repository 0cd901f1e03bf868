// `suanli serve`: the composition root of the server. Reads the environment,
// builds the store, scheduler and HTTP server, and shuts down cleanly on
// SIGINT/SIGTERM (stop accepting, let streams end within a deadline, end all
// runners).
#include <signal.h>

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "base/atomic_file.h"
#include "base/log.h"
#include "cli/commands.h"
#include "cli/serve_config.h"
#include "runner/quantize_process.h"
#include "rag/collection_manager.h"
#include "rag/fts_search_config.h"

namespace suanli::cli {

namespace {

int Serve() {
  auto config = LoadServeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "Error: %s\n", config.status().message().c_str());
    return 1;
  }
  if (config->debug) SetLogLevel(LogLevel::kDebug);
  for (const auto& line : DescribeServeConfig(*config)) LogInfo("config " + line);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (Status st = MakeDirectories(config->sched.runtime_dir, /*private_dir=*/true); !st.ok()) {
    std::fprintf(stderr, "Error: %s\n", st.message().c_str());
    return 1;
  }
  auto store = store::ModelStore::Open(config->store);
  if (!store.ok()) {
    std::fprintf(stderr, "Error: %s\n", store.status().message().c_str());
    return 1;
  }
  // Create's quantization runs in a child process (`suanli quantize`).
  config->server.quantize = [exe = config->sched.runner_executable](
                                const server::QuantizeRequest& r,
                                const std::function<void(uint64_t, uint64_t)>& progress) {
    return runner::QuantizeInChild({exe, r.input, r.output, r.type, 0}, progress);
  };
  // RAG collections: keyword search through the CJK-aware FTS5 tokenizer.
  rag::UseSuanliKeywordSearch(&config->rag);
  auto collections = rag::CollectionManager::Open(config->rag);
  if (!collections.ok()) {
    std::fprintf(stderr, "Error: %s\n", collections.status().message().c_str());
    return 1;
  }
  sched::Scheduler scheduler(config->sched);
  server::Server server(config->server, store->get(), &scheduler, collections->get());

  std::atomic<bool> done{false};
  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    if (done) return;
    LogInfo("shutting down");
    server.Stop();  // Listen returns once the in-flight requests have ended
    // Streams get a few seconds to finish; then the runners end, which ends
    // any stream still running with an error line.
    for (int i = 0; i < 100 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!done) scheduler.Shutdown();
  });
  Status st = server.Listen();
  done = true;
  scheduler.Shutdown();
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  if (!st.ok()) {
    std::fprintf(stderr, "Error: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

CommandFn RegisterServeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Start suanli");
  cmd->alias("start");
  std::string env_help = "\nEnvironment variables (SUANLI_X, falling back to OLLAMA_X):\n";
  auto config = LoadServeConfig();
  if (config.ok()) {
    for (const auto& line : DescribeServeConfig(*config)) env_help += "  " + line + "\n";
  }
  cmd->footer(env_help);
  return [] { return Serve(); };
}

}  // namespace suanli::cli
