// `suanli show MODEL` and the summary that the REPL's `/show info` prints:
// Ollama's Model / Capabilities / Parameters / System / License sections.
// Pure formatting plus one request; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/client.h"
#include "base/status.h"

namespace suanli::cli {

// The sections rendered from a /api/show response.
std::string FormatShowInfo(const nlohmann::json& show);

// POST /api/show {"model": name}; NotFound becomes "model '<name>' not found".
StatusOr<nlohmann::json> ShowModel(const api::ApiClient& client, const std::string& name);

}  // namespace suanli::cli
