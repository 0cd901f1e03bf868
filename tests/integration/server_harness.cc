#include "server_harness.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <cpp-httplib/httplib.h>

#include "base/sha256.h"

namespace suanli::testing {

namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string GetEnv(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

HttpReply From(const httplib::Result& r) {
  HttpReply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.content_type = r->get_header_value("Content-Type");
  return out;
}

}  // namespace

std::vector<json> HttpReply::Lines() const {
  std::vector<json> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t nl = body.find('\n', start);
    if (nl == std::string::npos) nl = body.size();
    if (nl > start) out.push_back(json::parse(body.substr(start, nl - start), nullptr, false));
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> HttpReply::Events(bool* framing_ok) const {
  std::vector<std::string> out;
  bool ok = true;
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t end = body.find("\n\n", pos);
    if (body.compare(pos, 6, "data: ") != 0 || end == std::string::npos) {
      ok = false;
      break;
    }
    const std::string payload = body.substr(pos + 6, end - pos - 6);
    if (payload.find('\n') != std::string::npos) ok = false;
    out.push_back(payload);
    pos = end + 2;
  }
  if (framing_ok != nullptr) *framing_ok = ok;
  return out;
}

std::string TinyToolsModel() { return GetEnv("SUANLI_TEST_MODELS_DIR", ".") + "/tiny-tools.gguf"; }
std::string TinyThinkModel() { return GetEnv("SUANLI_TEST_MODELS_DIR", ".") + "/tiny-think.gguf"; }
std::string TinyChatModel() { return GetEnv("SUANLI_TEST_MODELS_DIR", ".") + "/tiny-chat.gguf"; }
std::string TinyEmbedModel() { return GetEnv("SUANLI_TEST_MODELS_DIR", ".") + "/tiny-embed.gguf"; }
bool ProcessAlive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

int RunnerPid(ServerHarness& server, const std::string& name) {
  json ps = server.Get("/api/ps").Json();
  for (const auto& m : ps.value("models", json::array())) {
    if (m.value("name", "") == name) return m.value("runner_pid", 0);
  }
  return 0;
}

ServerHarness::ServerHarness(Env env) {
  // A server may answer and close before a large request is sent (413):
  // the write then fails with EPIPE instead of ending the test process.
  ::signal(SIGPIPE, SIG_IGN);
  char tmpl[] = "/tmp/suanli-it-XXXXXX";
  dir_ = mkdtemp(tmpl);
  port_ = FreePort();
  env["SUANLI_HOST"] = "127.0.0.1:" + std::to_string(port_);
  env.emplace("SUANLI_HOME", dir_ + "/home");
  env.emplace("SUANLI_MODELS", dir_ + "/models");
  const std::string bin = GetEnv("SUANLI_BIN", "suanli");
  const std::string log = dir_ + "/serve.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::unsetenv("OLLAMA_HOST");
    FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    ::execl(bin.c_str(), bin.c_str(), "serve", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 300; ++i) {
    auto r = Get("/");
    if (r.status == 200 && r.body == "Ollama is running") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Terminate();
  pid_ = -1;
}

ServerHarness::~ServerHarness() {
  Terminate();
  if (std::getenv("SUANLI_TEST_KEEP") != nullptr) {  // keep the home and serve.log to debug a failure
    std::fprintf(stderr, "kept %s\n", dir_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

int ServerHarness::Terminate(int timeout_s) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

std::unique_ptr<httplib::Client> ServerHarness::Client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_read_timeout(120, 0);
  c->set_connection_timeout(5, 0);
  return c;
}

bool ServerHarness::CreateModel(const std::string& name, const std::string& gguf, const json& extra) {
  auto digest = Sha256File(gguf);
  if (!digest.ok()) return false;
  std::string data;
  {
    FILE* f = std::fopen(gguf.c_str(), "rb");
    if (!f) return false;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) data.append(buf, n);
    std::fclose(f);
  }
  auto up = Client()->Post("/api/blobs/sha256:" + *digest, data, "application/octet-stream");
  if (!up || (up->status != 201 && up->status != 200)) return false;
  json body = {{"model", name}, {"files", {{"model.gguf", "sha256:" + *digest}}}, {"stream", false}};
  for (const auto& [k, v] : extra.items()) body[k] = v;
  auto r = Post("/api/create", body);
  return r.status == 200 && r.Json().value("status", "") == "success";
}

HttpReply ServerHarness::Get(const std::string& path) { return From(Client()->Get(path)); }
HttpReply ServerHarness::Head(const std::string& path) { return From(Client()->Head(path)); }
HttpReply ServerHarness::Post(const std::string& path, const std::string& body) {
  return From(Client()->Post(path, body, "application/json"));
}
HttpReply ServerHarness::Delete(const std::string& path, const json& body) {
  return From(Client()->Delete(path, body.dump(), "application/json"));
}

HttpReply ServerHarness::Stream(const std::string& path, const json& body,
                                const std::function<bool(const json&)>& on_line) {
  HttpReply out;
  std::string buffer;
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  req.response_handler = [&](const httplib::Response& r) {
    out.status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, size_t, size_t) {
    out.body.append(data, n);
    buffer.append(data, n);
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      json line = json::parse(buffer.substr(0, nl), nullptr, false);
      buffer.erase(0, nl + 1);
      if (!on_line(line)) return false;
    }
    return true;
  };
  httplib::Response res;
  httplib::Error err;
  Client()->send(req, res, err);
  return out;
}

CliResult Cli(const ServerHarness& server, const std::string& args, const std::string& stdin_text) {
  const char* bin = std::getenv("SUANLI_BIN");
  std::string cmd = "SUANLI_HOST=127.0.0.1:" + std::to_string(server.port()) + " SUANLI_HOME=" + server.home() +
                    "/cli " + (bin ? bin : "suanli") + " " + args + " 2>&1";
  if (!stdin_text.empty()) cmd = "printf '%s' '" + stdin_text + "' | " + cmd;
  else cmd += " </dev/null";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

int ConnectTo(const ServerHarness& server) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace suanli::testing
