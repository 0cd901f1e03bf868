// The interactive session of `suanli run MODEL` (Ollama's REPL): `>>> `
// prompt, """ multi-line input, slash commands (/set, /show, /clear, /bye,
// /?), the conversation sent with every turn, Ctrl+C stopping a generation.
// Runs on the calling thread; installs a SIGINT handler while it runs.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/client.h"
#include "cli/client_chat.h"
#include "cli/repl_editor.h"

namespace suanli::cli {

enum class Multiline { kNone, kPrompt, kSystem };

// What the REPL keeps between lines.
struct ReplSession {
  const api::ApiClient* client = nullptr;
  ChatSettings settings;
  nlohmann::json messages = nlohmann::json::array();
  std::string system;  // from /set system
  Multiline multiline = Multiline::kNone;
  std::string buffer;  // the message being assembled
  LineEditor* editor = nullptr;
};

// Loads the model, then reads and answers lines until /bye or Ctrl+D.
// Returns the process exit code.
int RunRepl(const api::ApiClient& client, ChatSettings settings);

enum class SlashResult { kHandled, kExit, kNotCommand };

// Handles a line that starts with "/" (repl_commands.cc). kNotCommand when
// the line is not one of ours.
SlashResult HandleSlashCommand(ReplSession& session, const std::string& line);

// Makes session.buffer the system message (after `/set system """...`):
// replaces a trailing system message or appends one, then clears the buffer.
void CommitSystemMessage(ReplSession& session);

}  // namespace suanli::cli
