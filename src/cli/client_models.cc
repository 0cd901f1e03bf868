// `suanli list`, `ps`, `stop`, `rm` and `cp`: thin clients of /api/tags,
// /api/ps, /api/generate (keep_alive 0), /api/delete and /api/copy that print
// what Ollama's CLI prints.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "cli/client_common.h"
#include "cli/client_format.h"
#include "cli/commands.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string ShortDigest(const std::string& digest) {
  std::string hex = digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
  return hex.substr(0, 12);
}

std::string Processor(int64_t size, int64_t vram) {
  if (vram == 0) return "100% CPU";
  if (vram == size) return "100% GPU";
  if (vram > size || size == 0) return "Unknown";
  const double cpu = std::round(static_cast<double>(size - vram) / static_cast<double>(size) * 100);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%d%%/%d%% CPU/GPU", static_cast<int>(cpu), static_cast<int>(100 - cpu));
  return buf;
}

int RunList(const std::string& prefix) {
  auto tags = ClientFromEnv().Get("/api/tags");
  if (!tags.ok()) return PrintError(tags.status());
  std::vector<std::vector<std::string>> rows = {{"NAME", "ID", "SIZE", "MODIFIED"}};
  const int64_t now = NowUnixNanos();
  for (const auto& m : JsonField(*tags, "models")) {
    const std::string name = JsonString(m, "name");
    if (!prefix.empty() && Lower(name).rfind(Lower(prefix), 0) != 0) continue;
    const auto modified = ParseRfc3339(JsonString(m, "modified_at"));
    rows.push_back({name, ShortDigest(JsonString(m, "digest")),
                    JsonString(m, "remote_model").empty() ? HumanBytes(JsonInt(m, "size")) : "-",
                    modified ? HumanTime(*modified, now, "Never") : "Never"});
  }
  std::printf("%s", RenderTable(rows).c_str());
  return 0;
}

int RunPs(const std::string& prefix) {
  auto ps = ClientFromEnv().Get("/api/ps");
  if (!ps.ok()) return PrintError(ps.status());
  std::vector<std::vector<std::string>> rows = {{"NAME", "ID", "SIZE", "PROCESSOR", "CONTEXT", "UNTIL"}};
  const int64_t now = NowUnixNanos();
  for (const auto& m : JsonField(*ps, "models")) {
    const std::string name = JsonString(m, "name");
    if (!prefix.empty() && name.rfind(prefix, 0) != 0) continue;
    const auto expires = ParseRfc3339(JsonString(m, "expires_at"));
    std::string until = "Never";
    if (expires) until = *expires < now ? "Stopping..." : HumanTime(*expires, now, "Never");
    rows.push_back({name, ShortDigest(JsonString(m, "digest")), HumanBytes(JsonInt(m, "size")),
                    Processor(JsonInt(m, "size"), JsonInt(m, "size_vram")),
                    std::to_string(JsonInt(m, "context_length")), until});
  }
  std::printf("%s", RenderTable(rows).c_str());
  return 0;
}

// Asks the server to unload `model` now (empty prompt, keep_alive 0).
Status Unload(const api::ApiClient& client, const std::string& model) {
  return client.PostStream("/api/generate", {{"model", model}, {"keep_alive", 0}}, [](const json&) { return true; });
}

int RunStop(const std::string& model) {
  Status s = Unload(ClientFromEnv(), model);
  if (s.code() == StatusCode::kNotFound) {
    return PrintError(NotFoundError("couldn't find model \"" + model + "\" to stop"));
  }
  return s.ok() ? 0 : PrintError(s);
}

int RunRm(const std::vector<std::string>& models) {
  api::ApiClient client = ClientFromEnv();
  for (const auto& model : models) {
    // Unload first so that a deleted model does not stay in memory.
    Status unloaded = Unload(client, model);
    if (!unloaded.ok() && unloaded.code() != StatusCode::kNotFound) {
      if (unloaded.code() == StatusCode::kUnavailable) return PrintError(unloaded);
      std::fprintf(stderr, "Warning: unable to stop model '%s'\n", model.c_str());
    }
    auto deleted = client.Delete("/api/delete", {{"model", model}});
    if (!deleted.ok()) {
      if (deleted.status().code() == StatusCode::kNotFound) {
        return PrintError(NotFoundError("model '" + model + "' not found"));
      }
      return PrintError(deleted.status());
    }
    std::printf("deleted '%s'\n", model.c_str());
  }
  return 0;
}

int RunCp(const std::string& source, const std::string& destination) {
  auto copied = ClientFromEnv().Post("/api/copy", {{"source", source}, {"destination", destination}});
  if (!copied.ok()) {
    if (copied.status().code() == StatusCode::kNotFound) {
      return PrintError(NotFoundError("model '" + source + "' not found"));
    }
    return PrintError(copied.status());
  }
  std::printf("copied '%s' to '%s'\n", source.c_str(), destination.c_str());
  return 0;
}

}  // namespace

CommandFn RegisterListCommand(CLI::App& app) {
  auto prefix = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("list", "List models");
  cmd->alias("ls");
  cmd->add_option("PREFIX", *prefix, "Only models whose name starts with this");
  return [prefix] { return RunList(*prefix); };
}

CommandFn RegisterPsCommand(CLI::App& app) {
  auto prefix = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("ps", "List running models");
  cmd->add_option("PREFIX", *prefix, "Only models whose name starts with this");
  return [prefix] { return RunPs(*prefix); };
}

CommandFn RegisterStopCommand(CLI::App& app) {
  auto model = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("stop", "Stop a running model");
  cmd->add_option("MODEL", *model, "Model name")->required();
  return [model] { return RunStop(*model); };
}

CommandFn RegisterRmCommand(CLI::App& app) {
  auto models = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("rm", "Remove a model");
  cmd->add_option("MODEL", *models, "Model names")->required();
  return [models] { return RunRm(*models); };
}

CommandFn RegisterCpCommand(CLI::App& app) {
  auto names = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cmd = app.add_subcommand("cp", "Copy a model");
  cmd->add_option("SOURCE", names->first, "Existing model")->required();
  cmd->add_option("DESTINATION", names->second, "New name")->required();
  return [names] { return RunCp(names->first, names->second); };
}

}  // namespace suanli::cli
