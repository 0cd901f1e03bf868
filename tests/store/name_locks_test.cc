// NameLocks: one holder per canonical name, other names unaffected, entries
// removed when unused, guards that move and release.
#include "store/name_locks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace suanli::store {
namespace {

using namespace std::chrono_literals;

TEST(NameLocksTest, OneHolderPerNameAcrossSpellings) {
  NameLocks locks;
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  const char* spellings[] = {"Tiny", "tiny:latest", "library/TINY:Latest", "registry.ollama.ai/library/tiny:latest"};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto guard = locks.Lock(std::string(spellings[(t + i) % 4]));
        const int now = ++inside;
        most = std::max(most.load(), now);
        std::this_thread::sleep_for(100us);
        --inside;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(most.load(), 1) << "two holders of one name at once";
  EXPECT_EQ(locks.size(), 0u) << "entries are removed when unused";
}

TEST(NameLocksTest, DifferentNamesDoNotWait) {
  NameLocks locks;
  auto a = locks.Lock(std::string("a"));
  std::atomic<bool> got_b{false};
  std::thread other([&] {
    auto b = locks.Lock(std::string("b"));
    got_b = true;
  });
  other.join();  // would hang if "b" waited for "a"
  EXPECT_TRUE(got_b);
  EXPECT_EQ(locks.size(), 1u);
}

TEST(NameLocksTest, WaitsForTheHolderAndGuardsMove) {
  NameLocks locks;
  auto held = locks.Lock(std::string("m:tag"));
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    auto g = locks.Lock(std::string("M:TAG"));
    acquired = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(acquired) << "the same name must wait";
  NameLocks::Guard moved = std::move(held);  // still held
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(acquired);
  moved.Release();
  waiter.join();
  EXPECT_TRUE(acquired);
  moved.Release();  // a second release is a no-op
  EXPECT_EQ(locks.size(), 0u);
}

TEST(NameLocksTest, InvalidNamesAreKeyedByLowerCaseText) {
  NameLocks locks;
  auto a = locks.Lock(std::string("../BAD"));
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    auto g = locks.Lock(std::string("../bad"));
    acquired = true;
  });
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(acquired);
  a.Release();
  waiter.join();
  EXPECT_TRUE(acquired);
}

}  // namespace
}  // namespace suanli::store
