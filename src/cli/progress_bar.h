// Progress display on stderr for the client commands: ProgressBar for byte
// transfers (uploads) and Spinner while waiting on the server. Both redraw
// only when stderr is a terminal. ProgressBar is for one thread; Spinner
// animates from its own thread and is safe to Stop from the owner's.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace suanli::cli {

// "label  42% ▕██████        ▏ 12 MB/397 MB  55 MB/s  7s", or with a unit
// name for counted things: "label  42% ▕██████        ▏ 21/50 chunks  7/s  4s".
// Speed and time left count only the progress made since the first Set, so
// a resumed transfer (one that starts at, say, 90%) shows its real speed.
class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  // `unit` empty: bytes; else the plural name of what is counted.
  ProgressBar(std::string label, uint64_t total, std::string unit = "");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Records progress (at `now`; the first call sets the baseline of the
  // speed); redraws at most every 100 ms on a terminal.
  void Set(uint64_t completed) { Set(completed, Clock::now()); }
  void Set(uint64_t completed, Clock::time_point now);
  // Draws the final state and ends the line. Without a terminal this prints
  // the single line "label 100% 397 MB". Idempotent.
  void Finish();

  // The line as drawn at `now` on a terminal `columns` wide; `final` gives
  // the finished form ("label 100% ▕...▏ 397 MB"). Pure (for tests).
  std::string Render(Clock::time_point now, int columns, bool final = false) const;

 private:
  std::string Amount(uint64_t n) const;  // "12 MB", or "12" for counts

  std::string label_;
  uint64_t total_;
  std::string unit_;
  uint64_t completed_ = 0;
  bool tty_;
  bool finished_ = false;
  bool has_baseline_ = false;  // the first Set happened
  uint64_t baseline_completed_ = 0;
  Clock::time_point baseline_time_;
  Clock::time_point last_draw_;
};

// "message ⠋" animated every 100 ms until Stop(), which erases the line.
class Spinner {
 public:
  explicit Spinner(std::string message = "");
  ~Spinner();
  Spinner(const Spinner&) = delete;
  Spinner& operator=(const Spinner&) = delete;

  // Stops and erases the spinner; idempotent.
  void Stop();

 private:
  std::string message_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace suanli::cli
