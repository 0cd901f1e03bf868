#include "sched/scheduler.h"

#include <algorithm>

#include "base/log.h"
#include "runner/runner_process.h"
#include "sched/memory_estimate.h"

namespace suanli::sched {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

struct RunnerEntry {
  ModelSpec spec;  // as loaded
  std::unique_ptr<runner::RunnerProcess> process;
  json health;
  int slots = 1;
  int in_use = 0;
  int64_t keep_alive_ns = 0;
  Clock::time_point idle_since = Clock::now();
  bool failed = false;
  bool ending = false;  // no new leases; ended when idle
  uint64_t last_used = 0;
  uint64_t size_bytes = 0;
};

namespace {
constexpr const char* kBusy = "server busy, please try again.  maximum pending requests exceeded";

bool Expired(const RunnerEntry& e, Clock::time_point now) {
  if (e.in_use > 0 || e.keep_alive_ns < 0) return false;
  return now - e.idle_since >= std::chrono::nanoseconds(e.keep_alive_ns);
}
}  // namespace

std::string ModelSpec::RunnerKey() const {
  std::string key = path;
  for (const auto& a : adapters) key += '\n' + a;  // '\n' never occurs in our paths
  return key;
}

Lease::~Lease() { scheduler_->Release(entry_); }
const runner::RunnerClient& Lease::client() const { return entry_->process->client(); }
const json& Lease::health() const { return entry_->health; }
void Lease::ReportFailure() {
  std::lock_guard<std::mutex> lock(scheduler_->mu_);
  entry_->failed = true;
}

Scheduler::Scheduler(SchedulerOptions options) : options_(std::move(options)) {
  reaper_ = std::thread([this] { ReaperLoop(); });
}

Scheduler::~Scheduler() { Shutdown(); }

void Scheduler::DetachLocked(const std::shared_ptr<RunnerEntry>& entry) {
  auto it = runners_.find(entry->spec.RunnerKey());
  if (it != runners_.end() && it->second == entry) runners_.erase(it);
  entry->ending = true;
  to_end_.push_back(entry);
  cv_.notify_all();
}

StatusOr<std::shared_ptr<RunnerEntry>> Scheduler::StartRunner(const ModelSpec& spec) {
  const ModelFootprint fp = EstimateFootprint(spec.path);
  int parallel = options_.num_parallel > 0 ? options_.num_parallel
                                           : AutoParallel(fp, spec.load.num_ctx, AvailableMemoryBytes());
  if (fp.embedding) parallel = 1;
  runner::RunnerSpawnOptions so;
  so.executable = options_.runner_executable;
  so.model_path = spec.path;
  so.adapters = spec.adapters;
  so.runtime_dir = options_.runtime_dir;
  so.load_timeout_ms = static_cast<int>(std::min<int64_t>(options_.load_timeout_ns / 1000000, INT32_MAX));
  if (so.load_timeout_ms <= 0) so.load_timeout_ms = INT32_MAX;
  so.extra_args = {"--ctx-size", std::to_string(spec.load.num_ctx), "--parallel", std::to_string(parallel),
                   "--batch-size", std::to_string(spec.load.num_batch), "--threads", std::to_string(spec.load.num_thread),
                   "--num-gpu", std::to_string(spec.load.num_gpu), "--flash-attn", std::to_string(options_.flash_attention),
                   "--kv-cache-type", options_.kv_cache_type};
  if (GetLogLevel() == LogLevel::kDebug) so.extra_args.push_back("--debug");
  LogInfo("loading model " + spec.name + " (" + std::to_string(parallel) + " slots, num_ctx " +
          std::to_string(spec.load.num_ctx) + ")");
  ASSIGN_OR_RETURN(auto process, runner::RunnerProcess::Start(so));
  auto health = process->client().Health();
  if (!health.ok()) return health.status();
  auto entry = std::make_shared<RunnerEntry>();
  entry->spec = spec;
  entry->health = *health;
  entry->slots = std::max(1, health->value("slots", 1));
  entry->size_bytes = fp.file_bytes + fp.kv_bytes_per_token * static_cast<uint64_t>(health->value("context_per_slot", 0)) *
                                          static_cast<uint64_t>(entry->slots);
  entry->keep_alive_ns = options_.default_keep_alive_ns;
  entry->process = std::move(process);
  return entry;
}

StatusOr<std::unique_ptr<Lease>> Scheduler::Acquire(const ModelSpec& spec, std::optional<int64_t> keep_alive_ns,
                                                     const std::function<bool()>& cancelled) {
  const auto start = Clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return UnavailableError("the server is shutting down");
  if (pending_ >= options_.max_queue) return ResourceExhaustedError(kBusy);
  ++pending_;
  const std::string key = spec.RunnerKey();
  struct PendingGuard {
    int& n;
    ~PendingGuard() { --n; }
  } guard{pending_};

  while (true) {
    if (stopping_) return UnavailableError("the server is shutting down");
    if (cancelled && cancelled()) return CancelledError("request canceled");
    auto it = runners_.find(key);
    std::shared_ptr<RunnerEntry> entry = it == runners_.end() ? nullptr : it->second;
    if (entry && (entry->failed || !entry->process->Alive())) {
      if (entry->in_use == 0) DetachLocked(entry);
      entry = nullptr;
    }
    if (entry && spec.load_options_explicit && !(entry->spec.load == spec.load) && !entry->ending) {
      entry->ending = true;  // reload with the new options once its requests finish
      if (entry->in_use == 0) DetachLocked(entry);
      entry = nullptr;
    }
    if (entry && !entry->ending && entry->in_use < entry->slots) {
      entry->in_use++;
      entry->last_used = ++use_clock_;
      if (keep_alive_ns) entry->keep_alive_ns = *keep_alive_ns;
      const int64_t waited = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
      return std::unique_ptr<Lease>(new Lease(this, entry, waited));
    }
    const bool present = runners_.count(key) > 0;
    if (!present && !loading_) {
      // Make room: at the limit, end the least recently used idle runner.
      if (static_cast<int>(runners_.size()) >= options_.max_loaded_models) {
        std::shared_ptr<RunnerEntry> victim;
        for (auto& [path, e] : runners_) {
          if (e->in_use == 0 && (!victim || e->last_used < victim->last_used)) victim = e;
        }
        if (victim) DetachLocked(victim);
      }
      if (static_cast<int>(runners_.size()) < options_.max_loaded_models) {
        loading_ = true;
        lock.unlock();
        auto started = StartRunner(spec);
        lock.lock();
        loading_ = false;
        cv_.notify_all();
        if (!started.ok()) return started.status();
        if (stopping_) {
          to_end_.push_back(*started);
          return UnavailableError("the server is shutting down");
        }
        if (keep_alive_ns) (*started)->keep_alive_ns = *keep_alive_ns;
        runners_[key] = *started;
        continue;
      }
    }
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void Scheduler::Release(const std::shared_ptr<RunnerEntry>& entry) {
  std::vector<std::shared_ptr<RunnerEntry>> ending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entry->in_use--;
    entry->idle_since = Clock::now();
    if (entry->in_use == 0 && (entry->failed || entry->ending || entry->keep_alive_ns == 0)) DetachLocked(entry);
    ending.swap(to_end_);
    cv_.notify_all();
  }
  for (auto& e : ending) e->process->Terminate();
}

bool Scheduler::Unload(const std::string& path, const std::vector<std::string>& adapters) {
  ModelSpec spec;
  spec.path = path;
  spec.adapters = adapters;
  std::vector<std::shared_ptr<RunnerEntry>> ending;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runners_.find(spec.RunnerKey());
    if (it != runners_.end()) {
      found = true;
      auto entry = it->second;
      entry->keep_alive_ns = 0;
      entry->ending = true;
      if (entry->in_use == 0) DetachLocked(entry);
    }
    ending.swap(to_end_);
  }
  for (auto& e : ending) e->process->Terminate();
  return found;
}

std::vector<LoadedModel> Scheduler::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<LoadedModel> out;
  const auto now_sys = std::chrono::system_clock::now();
  const auto now = Clock::now();
  for (const auto& [key, e] : runners_) {
    LoadedModel m;
    m.name = e->spec.name;
    m.digest = e->spec.digest;
    m.path = e->spec.path;
    m.details = e->spec.details;
    m.size_bytes = e->size_bytes;
    m.context_length = e->health.value("context_per_slot", 0);
    m.slots = e->slots;
    m.in_use = e->in_use;
    m.pid = e->process->pid();
    if (e->keep_alive_ns < 0) {
      m.expires_at = now_sys + std::chrono::hours(24 * 365 * 100);
    } else {
      const auto base = e->in_use > 0 ? now : e->idle_since;
      m.expires_at = now_sys + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   base + std::chrono::nanoseconds(e->keep_alive_ns) - now);
    }
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.expires_at > b.expires_at; });
  return out;
}

void Scheduler::ReaperLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    const auto now = Clock::now();
    std::vector<std::shared_ptr<RunnerEntry>> idle;
    for (auto& [path, e] : runners_) {
      if (e->in_use == 0 && (Expired(*e, now) || !e->process->Alive() || e->failed)) idle.push_back(e);
    }
    for (auto& e : idle) DetachLocked(e);
    if (to_end_.empty()) continue;
    std::vector<std::shared_ptr<RunnerEntry>> ending;
    ending.swap(to_end_);
    lock.unlock();
    for (auto& e : ending) {
      LogInfo("unloading model " + e->spec.name);
      e->process->Terminate();
    }
    lock.lock();
  }
}

void Scheduler::Shutdown() {
  std::vector<std::shared_ptr<RunnerEntry>> ending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !reaper_.joinable()) return;
    stopping_ = true;
    for (auto& [path, e] : runners_) ending.push_back(e);
    runners_.clear();
    for (auto& e : to_end_) ending.push_back(e);
    to_end_.clear();
    cv_.notify_all();
  }
  if (reaper_.joinable()) reaper_.join();
  for (auto& e : ending) e->process->Terminate();
}

}  // namespace suanli::sched
