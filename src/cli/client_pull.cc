// `suanli pull MODEL [--insecure]`: streams POST /api/pull and draws one
// progress bar per layer (speed and time left on a terminal; one final line
// per layer otherwise), then the status lines, as `ollama pull` does. An
// interrupted pull resumes where it stopped when run again.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/status_stream.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

struct PullFlags {
  std::string name;
  bool insecure = false;
};

int RunPull(const PullFlags& f) {
  api::ApiClient client = ClientFromEnv();
  const json request = {{"model", f.name}, {"insecure", f.insecure}, {"stream", true}};
  StatusStreamPrinter printer;
  Status s = client.PostStream("/api/pull", request, [&printer](const json& line) { return printer.OnLine(line); });
  if (!s.ok()) return PrintError(s);
  return 0;
}

}  // namespace

CommandFn RegisterPullCommand(CLI::App& app) {
  auto flags = std::make_shared<PullFlags>();
  CLI::App* cmd = app.add_subcommand("pull", "Pull a model from a registry");
  cmd->add_option("MODEL", flags->name, "Model name, hf.co/<user>/<repo>[:<quant>], or an https URL of a .gguf file")
      ->required();
  cmd->add_flag("--insecure", flags->insecure, "Use an insecure registry (plain http)");
  return [flags] { return RunPull(*flags); };
}

}  // namespace suanli::cli
