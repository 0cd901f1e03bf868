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
  std::map<std::string, std::unique_ptr<ProgressBar>> bars;
  std::string last_status;
  Status s = client.PostStream("/api/pull", request, [&](const json& line) {
    const std::string status = JsonString(line, "status");
    const int64_t total = JsonInt(line, "total");
    if (JsonField(line, "total").is_number() && total >= 0) {
      const std::string digest = JsonString(line, "digest");
      auto& bar = bars[digest.empty() ? status : digest];
      if (!bar) bar = std::make_unique<ProgressBar>(status, static_cast<uint64_t>(total));
      const int64_t completed = std::max<int64_t>(0, JsonInt(line, "completed"));
      bar->Set(static_cast<uint64_t>(completed));
      if (completed >= total) bar->Finish();
    } else if (!status.empty() && status != last_status) {
      for (auto& [_, bar] : bars) bar->Finish();
      std::fprintf(stderr, "%s\n", status.c_str());
      last_status = status;
    }
    return true;
  });
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
