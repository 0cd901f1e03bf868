#include "cli/client_chat.h"

#include <unistd.h>

#include <cstdio>

#include "cli/client_common.h"
#include "cli/client_display.h"
#include "cli/client_format.h"
#include "cli/progress_bar.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

constexpr const char* kGrey = "\x1b[38;5;245m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDefault = "\x1b[0m";

}  // namespace

json ChatRequestBody(const ChatSettings& settings, const json& messages) {
  json body = {{"model", settings.model}, {"messages", messages}, {"stream", true}};
  if (!settings.options.empty()) body["options"] = settings.options;
  if (!settings.format.empty()) body["format"] = settings.format;
  if (!settings.keep_alive.is_null()) body["keep_alive"] = settings.keep_alive;
  if (!settings.think.is_null()) body["think"] = settings.think;
  if (!settings.rag.is_null()) body["rag"] = settings.rag;
  return body;
}

void PrintCitations(const json& citations) {
  if (!citations.is_array() || citations.empty()) return;
  std::printf("Sources:\n");
  int number = 0;
  for (const json& c : citations) {
    ++number;
    std::printf("[%d] %s (characters %lld-%lld, chunk %lld, score %.4f)\n", number, JsonString(c, "source").c_str(),
                static_cast<long long>(JsonInt(c, "start")), static_cast<long long>(JsonInt(c, "end")),
                static_cast<long long>(JsonInt(c, "chunk_id")),
                JsonField(c, "score").is_number() ? JsonField(c, "score").get<double>() : 0.0);
  }
  std::printf("\n");
  std::fflush(stdout);
}

ChatOutcome StreamChat(const api::ApiClient& client, const ChatSettings& settings, const json& messages,
                       const std::atomic<bool>* cancel) {
  const bool color = IsTerminal(STDOUT_FILENO);
  ResponseWriter writer(settings.word_wrap, TerminalWidth());
  Spinner spinner;
  std::string content;
  std::string thinking;
  bool thinking_open = false;
  json last;

  auto on_line = [&](const json& chunk) {
    last = chunk;
    const json& message = JsonField(chunk, "message");
    const std::string piece = JsonString(message, "content");
    const std::string thought = JsonString(message, "thinking");
    if (!piece.empty() || !settings.hide_thinking) spinner.Stop();
    if (!thought.empty() && !settings.hide_thinking) {
      if (!thinking_open && thinking.empty()) {
        std::printf(
            "%s", color ? (std::string(kGrey) + kBold + "Thinking...\n" + kDefault + kGrey).c_str() : "Thinking...\n");
        thinking_open = true;
      }
      thinking += thought;
      writer.Write(thought);
    }
    if (thinking_open && (!piece.empty() || !JsonField(message, "tool_calls").is_null())) {
      if (!writer.AtLineStart()) std::printf("\n");
      std::printf("%s", color ? (std::string(kGrey) + kBold + "...done thinking.\n\n" + kDefault).c_str()
                              : "...done thinking.\n\n");
      thinking_open = false;
      writer.Reset();
    }
    content += piece;
    writer.Write(piece);
    return true;
  };

  ChatOutcome outcome;
  outcome.status = client.PostStream("/api/chat", ChatRequestBody(settings, messages), on_line, cancel);
  spinner.Stop();
  if (thinking_open && color) std::printf("%s", kDefault);
  outcome.assistant = {{"role", "assistant"}, {"content", content}};
  if (outcome.status.ok()) {
    std::printf("\n\n");  // as Ollama, whatever the content ended with
    std::fflush(stdout);
  } else if (outcome.status.code() == StatusCode::kCancelled && (!content.empty() || !thinking.empty())) {
    std::printf(writer.AtLineStart() ? "\n" : "\n\n");
    std::fflush(stdout);
  } else if (!writer.AtLineStart()) {
    std::printf("\n");
    std::fflush(stdout);
  }
  if (outcome.status.ok()) PrintCitations(JsonField(last, "citations"));
  if (outcome.status.ok() && settings.verbose) {
    std::fprintf(stderr, "%s", TimingSummary(last).c_str());
  }
  return outcome;
}

Status LoadModel(const api::ApiClient& client, const ChatSettings& settings, const std::atomic<bool>* cancel) {
  Spinner spinner;
  return client.PostStream(
      "/api/chat", ChatRequestBody(settings, json::array()), [](const json&) { return true; }, cancel);
}

}  // namespace suanli::cli
