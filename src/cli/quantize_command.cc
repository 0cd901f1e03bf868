// `suanli quantize` (hidden): quantizes one GGUF file for the server's
// create. Prints "progress <done> <total>" lines on stdout; on failure an
// "error: <message>" line and exit code 10 + StatusCode. Ends itself when
// its parent (the server) goes away.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "engine/quantize.h"
#include "runner/quantize_process.h"
#include "runner/subprocess.h"

namespace suanli::cli {

namespace {

int RunQuantize(const engine::QuantizeOptions& options) {
  const pid_t parent = getppid();
  std::thread watchdog([parent] {
    while (getppid() == parent) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    _exit(1);  // the server is gone: nobody wants the result
  });
  watchdog.detach();
  Status st = engine::QuantizeModel(options, [](uint64_t done, uint64_t total) {
    std::fputs(runner::QuantizeProgressLine(done, total).c_str(), stdout);
    std::fflush(stdout);
  });
  if (!st.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return runner::ChildExitCode(st.code());
  }
  return 0;
}

}  // namespace

CommandFn RegisterQuantizeCommand(CLI::App& app) {
  auto options = std::make_shared<engine::QuantizeOptions>();
  auto* cmd = app.add_subcommand("quantize", "");  // hidden: empty description
  cmd->group("");
  cmd->add_option("--input", options->input, "F16, BF16 or F32 GGUF file")->required();
  cmd->add_option("--output", options->output, "output file")->required();
  cmd->add_option("--type", options->type, "Q4_K_M, Q4_K_S, Q8_0, F16, BF16 or F32")->required();
  cmd->add_option("--threads", options->threads, "threads (0 = all cores)");
  return [options] { return RunQuantize(*options); };
}

}  // namespace suanli::cli
