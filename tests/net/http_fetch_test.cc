// HttpFetch against a loopback server: body caps, refused encodings, the
// redirect policy (schemes, private targets, the Authorization header kept
// on its host), stalls, cancellation and ranges.
#include "net/http_fetch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <cpp-httplib/httplib.h>

namespace suanli::net {
namespace {

class HttpFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/hello", [](const httplib::Request&, httplib::Response& res) { res.set_content("hello", "text/plain"); });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(100000, 'x'), "application/octet-stream");
    });
    server_.Get("/gzip", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(std::string(1000, '\0'), "application/octet-stream");
    });
    server_.Get("/auth", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      seen_auth_.push_back(req.get_header_value("Authorization"));
      res.set_content("ok", "text/plain");
    });
    server_.Get("/to-localhost", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://localhost:" + std::to_string(port_) + "/auth", 307);
    });
    server_.Get("/to-same", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/auth", 302); });
    server_.Get("/to-file", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("file:///etc/passwd", 302);
    });
    server_.Get("/to-private", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://10.1.2.3/x", 302);
    });
    server_.Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop", 302); });
    server_.Get("/stall", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(1000, "application/octet-stream", [](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset > 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(3500));
          return false;
        }
        return sink.write(std::string(10, 'x').data(), 10);
      });
    });
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content(std::string(200000, 'e'), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    server_.wait_until_ready();
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }

  FetchRequest Request(const std::string& path) {
    FetchRequest r;
    r.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    r.allow_http = true;
    r.allow_private_redirects = true;
    r.stall_timeout_s = 1;
    return r;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> seen_auth_;
};

TEST_F(HttpFetchTest, GetsBodiesAndRanges) {
  auto r = HttpFetch(Request("/hello"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("content-type"), "text/plain");
  FetchRequest ranged = Request("/hello");
  ranged.range = std::make_pair(1ull, 3ull);
  r = HttpFetch(ranged);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, "ell");
  // Error replies are responses, their bodies capped.
  r = HttpFetch(Request("/missing"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 404);
  EXPECT_LE(r->body.size(), 64u << 10);
}

TEST_F(HttpFetchTest, CapsBodiesAndRefusesEncodings) {
  FetchRequest capped = Request("/big");
  capped.max_body_bytes = 1000;
  std::string streamed;
  capped.on_data = [&](const char* data, size_t n) {
    streamed.append(data, n);
    return true;
  };
  auto r = HttpFetch(capped);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(streamed.size(), 1000u);  // up to the cap, never beyond

  r = HttpFetch(Request("/gzip"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("gzip"), std::string::npos);
}

TEST_F(HttpFetchTest, AuthorizationStaysWithItsHost) {
  FetchRequest same = Request("/to-same");
  same.headers = {{"Authorization", "Bearer t"}};
  ASSERT_TRUE(HttpFetch(same).ok());
  FetchRequest cross = Request("/to-localhost");  // 127.0.0.1 -> localhost: another host
  cross.headers = {{"Authorization", "Bearer t"}};
  auto r = HttpFetch(cross);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->body, "ok");
  EXPECT_NE(r->effective_url.find("localhost"), std::string::npos);
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(seen_auth_, (std::vector<std::string>{"Bearer t", ""}));
}

TEST_F(HttpFetchTest, RedirectPolicy) {
  EXPECT_EQ(HttpFetch(Request("/to-file")).status().code(), StatusCode::kInvalidArgument);
  FetchRequest strict = Request("/to-private");
  strict.allow_private_redirects = false;
  auto r = HttpFetch(strict);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("private"), std::string::npos);
  strict = Request("/to-localhost");
  strict.allow_private_redirects = false;
  EXPECT_EQ(HttpFetch(strict).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(HttpFetch(Request("/loop")).ok());
  FetchRequest manual = Request("/to-same");
  manual.max_redirects = 0;
  r = HttpFetch(manual);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 302);
  // Plain http needs allow_http; other schemes never work.
  FetchRequest plain = Request("/hello");
  plain.allow_http = false;
  EXPECT_EQ(HttpFetch(plain).status().code(), StatusCode::kInvalidArgument);
  plain.url = "file:///etc/passwd";
  EXPECT_EQ(HttpFetch(plain).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpFetchTest, FirstHopChecksForUrlsFromClients) {
  // A client's URL on loopback is refused unless private targets are allowed.
  FetchRequest checked = Request("/hello");
  checked.check_first_hop = true;
  checked.allow_private_redirects = false;
  auto r = HttpFetch(checked);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("private"), std::string::npos) << r.status().message();
  // A spelling that is no address literal but resolves to loopback is
  // caught on the socket.
  checked.url = "http://127.1:" + std::to_string(port_) + "/hello";
  EXPECT_EQ(HttpFetch(checked).status().code(), StatusCode::kInvalidArgument);
  checked.url = "http://169.254.169.254/latest/meta-data/";
  checked.allow_private_redirects = true;  // link-local stays refused
  EXPECT_EQ(HttpFetch(checked).status().code(), StatusCode::kInvalidArgument);
  checked = Request("/hello");
  checked.check_first_hop = true;
  r = HttpFetch(checked);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->body, "hello");
}

TEST_F(HttpFetchTest, StallsAndCancellationEndTheTransfer) {
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpFetch(Request("/stall"));
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3300));

  std::atomic<bool> cancel{false};
  FetchRequest cancelled = Request("/stall");
  cancelled.stall_timeout_s = 30;
  cancelled.cancel = &cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  r = HttpFetch(cancelled);
  t.join();
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

TEST(UrlTest, SplitsAndEncodes) {
  UrlParts p;
  ASSERT_TRUE(SplitUrl("HTTPS://Registry.Example:443/v2/x?y=1", &p));
  EXPECT_EQ(p.scheme, "https");
  EXPECT_EQ(p.authority, "registry.example:443");
  EXPECT_EQ(p.host, "registry.example");
  EXPECT_EQ(p.path, "/v2/x?y=1");
  ASSERT_TRUE(SplitUrl("http://[::1]:8080", &p));
  EXPECT_EQ(p.host, "::1");
  for (const char* bad : {"", "no-scheme", "://x", "http://", "http://user@host/", "http://a b/"}) {
    EXPECT_FALSE(SplitUrl(bad, &p)) << bad;
  }
  EXPECT_EQ(UrlEncode("a b/c:d~"), "a%20b%2Fc%3Ad~");
}

}  // namespace
}  // namespace suanli::net
