// The OpenAI-compatible layer's replies: chat.completion(.chunk),
// text_completion, embeddings, model objects, usage, tool calls with JSON
// text arguments, logprobs, errors ({"error": {message, type, param, code}})
// and server-sent-event framing. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "server/completion_runner.h"

namespace suanli::server {

// What every object of one response shares.
struct OpenAIResponseInfo {
  std::string id;       // chatcmpl-... or cmpl-...
  int64_t created = 0;  // unix seconds, fixed at the first chunk
  std::string model;
};

// "chatcmpl-" / "cmpl-" plus 24 random [a-zA-Z0-9].
std::string NewOpenAIId(const std::string& prefix);

// HTTP status and body for `status`; `param` names the request field at fault.
int OpenAIHttpStatus(const Status& status);
nlohmann::json OpenAIError(const Status& status, const std::string& param = "");

// `data: <json>\n\n` and the terminating `data: [DONE]\n\n`.
std::string SseEvent(const nlohmann::json& data);
std::string SseDone();

// stop, length, or tool_calls when the answer called tools.
std::string FinishReason(const CompletionResult& result);
nlohmann::json Usage(const CompletionResult& result);
nlohmann::json Usage(int64_t prompt_tokens, int64_t completion_tokens);

// [{"index", "id", "type": "function", "function": {"name", "arguments" (text)}}]
// from the runner's calls; `first_index` numbers them within the answer.
nlohmann::json OpenAIToolCalls(const nlohmann::json& runner_calls, int first_index = 0);
// Chat logprobs: {"content": [{token, logprob, bytes, top_logprobs}]}.
nlohmann::json ChatLogprobs(const nlohmann::json& entries);
// Completions logprobs: {tokens, token_logprobs, top_logprobs, text_offset}.
nlohmann::json CompletionLogprobs(const nlohmann::json& entries, size_t text_offset);

// /v1/chat/completions: the whole reply, a delta chunk, the finish chunk and
// the usage chunk. `logprobs` < 0 leaves them out.
nlohmann::json ChatCompletion(const OpenAIResponseInfo& info, const CompletionResult& result, int logprobs);
nlohmann::json ChatChunk(const OpenAIResponseInfo& info, const CompletionDelta& delta, int tool_index, int logprobs);
nlohmann::json ChatFinishChunk(const OpenAIResponseInfo& info, const std::string& finish_reason);
nlohmann::json UsageChunk(const OpenAIResponseInfo& info, const char* object, const nlohmann::json& usage);

// /v1/completions: one choice of the whole reply, a text chunk, the finish chunk.
nlohmann::json CompletionChoice(const CompletionResult& result, int index, int logprobs);
nlohmann::json TextCompletion(const OpenAIResponseInfo& info, const nlohmann::json& choices,
                              const nlohmann::json& usage);
nlohmann::json TextChunk(const OpenAIResponseInfo& info, int index, const std::string& text,
                         const nlohmann::json& finish, const nlohmann::json& logprobs = nullptr);

// /v1/embeddings: vectors as float lists or base64 of little-endian float32.
nlohmann::json EmbeddingList(const std::string& model, const std::vector<std::vector<float>>& vectors, bool base64,
                             int64_t prompt_tokens);
std::string Base64Floats(const std::vector<float>& v);

}  // namespace suanli::server
