// `suanli run MODEL [PROMPT...]`: checks the model with /api/show, then
// answers one prompt (arguments and/or piped stdin) through /api/chat, prints
// embeddings for embedding models, or opens the interactive REPL.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>

#include "cli/client_chat.h"
#include "cli/client_common.h"
#include "cli/client_show.h"
#include "cli/commands.h"
#include "cli/repl.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

struct RunFlags {
  std::string model;
  std::vector<std::string> prompt;
  std::string keepalive;
  bool verbose = false;
  bool insecure = false;
  bool nowordwrap = false;
  std::string format;
  std::string think;
  bool hidethinking = false;
  bool truncate = true;
  CLI::Option* truncate_option = nullptr;
  int dimensions = 0;
  std::string rag;
};

std::atomic<bool> g_cancel{false};
void OnSigint(int) { g_cancel.store(true); }

// Go's time.ParseDuration grammar: [-+]? (number unit)+ or "0".
bool IsGoDuration(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (s.substr(i) == "0") return true;
  if (i >= s.size()) return false;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return false;
    static const char* kUnits[] = {"ns", "us", "\xC2\xB5s", "ms", "s", "m", "h"};
    bool matched = false;
    for (const char* unit : kUnits) {
      const size_t n = std::strlen(unit);
      if (s.compare(i, n, unit) == 0 && !(n == 1 && unit[0] == 'm' && s.compare(i, 2, "ms") == 0)) {
        i += n;
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

// --keepalive: a number is seconds, anything else a Go duration string.
StatusOr<json> KeepAliveValue(const std::string& text) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (!text.empty() && *end == '\0') return json(seconds);
  if (!IsGoDuration(text)) return InvalidArgumentError("time: invalid duration \"" + text + "\"");
  return json(text);
}

StatusOr<json> ThinkValue(const std::string& text) {
  if (text.empty() || text == "true") return json(true);
  if (text == "false") return json(false);
  if (text == "high" || text == "medium" || text == "low" || text == "max") return json(text);
  return InvalidArgumentError("invalid value for --think: \"" + text +
                              "\" (must be true, false, high, medium, or low)");
}

bool HasCapability(const json& show, const char* capability) {
  for (const auto& c : JsonField(show, "capabilities")) {
    if (c.is_string() && c.get<std::string>() == capability) return true;
  }
  return false;
}

int RunEmbed(const api::ApiClient& client, const RunFlags& f, const std::string& prompt, const json& keep_alive) {
  if (prompt.empty()) {
    return PrintError(InvalidArgumentError("embedding models require input text. Usage: suanli run " + f.model +
                                           " \"your text here\""));
  }
  json request = {{"model", f.model}, {"input", prompt}};
  if (!keep_alive.is_null()) request["keep_alive"] = keep_alive;
  if (f.truncate_option != nullptr && f.truncate_option->count() > 0) request["truncate"] = f.truncate;
  if (f.dimensions > 0) request["dimensions"] = f.dimensions;
  auto reply = client.Post("/api/embed", request);
  if (!reply.ok()) return PrintError(reply.status());
  for (const auto& embedding : JsonField(*reply, "embeddings")) {
    std::printf("%s\n", embedding.dump().c_str());
  }
  return 0;
}

int RunModel(const RunFlags& f) {
  ChatSettings settings;
  settings.model = f.model;
  settings.verbose = f.verbose;
  settings.hide_thinking = f.hidethinking;
  settings.word_wrap = !f.nowordwrap;
  if (!f.format.empty()) {
    if (f.format != "json") return PrintError(InvalidArgumentError("invalid format '" + f.format + "': use json"));
    settings.format = f.format;
  }
  if (!f.keepalive.empty()) {
    auto keep_alive = KeepAliveValue(f.keepalive);
    if (!keep_alive.ok()) return PrintError(keep_alive.status());
    settings.keep_alive = *keep_alive;
  }
  if (!f.think.empty()) {
    auto think = ThinkValue(f.think);
    if (!think.ok()) return PrintError(think.status());
    settings.think = *think;
  }
  if (!f.rag.empty()) settings.rag = {{"collection", f.rag}};

  // Piped stdin comes first, then the arguments, joined by spaces (Ollama).
  bool interactive = true;
  std::vector<std::string> parts;
  if (!IsTerminal(STDIN_FILENO)) {
    std::string piped{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (!piped.empty()) parts.push_back(std::move(piped));  // an empty pipe adds no leading space
    settings.word_wrap = false;
    interactive = false;
  }
  parts.insert(parts.end(), f.prompt.begin(), f.prompt.end());
  std::string prompt;
  for (size_t i = 0; i < parts.size(); ++i) prompt += (i > 0 ? " " : "") + parts[i];
  if (!f.prompt.empty() || !IsTerminal(STDOUT_FILENO)) interactive = false;

  api::ApiClient client = ClientFromEnv();
  auto show = ShowModel(client, f.model);
  if (!show.ok()) return PrintError(show.status());
  if (HasCapability(*show, "embedding")) return RunEmbed(client, f, prompt, settings.keep_alive);
  if (interactive) return RunRepl(client, settings);

  struct sigaction action {};
  action.sa_handler = OnSigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  if (prompt.empty()) {  // nothing to say: just load the model, as Ollama does
    Status loaded = LoadModel(client, settings, &g_cancel);
    if (loaded.code() == StatusCode::kCancelled) return 130;
    return loaded.ok() ? 0 : PrintError(loaded);
  }
  ChatOutcome outcome = StreamChat(client, settings, json::array({{{"role", "user"}, {"content", prompt}}}), &g_cancel);
  if (outcome.status.code() == StatusCode::kCancelled) return 130;
  return outcome.status.ok() ? 0 : PrintError(outcome.status);
}

}  // namespace

CommandFn RegisterRunCommand(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model");
  cmd->add_option("MODEL", flags->model, "Model name")->required();
  cmd->add_option("PROMPT", flags->prompt, "Prompt (otherwise piped stdin, or an interactive session)");
  cmd->add_option("--keepalive", flags->keepalive, "Duration to keep a model loaded (e.g. 5m)");
  cmd->add_flag("--verbose", flags->verbose, "Show timings for response");
  cmd->add_flag("--insecure", flags->insecure, "Use an insecure registry");
  cmd->add_flag("--nowordwrap", flags->nowordwrap, "Don't wrap words to the next line automatically");
  cmd->add_option("--format", flags->format, "Response format (e.g. json)");
  cmd->add_flag("--think{true}", flags->think,
                "Enable thinking mode: true/false or high/medium/low for supported models");
  cmd->add_flag("--hidethinking", flags->hidethinking, "Hide thinking output (if provided)");
  flags->truncate_option =
      cmd->add_flag("--truncate", flags->truncate, "For embedding models: truncate inputs that exceed the context");
  cmd->add_option("--dimensions", flags->dimensions, "Truncate output embeddings to the specified dimension");
  cmd->add_option("--rag", flags->rag, "Answer from the documents of this RAG collection, citing them");
  return [flags] { return RunModel(*flags); };
}

}  // namespace suanli::cli
