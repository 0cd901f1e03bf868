// One chat turn against POST /api/chat, printed as it streams: thinking in
// grey between "Thinking..." and "...done thinking.", content word-wrapped,
// the --verbose timing block on stderr. Shared by `suanli run` and the REPL.
// Not thread-safe (writes to stdout); `cancel` may be set from a signal.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "api/client.h"
#include "base/status.h"

namespace suanli::cli {

struct ChatSettings {
  std::string model;
  nlohmann::json options = nlohmann::json::object();  // sent when not empty
  std::string format;                                 // "" or "json"
  nlohmann::json keep_alive;                          // null: not sent
  nlohmann::json think;                               // null: not sent; bool or "low"/"medium"/"high"
  nlohmann::json rag;                                 // null: not sent; {"collection", "k", ...}
  bool hide_thinking = false;
  bool word_wrap = false;
  bool verbose = false;
};

struct ChatOutcome {
  // OK, Cancelled (interrupted; `assistant` holds what arrived), or an error.
  Status status;
  nlohmann::json assistant;  // {"role": "assistant", "content": ...}
};

// Prints the "Sources:" list of a grounded answer's citations (nothing when
// there are none).
void PrintCitations(const nlohmann::json& citations);

// The request body for a turn (exposed for the REPL's load request).
nlohmann::json ChatRequestBody(const ChatSettings& settings, const nlohmann::json& messages);

// Streams one turn for `messages` and prints it, followed by a blank line.
ChatOutcome StreamChat(const api::ApiClient& client, const ChatSettings& settings, const nlohmann::json& messages,
                       const std::atomic<bool>* cancel);

// Loads the model (a chat request without messages) behind a spinner.
Status LoadModel(const api::ApiClient& client, const ChatSettings& settings, const std::atomic<bool>* cancel);

}  // namespace suanli::cli
