#include "cli/repl.h"

#include <langinfo.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <clocale>
#include <cstdio>
#include <cstring>

#include "cli/client_common.h"

namespace suanli::cli {

namespace {

std::atomic<bool> g_interrupted{false};

void OnSigint(int) { g_interrupted.store(true); }

// SIGINT sets g_interrupted while the REPL runs (the editor reads Ctrl+C
// as a key, so this fires only during requests).
class SigintScope {
 public:
  SigintScope() {
    struct sigaction action {};
    action.sa_handler = OnSigint;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~SigintScope() { sigaction(SIGINT, &previous_, nullptr); }

 private:
  struct sigaction previous_ {};
};

// libedit reads UTF-8 only under a UTF-8 LC_CTYPE.
void UseUtf8Locale() {
  std::setlocale(LC_CTYPE, "");
  if (std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0) std::setlocale(LC_CTYPE, "C.UTF-8");
}

std::string HistoryPath() {
  if (EnvFlag("SUANLI_NOHISTORY") || EnvFlag("OLLAMA_NOHISTORY")) return "";
  const std::string home = SuanliHome();
  mkdir(home.c_str(), 0755);  // may exist already
  return home + "/history";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void SendTurn(ReplSession& s) {
  s.messages.push_back({{"role", "user"}, {"content", s.buffer}});
  s.buffer.clear();
  g_interrupted.store(false);
  ChatOutcome outcome = StreamChat(*s.client, s.settings, s.messages, &g_interrupted);
  g_interrupted.store(false);
  const bool has_content = !outcome.assistant["content"].get<std::string>().empty();
  if (outcome.status.ok() || (outcome.status.code() == StatusCode::kCancelled && has_content)) {
    s.messages.push_back(outcome.assistant);
    return;
  }
  s.messages.erase(s.messages.end() - 1);  // the turn had no answer
  if (outcome.status.code() != StatusCode::kCancelled) PrintError(outcome.status);
}

}  // namespace

int RunRepl(const api::ApiClient& client, ChatSettings settings) {
  UseUtf8Locale();
  SigintScope sigint;
  g_interrupted.store(false);
  Status loaded = LoadModel(client, settings, &g_interrupted);
  if (loaded.code() == StatusCode::kCancelled) return 130;
  if (!loaded.ok()) return PrintError(loaded);

  LineEditor editor(HistoryPath());
  ReplSession s;
  s.client = &client;
  s.settings = std::move(settings);
  s.editor = &editor;

  std::string line;
  while (true) {
    const auto result = editor.ReadLine(s.multiline == Multiline::kNone ? ">>> " : "... ", &line);
    if (result == LineEditor::Result::kEof) {
      std::printf("\n");
      return 0;
    }
    if (result == LineEditor::Result::kInterrupted) {
      if (line.empty() && s.multiline == Multiline::kNone)
        std::printf("\nUse Ctrl + d or /bye to exit.\n");
      else
        std::printf("\n");
      s.multiline = Multiline::kNone;
      s.buffer.clear();
      continue;
    }
    editor.AddHistory(line);

    if (s.multiline != Multiline::kNone) {
      const bool closed = EndsWith(line, "\"\"\"");
      s.buffer += closed ? line.substr(0, line.size() - 3) : line + "\n";
      if (!closed) continue;
      if (s.multiline == Multiline::kSystem) {
        s.multiline = Multiline::kNone;
        CommitSystemMessage(s);
        continue;
      }
      s.multiline = Multiline::kNone;
    } else if (line.rfind("\"\"\"", 0) == 0) {
      std::string rest = line.substr(3);
      if (EndsWith(rest, "\"\"\"")) {
        s.buffer += rest.substr(0, rest.size() - 3);
      } else {
        s.buffer += rest + "\n";
        s.multiline = Multiline::kPrompt;
        continue;
      }
    } else if (!line.empty() && line[0] == '/') {
      const SlashResult r = HandleSlashCommand(s, line);
      if (r == SlashResult::kExit) return 0;
      if (r == SlashResult::kHandled) continue;
      s.buffer += line;
    } else {
      s.buffer += line;
    }

    if (!s.buffer.empty() && s.multiline == Multiline::kNone) SendTurn(s);
  }
}

}  // namespace suanli::cli
