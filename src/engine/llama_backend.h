// Process-wide llama.cpp set-up: backend initialisation (once) and routing of
// llama.cpp's log into ours, remembering the last error line so that load
// failures can be turned into clear Status messages. Thread-safe.
#pragma once

#include <string>

namespace suanli::engine {

// Initialises the llama.cpp backend once per process; later calls do nothing.
void EnsureLlamaBackend();

// Last error or warning line llama.cpp logged (empty if none), then clears it.
std::string TakeLastLlamaError();

}  // namespace suanli::engine
