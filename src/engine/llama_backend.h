// Process-wide llama.cpp set-up: backend initialisation (once) and routing of
// llama.cpp's log into ours, remembering the last error line so that load
// failures can be turned into clear Status messages. Thread-safe.
#pragma once

#include <string>

namespace suanli::engine {

// Initialises the llama.cpp backend once per process; later calls do nothing.
void EnsureLlamaBackend();

// First error or warning line llama.cpp logged since the previous call (the
// cause, not the follow-up "failed to load" lines), then clears it.
std::string TakeFirstLlamaError();

}  // namespace suanli::engine
