#include "cli/serve_config.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include "api/host.h"
#include "base/duration.h"
#include "cli/version.h"

namespace suanli::cli {

namespace {

// SUANLI_<name>, else OLLAMA_<name>; trimmed of spaces and quotes. An empty
// value counts as unset.
std::string Setting(const char* name) {
  for (const char* prefix : {"SUANLI_", "OLLAMA_"}) {
    const char* v = std::getenv((std::string(prefix) + name).c_str());
    if (v == nullptr) continue;
    std::string value = api::TrimSettingValue(v);
    if (!value.empty()) return value;
  }
  return "";
}

StatusOr<int> IntSetting(const char* name, int fallback, int min) {
  const std::string v = Setting(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (*end != '\0' || n < min || n > 1 << 24) {
    return InvalidArgumentError(std::string("SUANLI_") + name + " must be an integer >= " + std::to_string(min));
  }
  return static_cast<int>(n);
}

// Seconds as a number, or a Go duration; negative = forever.
StatusOr<int64_t> DurationSetting(const char* name, int64_t fallback) {
  const std::string v = Setting(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  double secs = std::strtod(v.c_str(), &end);
  if (*end == '\0') return secs < 0 ? int64_t{-1} : static_cast<int64_t>(secs * 1e9);
  auto ns = ParseGoDuration(v);
  if (!ns.ok()) return InvalidArgumentError(std::string("SUANLI_") + name + ": " + ns.status().message());
  return *ns < 0 ? int64_t{-1} : *ns;
}

// A size in bytes: a number with an optional unit, in any case: B, KB, MB,
// GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024); "10GB",
// "512 MiB", "1.5GB", "1048576". Must be at least one byte.
StatusOr<uint64_t> ByteSizeSetting(const char* name, uint64_t fallback) {
  const std::string v = Setting(name);
  if (v.empty()) return fallback;
  const Status bad = InvalidArgumentError(std::string("SUANLI_") + name +
                                          " must be a size in bytes, optionally with a unit (e.g. 500MB, 20GB, 1GiB)");
  if (!std::isdigit(static_cast<unsigned char>(v[0]))) return bad;
  char* end = nullptr;
  const double number = std::strtod(v.c_str(), &end);
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(' '));
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1},      {"b", 1},        {"kb", 1e3},        {"mb", 1e6},           {"gb", 1e9},
      {"tb", 1e12}, {"kib", 1024.0}, {"mib", 1048576.0}, {"gib", 1073741824.0}, {"tib", 1099511627776.0}};
  for (const auto& [suffix, scale] : kUnits) {
    if (unit != suffix) continue;
    const double bytes = number * scale;
    if (!(bytes >= 1) || bytes > 1.8e19) return bad;
    return static_cast<uint64_t>(bytes);
  }
  return bad;
}

// "1TiB", "500MB" when the size is a whole number of a unit, else bytes.
std::string FormatByteSize(uint64_t bytes) {
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"TiB", 1ull << 40}, {"TB", 1000000000000ull}, {"GiB", 1ull << 30}, {"GB", 1000000000ull},
      {"MiB", 1ull << 20}, {"MB", 1000000ull},       {"KiB", 1ull << 10}, {"KB", 1000ull}};
  for (const auto& [unit, scale] : kUnits) {
    if (bytes >= scale && bytes % scale == 0) return std::to_string(bytes / scale) + unit;
  }
  return std::to_string(bytes);
}

bool BoolSetting(const char* name) {
  const std::string v = Setting(name);
  return v == "1" || v == "true" || v == "TRUE" || v == "True";
}

std::string Home() {
  const char* home = std::getenv("HOME");
  return home ? home : "/tmp";
}

}  // namespace

StatusOr<ServeConfig> LoadServeConfig() {
  ServeConfig c;
  const char* home = std::getenv("SUANLI_HOME");
  c.home = home && *home ? api::TrimSettingValue(home) : Home() + "/.suanli";
  c.store.root = Setting("MODELS");
  if (c.store.root.empty()) c.store.root = c.home + "/models";
  c.store.prune = !BoolSetting("NOPRUNE");
  c.server.pull.prune = c.store.prune;
  ASSIGN_OR_RETURN(c.store.max_blob_bytes, ByteSizeSetting("MAX_BLOB_SIZE", c.store.max_blob_bytes));
  c.server.pull.limits.max_blob_bytes = c.store.max_blob_bytes;
  c.server.pull.user_agent = std::string("suanli/") + kVersion + " (linux)";
  const std::string part = Setting("PULL_PART_SIZE");
  if (!part.empty()) {
    char* end = nullptr;
    const unsigned long long bytes = std::strtoull(part.c_str(), &end, 10);
    if (*end != '\0' || bytes == 0 || part[0] == '-') {
      return InvalidArgumentError("SUANLI_PULL_PART_SIZE must be a number of bytes > 0");
    }
    c.server.pull.download.min_part_bytes = bytes;
    c.server.pull.download.max_part_bytes = std::max<uint64_t>(bytes, c.server.pull.download.max_part_bytes);
  }
  ASSIGN_OR_RETURN(int64_t stall_ns, DurationSetting("PULL_STALL_TIMEOUT", 30LL * 1000000000));
  if (stall_ns < 1000000000) return InvalidArgumentError("SUANLI_PULL_STALL_TIMEOUT must be at least 1s");
  c.server.pull.download.stall_timeout_s = static_cast<int>(std::min<int64_t>(stall_ns / 1000000000, 3600));

  const api::HostAddress host = api::ParseServerHost(Setting("HOST"));
  c.server.host = host.host;
  c.server.port = host.port;
  c.server.version = kVersion;
  ASSIGN_OR_RETURN(c.server.defaults.num_ctx, IntSetting("CONTEXT_LENGTH", 4096, 0));
  if (c.server.defaults.num_ctx == 0) c.server.defaults.num_ctx = 4096;

  c.sched.runtime_dir = c.home + "/run";
  ASSIGN_OR_RETURN(c.sched.default_keep_alive_ns, DurationSetting("KEEP_ALIVE", 5LL * 60 * 1000000000));
  ASSIGN_OR_RETURN(c.sched.num_parallel, IntSetting("NUM_PARALLEL", 0, 0));
  ASSIGN_OR_RETURN(c.sched.max_loaded_models, IntSetting("MAX_LOADED_MODELS", 3, 0));
  if (c.sched.max_loaded_models == 0) c.sched.max_loaded_models = 3;
  ASSIGN_OR_RETURN(c.sched.max_queue, IntSetting("MAX_QUEUE", 512, 0));
  ASSIGN_OR_RETURN(c.sched.load_timeout_ns, DurationSetting("LOAD_TIMEOUT", 5LL * 60 * 1000000000));
  const std::string fa = Setting("FLASH_ATTENTION");
  c.sched.flash_attention = fa.empty() ? -1 : (BoolSetting("FLASH_ATTENTION") ? 1 : 0);
  c.sched.kv_cache_type = Setting("KV_CACHE_TYPE");
  if (c.sched.kv_cache_type.empty()) c.sched.kv_cache_type = "f16";
  if (c.sched.kv_cache_type != "f16" && c.sched.kv_cache_type != "q8_0" && c.sched.kv_cache_type != "q4_0") {
    return InvalidArgumentError("SUANLI_KV_CACHE_TYPE must be f16, q8_0 or q4_0");
  }
  c.rag.root = c.home + "/rag";
  int hnsw_threshold = 0;
  ASSIGN_OR_RETURN(hnsw_threshold, IntSetting("RAG_HNSW_THRESHOLD", 50000, 0));
  c.rag.hnsw_threshold = static_cast<size_t>(hnsw_threshold);
  int max_document_mb = 0;
  ASSIGN_OR_RETURN(max_document_mb, IntSetting("RAG_MAX_DOCUMENT_MB", 64, 1));
  c.server.rag.max_document_bytes = static_cast<uint64_t>(max_document_mb) << 20;
  int64_t url_timeout_ns = 0;
  ASSIGN_OR_RETURN(url_timeout_ns, DurationSetting("RAG_URL_TIMEOUT", 30LL * 1000000000));
  if (url_timeout_ns <= 0) return InvalidArgumentError("SUANLI_RAG_URL_TIMEOUT must be positive");
  c.server.rag.url_timeout_s = static_cast<int>(std::max<int64_t>(1, url_timeout_ns / 1000000000));
  c.server.rag.allow_private_urls = BoolSetting("RAG_ALLOW_PRIVATE_URLS");

  const std::string debug = Setting("DEBUG");
  c.debug = !debug.empty() && debug != "0" && debug != "false";
  return c;
}

std::vector<std::string> DescribeServeConfig(const ServeConfig& c) {
  auto secs = [](int64_t ns) { return ns < 0 ? std::string("forever") : FormatGoDuration(ns); };
  auto row = [](const std::string& name, const std::string& value, const std::string& what) {
    std::string padded = name;
    padded.resize(std::max<size_t>(padded.size(), 26), ' ');
    std::string v = value;
    v.resize(std::max<size_t>(v.size(), 28), ' ');
    return padded + v + what;
  };
  return {
      row("SUANLI_HOST", c.server.host + ":" + std::to_string(c.server.port), "address to listen on"),
      row("SUANLI_HOME", c.home, "state other than models (runner sockets, history)"),
      row("SUANLI_MODELS", c.store.root, "model store (Ollama's layout)"),
      row("SUANLI_KEEP_ALIVE", secs(c.sched.default_keep_alive_ns), "how long an idle model stays loaded"),
      row("SUANLI_NUM_PARALLEL", c.sched.num_parallel ? std::to_string(c.sched.num_parallel) : "auto",
          "parallel requests per model"),
      row("SUANLI_MAX_LOADED_MODELS", std::to_string(c.sched.max_loaded_models), "models loaded at once"),
      row("SUANLI_MAX_QUEUE", std::to_string(c.sched.max_queue), "requests waiting before 503"),
      row("SUANLI_CONTEXT_LENGTH", std::to_string(c.server.defaults.num_ctx), "default num_ctx"),
      row("SUANLI_FLASH_ATTENTION", c.sched.flash_attention < 0 ? "auto" : (c.sched.flash_attention ? "1" : "0"),
          "flash attention"),
      row("SUANLI_KV_CACHE_TYPE", c.sched.kv_cache_type, "KV cache type (f16, q8_0, q4_0)"),
      row("SUANLI_LOAD_TIMEOUT", secs(c.sched.load_timeout_ns), "give up loading a model after"),
      row("SUANLI_NOPRUNE", c.store.prune ? "false" : "true", "keep unreferenced blobs"),
      row("SUANLI_MAX_BLOB_SIZE", FormatByteSize(c.store.max_blob_bytes),
          "largest blob an upload or pull may store (bytes, or with KB/MB/GB/TB, KiB/MiB/GiB/TiB)"),
      row("SUANLI_PULL_PART_SIZE", std::to_string(c.server.pull.download.min_part_bytes),
          "smallest part of a parallel download (bytes)"),
      row("SUANLI_PULL_STALL_TIMEOUT", FormatGoDuration(c.server.pull.download.stall_timeout_s * 1000000000LL),
          "retry a download part after this long without data"),
      row("SUANLI_RAG_MAX_DOCUMENT_MB", std::to_string(c.server.rag.max_document_bytes >> 20),
          "largest document a RAG collection accepts"),
      row("SUANLI_RAG_URL_TIMEOUT", std::to_string(c.server.rag.url_timeout_s) + "s",
          "give up fetching a document URL after this long without data"),
      row("SUANLI_RAG_ALLOW_PRIVATE_URLS", c.server.rag.allow_private_urls ? "true" : "false",
          "fetch document URLs on loopback and private addresses"),
      row("SUANLI_RAG_HNSW_THRESHOLD", std::to_string(c.rag.hnsw_threshold),
          "chunks from which a collection uses an HNSW index"),
      row("SUANLI_DEBUG", c.debug ? "1" : "0", "debug logging"),
  };
}

}  // namespace suanli::cli
