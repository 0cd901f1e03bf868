#include "base/periodic_thread.h"

namespace suanli {

PeriodicThread::PeriodicThread(std::chrono::milliseconds period, std::function<bool()> tick) {
  if (!tick) return;
  thread_ = std::thread([this, period, tick = std::move(tick)] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_ && tick()) cv_.wait_for(lock, period);
  });
}

PeriodicThread::~PeriodicThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace suanli
