// Scheduler behaviour through the real server: load/unload, keep-alive,
// queue limits, disconnects, runner crashes, parallel slots, reloads and
// shutdown.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <cpp-httplib/httplib.h>

#include "server_harness.h"

namespace suanli::testing {
namespace {

using Clock = std::chrono::steady_clock;

json Greedy(int n) { return {{"temperature", 0}, {"num_predict", n}}; }

bool WaitFor(const std::function<bool()>& cond, int timeout_ms = 10000) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

// A long generation that holds a slot until Release() hangs up.
class SlotHolder {
 public:
  explicit SlotHolder(ServerHarness& server)
      : thread_([this, &server] {
          server.Stream("/api/generate",
                        json{{"model", "tiny-chat"}, {"prompt", "long"}, {"options", {{"num_predict", 100000}}}},
                        [this](const json&) {
                          ++lines_;
                          return !release_.load();
                        });
        }) {}
  ~SlotHolder() { Release(); }
  // True once the stream has produced more than `n` lines.
  bool Streaming(int n) { return WaitFor([&] { return lines_ > n; }); }
  void Release() {
    release_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<int> lines_{0};
  std::atomic<bool> release_{false};
  std::thread thread_;
};

TEST(LifecycleTest, LoadAndUnloadEndTheRunnerProcess) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  auto load = server.Post("/api/generate", json{{"model", "tiny-chat"}}).Json();
  EXPECT_EQ(load["done_reason"], "load");
  const int pid = RunnerPid(server, "tiny-chat:latest");
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(ProcessAlive(pid));
  auto ps = server.Get("/api/ps").Json();
  EXPECT_EQ(ps["models"][0]["context_length"], 4096);
  EXPECT_TRUE(ps["models"][0]["expires_at"].is_string());

  auto unload = server.Post("/api/chat", json{{"model", "tiny-chat"}, {"keep_alive", 0}}).Json();
  EXPECT_EQ(unload["done_reason"], "unload");
  EXPECT_TRUE(server.Get("/api/ps").Json()["models"].empty());
  EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(pid); }, 5000)) << "the runner process is still there";
}

TEST(LifecycleTest, KeepAliveExpiresAndZeroUnloadsAfterTheRequest) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"keep_alive", "1s"},
                                               {"options", Greedy(1)}, {"stream", false}}).status, 200);
  const int pid = RunnerPid(server, "tiny-chat:latest");
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(WaitFor([&] { return server.Get("/api/ps").Json()["models"].empty(); }, 6000));
  EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(pid); }, 5000));

  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"keep_alive", 0},
                                               {"options", Greedy(1)}, {"stream", false}}).status, 200);
  EXPECT_TRUE(WaitFor([&] { return server.Get("/api/ps").Json()["models"].empty(); }, 3000));

  // Negative keep_alive: forever.
  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}, {"keep_alive", -1}}).status, 200);
  auto ps = server.Get("/api/ps").Json();
  ASSERT_EQ(ps["models"].size(), 1u);
  EXPECT_GT(ps["models"][0]["expires_at"].get<std::string>().substr(0, 4), "2100");
}

TEST(LifecycleTest, QueueOverflowIs503AndDisconnectFreesTheSlot) {
  ServerHarness server(Env{{"SUANLI_NUM_PARALLEL", "1"}, {"SUANLI_MAX_QUEUE", "1"}});
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}}).status, 200);  // load first

  // A long stream holds the only slot; we hang up after a few lines.
  SlotHolder holder(server);
  ASSERT_TRUE(holder.Streaming(2));
  // One request may wait...
  std::atomic<int> waiter_status{0};
  std::thread waiter([&] {
    waiter_status = server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "w"}, {"options", Greedy(2)},
                                                       {"stream", false}}).status;
  });
  // ...the next one is refused (retry briefly: the waiter may still be on its way in).
  HttpReply busy;
  for (int attempt = 0; attempt < 20 && busy.status != 503; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto client = server.Client();
    client->set_read_timeout(2, 0);
    auto r = client->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "b"}, {"stream", false}}.dump(),
                          "application/json");
    if (r) {
      busy.status = r->status;
      busy.body = r->body;
    }
  }
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.Json()["error"], "server busy, please try again.  maximum pending requests exceeded");
  // Hanging up cancels the stream within a step and the waiter gets the slot.
  const auto t0 = Clock::now();
  holder.Release();
  waiter.join();
  EXPECT_EQ(waiter_status, 200);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(15));
}

TEST(LifecycleTest, ClientLeavingWhileQueuedGetsNothingAndCostsNothing) {
  ServerHarness server(Env{{"SUANLI_NUM_PARALLEL", "1"}});
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  SlotHolder holder(server);
  ASSERT_TRUE(holder.Streaming(1));
  {
    auto client = server.Client();
    client->set_read_timeout(0, 300000);  // give up while queued
    auto r = client->Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "q"}, {"stream", false}}.dump(),
                          "application/json");
    EXPECT_FALSE(r);
  }
  holder.Release();
  auto after = server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"options", Greedy(2)}, {"stream", false}});
  EXPECT_EQ(after.status, 200);
}

TEST(LifecycleTest, RunnerKilledMidStreamGivesAnErrorLineAndTheNextRequestWorks) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}}).status, 200);
  const int pid = RunnerPid(server, "tiny-chat:latest");
  ASSERT_GT(pid, 0);
  json last;
  int count = 0;
  auto reply = server.Stream("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"options", {{"num_predict", 100000}}}},
                             [&](const json& line) {
                               if (++count == 3) ::kill(pid, SIGKILL);
                               last = line;
                               return true;
                             });
  EXPECT_EQ(reply.status, 200);
  ASSERT_TRUE(last.contains("error")) << last.dump();
  auto next = server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "y"}, {"options", Greedy(2)}, {"stream", false}});
  EXPECT_EQ(next.status, 200) << next.body;
  const int new_pid = RunnerPid(server, "tiny-chat:latest");
  EXPECT_GT(new_pid, 0);
  EXPECT_NE(new_pid, pid);
  EXPECT_EQ(server.Get("/").status, 200);
}

TEST(LifecycleTest, ParallelRequestsEachGetTheirOwnAnswer) {
  ServerHarness server(Env{{"SUANLI_NUM_PARALLEL", "2"}});
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  const std::vector<std::string> prompts = {"first prompt about the sea", "zweiter Prompt"};
  std::vector<std::string> sequential;
  for (const auto& p : prompts) {
    sequential.push_back(server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", p}, {"options", Greedy(16)},
                                                            {"stream", false}}).Json()["response"]);
  }
  std::vector<std::string> parallel(prompts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < prompts.size(); ++i) {
    threads.emplace_back([&, i] {
      parallel[i] = server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", prompts[i]}, {"options", Greedy(16)},
                                                       {"stream", false}}).Json()["response"];
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(parallel, sequential);
}

TEST(LifecycleTest, OnlyChangedLoadOptionsReload) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  auto gen = [&](json options) {
    options["num_predict"] = 1;
    return server.Post("/api/generate", json{{"model", "tiny-chat"}, {"prompt", "x"}, {"options", options}, {"stream", false}});
  };
  ASSERT_EQ(gen(json::object()).status, 200);
  const int first = RunnerPid(server, "tiny-chat:latest");
  ASSERT_EQ(gen({{"temperature", 0.1}}).status, 200);
  EXPECT_EQ(RunnerPid(server, "tiny-chat:latest"), first) << "a sampling option must not reload";
  ASSERT_EQ(gen({{"num_ctx", 512}}).status, 200);
  const int second = RunnerPid(server, "tiny-chat:latest");
  EXPECT_NE(second, first);
  EXPECT_EQ(server.Get("/api/ps").Json()["models"][0]["context_length"], 512);
  ASSERT_EQ(gen(json::object()).status, 200);
  EXPECT_EQ(RunnerPid(server, "tiny-chat:latest"), second) << "a request without load options must not reload";
  ASSERT_EQ(gen({{"num_ctx", 512}}).status, 200);
  EXPECT_EQ(RunnerPid(server, "tiny-chat:latest"), second);
  EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(first); }, 5000));
}

TEST(LifecycleTest, MaxLoadedModelsEvictsTheLeastRecentlyUsed) {
  ServerHarness server(Env{{"SUANLI_MAX_LOADED_MODELS", "1"}});
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  ASSERT_TRUE(server.CreateModel("tiny-embed", TinyEmbedModel()));
  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}}).status, 200);
  const int chat_pid = RunnerPid(server, "tiny-chat:latest");
  ASSERT_EQ(server.Post("/api/embed", json{{"model", "tiny-embed"}, {"input", "x"}}).status, 200);
  auto ps = server.Get("/api/ps").Json();
  ASSERT_EQ(ps["models"].size(), 1u);
  EXPECT_EQ(ps["models"][0]["name"], "tiny-embed:latest");
  EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(chat_pid); }, 5000));
}

TEST(LifecycleTest, SigtermEndsTheServerAndItsRunners) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-chat", TinyChatModel()));
  ASSERT_EQ(server.Post("/api/generate", json{{"model", "tiny-chat"}}).status, 200);
  const int pid = RunnerPid(server, "tiny-chat:latest");
  ASSERT_GT(pid, 0);
  EXPECT_EQ(server.Terminate(20), 0);
  EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(pid); }, 5000));
}

}  // namespace
}  // namespace suanli::testing
