// The store under concurrent and interrupted writes, against the real
// server: creates, copies and deletes of one name at once; a delete while
// the model generates; kill -9 during an upload and during a quantization,
// then a restart on the same store.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <cpp-httplib/httplib.h>

#include "base/sha256.h"
#include "create_helpers.h"
#include "server_harness.h"

namespace suanli::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool HasModel(ServerHarness& s, const std::string& name) {
  const json tags = s.Get("/api/tags").Json();
  for (const auto& m : tags.value("models", json::array())) {
    if (m.value("name", "") == name) return true;
  }
  return false;
}

// Processes whose command line contains both words (e.g. "quantize" and a
// test's folder).
int CountProcesses(const std::string& a, const std::string& b) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFile(entry.path().string() + "/cmdline");
    if (cmdline.find(a) != std::string::npos && cmdline.find(b) != std::string::npos) ++n;
  }
  return n;
}

TEST(CreateStoreTest, ConcurrentCreatesCopiesAndDeletesOfOneName) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string model = UploadBlob(server, ReadFile(TinyChatF16Model()));
  ASSERT_FALSE(model.empty());
  ASSERT_TRUE(
      server.Post("/api/create", json{{"model", "keep"}, {"files", {{"m.gguf", model}}}, {"stream", false}}).status ==
      200);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 6; ++i) {
        HttpReply r;
        switch ((t + i) % 4) {
          case 0:  // a new text layer each time, so blobs come and go
            r = server.Post("/api/create", json{{"model", "Same"},
                                                {"from", "keep"},
                                                {"system", "v" + std::to_string(t * 10 + i)},
                                                {"stream", false}});
            if (r.status != 200) ++failures;
            break;
          case 1:
            r = server.Post("/api/create",
                            json{{"model", "same:latest"}, {"from", "keep"}, {"quantize", "q8_0"}, {"stream", false}});
            if (r.status != 200) ++failures;
            break;
          case 2:
            r = server.Post("/api/copy", json{{"source", "keep"}, {"destination", "SAME"}});
            if (r.status != 200) ++failures;
            break;
          default:
            r = server.Delete("/api/delete", json{{"model", "same"}});
            if (r.status != 200 && r.status != 404) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto problems = StoreProblems(server.home() + "/models");
  EXPECT_TRUE(problems.empty()) << problems.front();
  int spellings = 0;
  for (const auto& e : fs::directory_iterator(server.home() + "/models/manifests/registry.ollama.ai/library")) {
    std::string name = e.path().filename().string();
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    spellings += name == "same";
  }
  EXPECT_LE(spellings, 1) << "one manifest folder for one name, whatever the case";
  // Whatever won, the name is whole or absent; a last create works.
  if (HasModel(server, "same:latest")) {
    EXPECT_EQ(server.Post("/api/show", json{{"model", "same"}}).status, 200);
  }
  ASSERT_EQ(server
                .Post("/api/create",
                      json{{"model", "same"}, {"from", "keep"}, {"stream", false}, {"parameters", {{"num_thread", 1}}}})
                .status,
            200);
  EXPECT_TRUE(Generate(server, "same").value("done", false));
  EXPECT_TRUE(HasModel(server, "keep:latest"));
}

TEST(CreateStoreTest, DeletingAModelThatIsGenerating) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string bytes = ReadFile(TinyChatF16Model());
  const std::string model = UploadBlob(server, bytes);
  ASSERT_TRUE(server
                  .Post("/api/create", json{{"model", "busy"},
                                            {"files", {{"m.gguf", model}}},
                                            {"stream", false},
                                            {"parameters", {{"num_thread", 1}}}})
                  .status == 200);
  const std::string blob = server.home() + "/models/blobs/sha256-" + model.substr(7);
  int tokens = 0;
  int delete_status = 0;
  json last;
  server.Stream("/api/generate",
                json{{"model", "busy"},
                     {"prompt", "Tell me a long story."},
                     {"options", {{"seed", 1}, {"temperature", 0}, {"num_predict", 64}}}},
                [&](const json& line) {
                  last = line;
                  if (!line.value("done", true)) ++tokens;
                  if (tokens == 1 && delete_status == 0) {
                    delete_status = server.Delete("/api/delete", json{{"model", "busy"}}).status;
                  }
                  return true;
                });
  EXPECT_EQ(delete_status, 200);
  EXPECT_TRUE(last.value("done", false)) << "the generation finished on the deleted model: " << last.dump();
  EXPECT_FALSE(last.contains("error")) << last.dump();
  EXPECT_GT(tokens, 1);
  EXPECT_FALSE(HasModel(server, "busy:latest"));
  EXPECT_FALSE(fs::exists(blob)) << "its blob was freed";
  EXPECT_EQ(server.Post("/api/generate", json{{"model", "busy"}, {"prompt", "hi"}}).status, 404);
  // Its runner ends once idle; the model can be created again.
  for (int i = 0; i < 100 && !server.Get("/api/ps").Json()["models"].empty(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(server.Get("/api/ps").Json()["models"].empty());
  ASSERT_FALSE(UploadBlob(server, bytes).empty());
  ASSERT_EQ(server
                .Post("/api/create", json{{"model", "busy"},
                                          {"files", {{"m.gguf", model}}},
                                          {"stream", false},
                                          {"parameters", {{"num_thread", 1}}}})
                .status,
            200);
  EXPECT_TRUE(Generate(server, "busy").value("done", false));
  EXPECT_TRUE(StoreProblems(server.home() + "/models").empty());
}

// Files in the store's blobs/ whose name contains `needle`.
std::vector<std::string> BlobFiles(const ServerHarness& server, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(server.home() + "/models/blobs")) {
    if (e.path().filename().string().find(needle) != std::string::npos) out.push_back(e.path().filename().string());
  }
  return out;
}

TEST(CreateStoreTest, BlobUploadsAreCappedBySuanliMaxBlobSize) {
  ServerHarness server(Env{{"SUANLI_MAX_BLOB_SIZE", "64KB"}});
  ASSERT_TRUE(server.ok());
  const std::string small(10000, 's');
  const std::string big(80000, 'b');  // small enough to sit in the socket buffers when refused
  const std::string big_digest = "sha256:" + Sha256Hex(big);
  const std::string small_digest = UploadBlob(server, small);
  ASSERT_FALSE(small_digest.empty()) << "a blob under the cap is stored";

  // Over the cap with a declared length: refused from the headers alone,
  // before a byte of the body is sent.
  const int fd = ConnectTo(server);
  ASSERT_GE(fd, 0);
  const std::string head = "POST /api/blobs/sha256:" + std::string(64, 'c') +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                           "Content-Length: 10000000000\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  std::string answer;
  char chunk[4096];
  for (ssize_t n; (n = ::recv(fd, chunk, sizeof(chunk), 0)) > 0;) answer.append(chunk, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("larger than this server accepts (at most 64000 bytes"), std::string::npos) << answer;

  // Over the cap in chunks (no length said): the reading stops at the cap
  // and the partial upload is removed.
  auto chunked_post = [&](const std::string& digest) {
    return server.Client()->Post(
        "/api/blobs/" + digest,
        [&big](size_t offset, httplib::DataSink& sink) {
          if (offset < big.size()) sink.write(big.data() + offset, std::min<size_t>(16384, big.size() - offset));
          if (offset + 16384 >= big.size()) sink.done();
          return true;
        },
        "application/octet-stream");
  };
  auto chunked = chunked_post(big_digest);
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413) << chunked->body;
  EXPECT_EQ(server.Head("/api/blobs/" + big_digest).status, 404);
  EXPECT_TRUE(BlobFiles(server, "-upload-").empty()) << "no partial file is left";
  EXPECT_TRUE(BlobFiles(server, big_digest.substr(7)).empty());

  // A digest already stored: its body is still read only up to the cap.
  auto again = chunked_post(small_digest);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 413) << again->body;
  auto resent = server.Client()->Post("/api/blobs/" + small_digest, small, "application/octet-stream");
  ASSERT_TRUE(resent);
  EXPECT_EQ(resent->status, 200);
  EXPECT_EQ(server.Get("/api/version").status, 200);

  // A bad setting stops the server with a message that names the variable.
  const char* bin = std::getenv("SUANLI_BIN");
  const std::string cmd = "SUANLI_MAX_BLOB_SIZE=lots SUANLI_HOME=" + server.home() + "/bad SUANLI_HOST=127.0.0.1:1 " +
                          (bin ? bin : "suanli") + " serve 2>&1 </dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  EXPECT_NE(pclose(pipe), 0);
  EXPECT_NE(out.find("SUANLI_MAX_BLOB_SIZE must be a size in bytes"), std::string::npos) << out;
}

TEST(CreateStoreTest, KillDuringUploadAndQuantizeThenRestart) {
  char tmpl[] = "/tmp/suanli-crash-XXXXXX";
  const std::string models = std::string(mkdtemp(tmpl)) + "/models";
  const Env env = {{"SUANLI_MODELS", models}};
  const std::string bytes = ReadFile(TinyChatF16Model());
  {
    // An upload cut off half-way by the server's death.
    ServerHarness server(env);
    ASSERT_TRUE(server.ok());
    // Headers and half of the body, by hand, then nothing more.
    const int fd = ConnectTo(server);
    ASSERT_GE(fd, 0);
    const std::string head = "POST /api/blobs/sha256:" + std::string(64, 'a') +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                             "Content-Length: " +
                             std::to_string(bytes.size()) + "\r\n\r\n";
    const std::string half = head + bytes.substr(0, bytes.size() / 2);
    for (size_t sent = 0; sent < half.size();) {
      const ssize_t n = ::send(fd, half.data() + sent, half.size() - sent, MSG_NOSIGNAL);
      ASSERT_GT(n, 0);
      sent += static_cast<size_t>(n);
    }
    bool temp_seen = false;
    for (int i = 0; i < 200 && !temp_seen; ++i) {
      for (const auto& e : fs::directory_iterator(models + "/blobs")) {
        temp_seen |= e.path().filename().string().find("-upload-") != std::string::npos;
      }
      if (!temp_seen) std::this_thread::sleep_for(10ms);
    }
    std::this_thread::sleep_for(100ms);
    ::kill(server.pid(), SIGKILL);
    ::close(fd);
    bool temp_left = false;
    for (const auto& e : fs::directory_iterator(models + "/blobs")) {
      temp_left |= e.path().filename().string().find("-upload-") != std::string::npos;
    }
    EXPECT_TRUE(temp_left) << "the crash leaves the partial upload behind";
    EXPECT_FALSE(fs::exists(models + "/blobs/sha256-" + std::string(64, 'a')));
  }
  {
    // A quantization cut off by the server's death; its child goes too.
    ServerHarness server(env);
    ASSERT_TRUE(server.ok());
    const std::string model = UploadBlob(server, bytes);
    ASSERT_FALSE(model.empty());
    bool killed = false;
    server.Stream("/api/create", json{{"model", "crash"}, {"files", {{"m.gguf", model}}}, {"quantize", "q4_K_M"}},
                  [&](const json& line) {
                    if (line.value("status", "").rfind("quantizing", 0) == 0) {
                      ::kill(server.pid(), SIGKILL);
                      killed = true;
                      return false;
                    }
                    return true;
                  });
    EXPECT_TRUE(killed);
    for (int i = 0; i < 100 && CountProcesses("quantize", models) > 0; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(CountProcesses("quantize", models), 0) << "the quantizer ends with its server";
  }
  {
    ServerHarness server(env);
    ASSERT_TRUE(server.ok());
    const auto problems = StoreProblems(models);
    EXPECT_TRUE(problems.empty()) << "recovery leaves a consistent store: " << problems.front();
    EXPECT_FALSE(HasModel(server, "crash:latest")) << "no manifest for a create that never finished";
    const std::string model = UploadBlob(server, bytes);  // the full upload again (a no-op if it survived)
    ASSERT_FALSE(model.empty());
    auto again = server.Post("/api/create", json{{"model", "crash"},
                                                 {"files", {{"m.gguf", model}}},
                                                 {"quantize", "q4_K_M"},
                                                 {"stream", false},
                                                 {"parameters", {{"num_thread", 1}}}});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_TRUE(Generate(server, "crash").value("done", false));
    EXPECT_TRUE(StoreProblems(models).empty());
  }
  std::error_code ec;
  fs::remove_all(fs::path(models).parent_path(), ec);
}

}  // namespace
}  // namespace suanli::testing
