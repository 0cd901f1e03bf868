// PeriodicThread calls a function every `period` on a thread of its own
// until the function returns false or the object is destroyed (the
// destructor wakes the thread at once and joins it). Used to watch a flag or
// a connection while the owner blocks in a transfer.
// Thread-safety: construct and destroy on one thread; `tick` runs on the
// periodic thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace suanli {

class PeriodicThread {
 public:
  // An empty `tick` starts no thread.
  PeriodicThread(std::chrono::milliseconds period, std::function<bool()> tick);
  ~PeriodicThread();
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace suanli
