#include "cli/progress_bar.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace suanli::cli {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kGB = 1000000000;

TEST(ProgressBarTest, SpeedAndTimeLeftOfAFreshTransfer) {
  ProgressBar bar("pulling 0123456789ab", kGB);
  const auto t0 = ProgressBar::Clock::now();
  bar.Set(0, t0);
  EXPECT_EQ(bar.Render(t0, 120).find("/s"), std::string::npos) << "no speed before anything moved";
  bar.Set(100000000, t0 + 10s);
  const std::string line = bar.Render(t0 + 10s, 120);
  EXPECT_EQ(line.rfind("pulling 0123456789ab  10% ", 0), 0u) << line;
  EXPECT_NE(line.find(" 100 MB/1 GB  10 MB/s  1m30s"), std::string::npos) << line;
}

TEST(ProgressBarTest, AResumedTransferShowsItsRealSpeed) {
  // The first update already says 90%: that was on disk before, not
  // downloaded now, so it does not count towards the speed.
  ProgressBar bar("pulling 0123456789ab", kGB);
  const auto t0 = ProgressBar::Clock::now() + 5s;  // the bar is older than the first update
  bar.Set(900000000, t0);
  EXPECT_EQ(bar.Render(t0 + 100ms, 120).find("/s"), std::string::npos) << bar.Render(t0 + 100ms, 120);
  bar.Set(950000000, t0 + 10s);
  const std::string line = bar.Render(t0 + 10s, 120);
  EXPECT_NE(line.find(" 95% "), std::string::npos) << line;
  EXPECT_NE(line.find(" 950 MB/1 GB  5 MB/s  10s"), std::string::npos) << line;
}

TEST(ProgressBarTest, CountsFinalFormAndNarrowTerminals) {
  ProgressBar chunks("embedding notes.md", 50, "chunks");
  const auto t0 = ProgressBar::Clock::now();
  chunks.Set(1, t0);
  chunks.Set(21, t0 + 4s);
  const std::string line = chunks.Render(t0 + 4s, 120);
  EXPECT_NE(line.find(" 21/50 chunks  5/s  5s"), std::string::npos) << line;
  EXPECT_NE(line.find("\xE2\x96\x95"), std::string::npos) << "a bar on a wide terminal";
  EXPECT_EQ(chunks.Render(t0 + 4s, 120, true).find("/s"), std::string::npos);
  EXPECT_NE(chunks.Render(t0 + 4s, 120, true).find(" 50 chunks"), std::string::npos);
  // Too narrow for the bar and the numbers: the label and percentage only.
  EXPECT_EQ(chunks.Render(t0 + 4s, 30), "embedding notes.md  42% ");
}

}  // namespace
}  // namespace suanli::cli
