#include "cli/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/client_format.h"

namespace suanli::cli {

namespace {

constexpr int kBarWidth = 25;

int StderrColumns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      tty_(isatty(STDERR_FILENO) == 1),
      last_draw_(Clock::now() - std::chrono::seconds(1)) {}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Amount(uint64_t n) const {
  return unit_.empty() ? HumanBytes(static_cast<int64_t>(n)) : std::to_string(n);
}

std::string ProgressBar::Render(Clock::time_point now, int columns, bool final) const {
  const double fraction = total_ == 0 ? 1.0 : std::min(1.0, static_cast<double>(completed_) / total_);
  char percent[16];
  std::snprintf(percent, sizeof(percent), "%3.0f%%", fraction * 100);
  const std::string prefix = label_ + " " + percent + " ";
  std::string suffix;
  const std::string unit = unit_.empty() ? "" : " " + unit_;
  if (final) {
    suffix.append(" ").append(Amount(total_)).append(unit);
  } else {
    suffix.append(" ").append(Amount(completed_));
    suffix.append("/").append(Amount(total_)).append(unit);
    // Only what arrived since the first Set counts: a resumed transfer
    // would otherwise show the whole file's size as if it came at once.
    const double seconds = std::chrono::duration<double>(now - baseline_time_).count();
    const uint64_t moved = completed_ > baseline_completed_ ? completed_ - baseline_completed_ : 0;
    if (has_baseline_ && seconds > 0.5 && moved > 0) {
      const double rate = moved / seconds;
      suffix.append("  ").append(unit_.empty() ? HumanBytes(static_cast<int64_t>(rate)) : std::to_string(static_cast<int64_t>(rate)))
          .append("/s");
      if (total_ > completed_) {
        suffix.append("  ").append(GoDuration(static_cast<int64_t>((total_ - completed_) / rate) * 1000000000LL));
      }
    }
  }
  const int room = columns - 1 - DisplayWidth(prefix) - DisplayWidth(suffix) - 2;
  const int bar_width = std::min(kBarWidth, room);
  std::string line = prefix;
  if (bar_width >= 5) {
    const int filled = static_cast<int>(fraction * bar_width);
    line += "\xE2\x96\x95";                                                         // ▕
    for (int i = 0; i < bar_width; ++i) line += i < filled ? "\xE2\x96\x88" : " ";  // █
    line += "\xE2\x96\x8F";                                                         // ▏
  }
  line += suffix;
  // A line longer than the terminal would wrap and break the redraw.
  if (DisplayWidth(line) > columns - 1) line = prefix.substr(0, std::max(0, columns - 1));
  return line;
}

void ProgressBar::Set(uint64_t completed, Clock::time_point now) {
  if (!has_baseline_) {
    has_baseline_ = true;
    baseline_completed_ = completed;
    baseline_time_ = now;
  }
  completed_ = completed;
  if (!tty_ || finished_) return;
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::fprintf(stderr, "\r\x1b[K%s", Render(now, StderrColumns()).c_str());
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  completed_ = total_;
  if (tty_) {
    std::fprintf(stderr, "\r\x1b[K%s\n", Render(Clock::now(), StderrColumns(), true).c_str());
  } else {
    std::fprintf(stderr, "%s 100%% %s%s\n", label_.c_str(), Amount(total_).c_str(),
                 unit_.empty() ? "" : (" " + unit_).c_str());
  }
  std::fflush(stderr);
}

Spinner::Spinner(std::string message) : message_(std::move(message)) {
  if (isatty(STDERR_FILENO) != 1) {
    stopped_ = true;
    return;
  }
  thread_ = std::thread([this] {
    static const char* kFrames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    std::unique_lock<std::mutex> lock(mu_);
    // Waits a moment first, so that fast answers never flash a spinner.
    if (cv_.wait_for(lock, std::chrono::milliseconds(150), [this] { return stopped_; })) return;
    for (size_t i = 0; !stopped_; ++i) {
      const std::string text = message_.empty() ? kFrames[i % 10] : message_ + " " + kFrames[i % 10];
      std::fprintf(stderr, "\r\x1b[K%s", text.c_str());
      std::fflush(stderr);
      cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopped_; });
    }
    std::fprintf(stderr, "\r\x1b[K");
    std::fflush(stderr);
  });
}

Spinner::~Spinner() { Stop(); }

void Spinner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace suanli::cli
