// The OpenAI-compatible layer's requests: /v1/chat/completions,
// /v1/completions and /v1/embeddings bodies checked and translated into the
// native /api/chat, /api/generate and /api/embed bodies they stand for.
// Errors are InvalidArgument with the offending field in `param` (OpenAI's
// error.param). Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace suanli::server {

// A translated request. `native` is the body for the native path; a
// completions request with a list of prompts gives one body per prompt.
// Bodies keep the key order of the request (JSON schemas).
struct OpenAIRequest {
  std::vector<nlohmann::ordered_json> native;
  std::string model;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  int logprobs = -1;           // -1 off, else how many alternatives per token
};

// Sets `*param` (when not null) on failure.
StatusOr<OpenAIRequest> ChatRequestFromOpenAI(const nlohmann::ordered_json& body, std::string* param);
StatusOr<OpenAIRequest> CompletionRequestFromOpenAI(const nlohmann::ordered_json& body, std::string* param);

struct EmbeddingRequest {
  nlohmann::ordered_json native;  // /api/embed body
  bool base64 = false;    // encoding_format
};
StatusOr<EmbeddingRequest> EmbeddingRequestFromOpenAI(const nlohmann::ordered_json& body, std::string* param);

}  // namespace suanli::server
