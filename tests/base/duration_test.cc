#include "base/duration.h"

#include <gtest/gtest.h>

#include "base/sha256.h"

namespace suanli {
namespace {

TEST(DurationTest, ParsesGoDurations) {
  EXPECT_EQ(*ParseGoDuration("5m"), 300'000'000'000);
  EXPECT_EQ(*ParseGoDuration("1h30m"), 5'400'000'000'000);
  EXPECT_EQ(*ParseGoDuration("1.5s"), 1'500'000'000);
  EXPECT_EQ(*ParseGoDuration("300ms"), 300'000'000);
  EXPECT_EQ(*ParseGoDuration("-1m"), -60'000'000'000);
  EXPECT_EQ(*ParseGoDuration("0"), 0);
  for (const char* bad : {"", "5", "-1", "m", "5x", "1.2.3s", "forever", "9999999999h"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(1'234'567'000), "1.234567s");
  EXPECT_EQ(FormatGoDuration(12'300'000), "12.3ms");
  EXPECT_EQ(FormatGoDuration(130'000'000), "130ms");
  EXPECT_EQ(FormatGoDuration(90'000'000'000), "1m30s");
  EXPECT_EQ(FormatGoDuration(500), "500ns");
}

TEST(DurationTest, Rfc3339) {
  auto t = std::chrono::system_clock::time_point(std::chrono::nanoseconds(1'700'000'000'123'456'789LL));
  EXPECT_EQ(FormatRfc3339Nano(t), "2023-11-14T22:13:20.123456789Z");
}

TEST(Sha256Test, KnownDigestsAndValidation) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(IsValidDigest("sha256:" + Sha256Hex("x")));
  EXPECT_FALSE(IsValidDigest("sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(IsValidDigest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(IsValidDigest("sha256-" + std::string(64, 'a')));
  EXPECT_FALSE(IsValidDigest("sha256:../../" + std::string(58, 'a')));
}

}  // namespace
}  // namespace suanli
