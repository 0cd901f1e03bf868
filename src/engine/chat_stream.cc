#include "engine/chat_stream.h"

#include <nlohmann/json.hpp>
#include <random>

namespace suanli::engine {

namespace {

// A call's arguments are complete once they are a whole JSON value (an
// object closes with its last brace; partial text does not parse).
bool Complete(const ToolCall& call) {
  if (call.name.empty()) return false;
  return !nlohmann::json::parse(call.arguments, nullptr, false).is_discarded();
}

// What `now` adds to `sent`, when it only grew.
std::string Grown(std::string* sent, const std::string& now) {
  if (now.size() <= sent->size() || now.compare(0, sent->size(), *sent) != 0) return "";
  std::string delta = now.substr(sent->size());
  *sent = now;
  return delta;
}

}  // namespace

std::string NewToolCallId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id = "call_";
  for (int i = 0; i < 8; ++i) id += kChars[rng() % 36];
  return id;
}

ChatStream::ChatStream(const ChatTemplate& tmpl, const RenderedChat& rendered)
    : tmpl_(tmpl),
      rendered_(rendered),
      parse_(tmpl.has_template() && (rendered.parse_tool_calls || rendered.thinking)) {}

ChatDelta ChatStream::Push(const std::string& piece) {
  if (piece.empty()) return {};
  text_ += piece;
  if (!parse_) {
    content_sent_ += piece;
    return ChatDelta{piece, "", {}};
  }
  return Diff(tmpl_.Parse(rendered_, text_, /*partial=*/true), false);
}

ChatDelta ChatStream::Finish(ParsedOutput* message) {
  if (!parse_) {
    *message = ParsedOutput{text_, "", {}};
    return {};
  }
  ParsedOutput parsed = tmpl_.Parse(rendered_, text_, /*partial=*/false);
  ChatDelta delta = Diff(parsed, true);
  for (size_t i = 0; i < parsed.tool_calls.size() && i < ids_.size(); ++i) parsed.tool_calls[i].id = ids_[i];
  *message = std::move(parsed);
  return delta;
}

ChatDelta ChatStream::Diff(ParsedOutput parsed, bool final) {
  ChatDelta d;
  d.thinking = Grown(&thinking_sent_, parsed.thinking);
  d.content = Grown(&content_sent_, parsed.content);
  for (size_t i = ids_.size(); i < parsed.tool_calls.size(); ++i) {
    ToolCall& call = parsed.tool_calls[i];
    const bool done = final || i + 1 < parsed.tool_calls.size() || Complete(call);
    if (!done) break;
    if (call.id.empty()) call.id = NewToolCallId();
    ids_.push_back(call.id);
    d.tool_calls.push_back(call);
  }
  return d;
}

}  // namespace suanli::engine
