// Shared plumbing of the client commands (`run`, `list`, `ps`, ...): the
// server address from SUANLI_HOST / OLLAMA_HOST, SUANLI_HOME, terminal
// queries and the one way errors are printed. Thread-safe (reads only).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/client.h"
#include "base/status.h"

namespace suanli::cli {

// The variable's value trimmed of spaces and surrounding quotes; "" if unset.
std::string EnvValue(const char* name);
// Ollama's envconfig.Bool: unset or empty is false; "1", "true", ... true;
// "0", "false", ... false; anything else true.
bool EnvFlag(const char* name);

// Client settings: SUANLI_HOST, else OLLAMA_HOST, else 127.0.0.1:11434.
api::ClientOptions ClientOptionsFromEnv();
api::ApiClient ClientFromEnv();

// $SUANLI_HOME, else ~/.suanli (not created here).
std::string SuanliHome();

// Prints "Error: <message>" to stderr and returns the exit code 1.
int PrintError(const Status& status);

// Reading server replies without exceptions: the field, or null / "" / 0
// when `object` is not an object, lacks `key`, or holds another type.
const nlohmann::json& JsonField(const nlohmann::json& object, const char* key);
std::string JsonString(const nlohmann::json& object, const char* key);
int64_t JsonInt(const nlohmann::json& object, const char* key);

bool IsTerminal(int fd);
// Columns of the terminal on stdout, 0 when stdout is not a terminal.
int TerminalWidth();

}  // namespace suanli::cli
