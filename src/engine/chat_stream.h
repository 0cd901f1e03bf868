// ChatStream turns a chat answer that arrives piece by piece into deltas of
// content, thinking and tool calls, by re-parsing the text so far with the
// template's parser (partial mode) after each piece. Content and thinking
// only grow: text the parser later reads differently is not taken back.
// A tool call is sent once, whole (its arguments a complete JSON value),
// with an id "call_" + 8 random [a-z0-9] kept for the final message.
// Not thread-safe: one object per request.
#pragma once

#include <string>
#include <vector>

#include "engine/chat_template.h"

namespace suanli::engine {

struct ChatDelta {
  std::string content;
  std::string thinking;
  std::vector<ToolCall> tool_calls;  // complete calls not sent before
  bool empty() const { return content.empty() && thinking.empty() && tool_calls.empty(); }
};

class ChatStream {
 public:
  // Parses only when `rendered` asks for it (tools offered or thinking on);
  // otherwise every piece is content. `tmpl` and `rendered` must outlive it.
  ChatStream(const ChatTemplate& tmpl, const RenderedChat& rendered);

  bool parsing() const { return parse_; }
  // Adds generated text; returns what is new.
  ChatDelta Push(const std::string& piece);
  // Ends the answer: returns the last delta and sets `*message` to the whole
  // parsed answer (tool call ids as sent).
  ChatDelta Finish(ParsedOutput* message);

 private:
  ChatDelta Diff(ParsedOutput parsed, bool final);

  const ChatTemplate& tmpl_;
  const RenderedChat& rendered_;
  bool parse_ = false;
  std::string text_;
  std::string content_sent_;
  std::string thinking_sent_;
  std::vector<std::string> ids_;  // of the tool calls sent, by index
};

// "call_" + 8 random characters from [a-z0-9].
std::string NewToolCallId();

}  // namespace suanli::engine
