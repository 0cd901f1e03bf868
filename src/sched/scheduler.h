// Scheduler: which models are resident, and who may use them. One runner
// process per loaded model, started on first use and loaded one at a time;
// a Lease holds one of its slots. Idle runners end after their keep-alive;
// the least recently used idle runner is evicted at SUANLI_MAX_LOADED_MODELS;
// at most `max_queue` requests wait (then ResourceExhausted, "server busy").
// A request that sets load-time options different from the loaded runner's
// reloads it; one that does not never does. A runner that dies is dropped and
// the next request starts a fresh one.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "engine/options.h"
#include "runner/runner_client.h"

namespace suanli::sched {

struct SchedulerOptions {
  std::string runtime_dir;        // private folder for runner sockets and logs
  std::string runner_executable;  // the suanli binary ("" = this process's)
  int64_t default_keep_alive_ns = 5LL * 60 * 1000000000;
  int num_parallel = 0;           // 0 = automatic (4, 2 or 1 by memory)
  int max_loaded_models = 3;
  int max_queue = 512;
  int64_t load_timeout_ns = 5LL * 60 * 1000000000;
  int flash_attention = -1;       // -1 auto, 0 off, 1 on
  std::string kv_cache_type = "f16";
};

struct ModelSpec {
  std::string name;    // display name, as /api/ps shows it
  std::string digest;  // manifest digest
  std::string path;    // GGUF file
  std::vector<std::string> adapters;  // LoRA GGUF files, in order
  nlohmann::json details = nlohmann::json::object();
  engine::LoadOptions load;
  bool load_options_explicit = false;  // the request itself set a load-time option

  // The runner key: one runner per model file and adapter set.
  std::string RunnerKey() const;
};

struct LoadedModel {
  std::string name, digest, path;
  nlohmann::json details;
  uint64_t size_bytes = 0;
  int context_length = 0;
  int slots = 0;
  int in_use = 0;
  int pid = 0;
  std::chrono::system_clock::time_point expires_at;  // far future when kept forever
};

class Scheduler;
struct RunnerEntry;

// One slot of a loaded runner, held for one request.
class Lease {
 public:
  ~Lease();
  const runner::RunnerClient& client() const;
  const nlohmann::json& health() const;  // the runner's /health reply
  int64_t load_duration_ns() const { return load_duration_ns_; }
  // The runner failed this request (e.g. it died): drop it so that the next
  // request starts a fresh one.
  void ReportFailure();

 private:
  friend class Scheduler;
  Lease(Scheduler* s, std::shared_ptr<RunnerEntry> e, int64_t load_ns)
      : scheduler_(s), entry_(std::move(e)), load_duration_ns_(load_ns) {}
  Scheduler* scheduler_;
  std::shared_ptr<RunnerEntry> entry_;
  int64_t load_duration_ns_;
};

class Scheduler {
 public:
  explicit Scheduler(SchedulerOptions options);
  ~Scheduler();  // Shutdown()

  // Waits for the model's runner (starting it if needed) and a free slot.
  // `keep_alive_ns`: nullopt keeps the runner's setting (default for a new
  // one); negative = forever; 0 = end the runner once idle. `cancelled` is
  // polled while waiting (client gone: Cancelled "request canceled").
  StatusOr<std::unique_ptr<Lease>> Acquire(const ModelSpec& spec, std::optional<int64_t> keep_alive_ns,
                                           const std::function<bool()>& cancelled);
  // Ends the runner of `path` with `adapters` (now if idle, else when its
  // requests finish). Returns false when it was not loaded.
  bool Unload(const std::string& path, const std::vector<std::string>& adapters = {});
  std::vector<LoadedModel> List() const;
  // Ends every runner and refuses new requests.
  void Shutdown();

 private:
  friend class Lease;
  void Release(const std::shared_ptr<RunnerEntry>& entry);
  void ReaperLoop();
  // Removes `entry` from the table; the caller ends its process outside mu_.
  void DetachLocked(const std::shared_ptr<RunnerEntry>& entry);
  StatusOr<std::shared_ptr<RunnerEntry>> StartRunner(const ModelSpec& spec);

  const SchedulerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<RunnerEntry>> runners_;  // by RunnerKey(); GUARDED_BY(mu_)
  std::vector<std::shared_ptr<RunnerEntry>> to_end_;             // GUARDED_BY(mu_)
  int pending_ = 0;                                              // GUARDED_BY(mu_)
  bool loading_ = false;                                         // GUARDED_BY(mu_)
  bool stopping_ = false;                                        // GUARDED_BY(mu_)
  uint64_t use_clock_ = 0;                                       // GUARDED_BY(mu_)
  std::thread reaper_;
};

}  // namespace suanli::sched
