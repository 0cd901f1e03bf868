// Ollama's native shapes for a completion: the streamed chunks and the
// final (or whole) object of /api/generate and /api/chat, tool calls with
// object arguments and logprobs. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "server/completion_runner.h"

namespace suanli::server {

// [{"id", "function": {"index", "name", "arguments": {...}}}] from the
// runner's calls (arguments as JSON text; text that does not parse gives {}).
nlohmann::json NativeToolCalls(const nlohmann::json& runner_calls, int first_index = 0);
// [{"token" (text), "logprob", "bytes", "top_logprobs": [...]}].
nlohmann::json NativeLogprobs(const nlohmann::json& entries);

// A streamed chunk (done: false). `tool_index` is the index of the delta's
// first tool call in the answer.
nlohmann::json NativeChunk(const CompletionJob& job, const CompletionDelta& delta, int tool_index);
// The last streamed line, or the whole reply when the job does not stream.
nlohmann::json NativeFinal(const CompletionJob& job, const CompletionResult& result);

}  // namespace suanli::server
