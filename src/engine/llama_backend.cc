#include "engine/llama_backend.h"

#include <mutex>

#include "base/log.h"
#include "llama.h"

namespace suanli::engine {

namespace {
std::mutex g_error_mu;
std::string g_last_error;  // GUARDED_BY(g_error_mu)
std::string g_partial;     // GUARDED_BY(g_error_mu): line being assembled

void LogCallback(ggml_log_level level, const char* text, void*) {
  if (text == nullptr) return;
  std::string line;
  {
    std::lock_guard<std::mutex> lock(g_error_mu);
    g_partial += text;
    if (g_partial.empty() || g_partial.back() != '\n') return;
    line.swap(g_partial);
    line.pop_back();
    if ((level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN) && g_last_error.empty()) g_last_error = line;
  }
  if (line.empty()) return;
  if (level == GGML_LOG_LEVEL_ERROR) {
    LogWarn("llama.cpp: " + line);
  } else if (GetLogLevel() == LogLevel::kDebug) {
    LogDebug("llama.cpp: " + line);
  }
}
}  // namespace

void EnsureLlamaBackend() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(LogCallback, nullptr);
    llama_backend_init();
  });
}

std::string TakeFirstLlamaError() {
  std::lock_guard<std::mutex> lock(g_error_mu);
  std::string e;
  e.swap(g_last_error);
  return e;
}

}  // namespace suanli::engine
