// Starts the real `suanli serve` on a free port with a temporary home and
// store, creates the test models through the API (blob upload + create), and
// ends the server when destroyed. Also small HTTP helpers for the tests.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace httplib {
class Client;
}

namespace suanli::testing {

using json = nlohmann::json;
using Env = std::map<std::string, std::string>;

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
  json Json() const { return json::parse(body, nullptr, false); }
  std::vector<json> Lines() const;  // NDJSON
  // Server-sent events: the `data: ` payloads, each checked to be framed as
  // "data: <payload>\n\n"; `framing_ok` is false at the first bad byte.
  std::vector<std::string> Events(bool* framing_ok = nullptr) const;
};

class ServerHarness {
 public:
  // `env` adds SUANLI_* settings (e.g. {"SUANLI_NUM_PARALLEL", "2"}).
  explicit ServerHarness(Env env = {});
  ~ServerHarness();

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& home() const { return dir_; }

  // Uploads `gguf` and creates `name` from it (stream:false); true on success.
  bool CreateModel(const std::string& name, const std::string& gguf, const json& extra = json::object());

  HttpReply Get(const std::string& path);
  HttpReply Head(const std::string& path);
  HttpReply Post(const std::string& path, const std::string& body);
  HttpReply Post(const std::string& path, const json& body) { return Post(path, body.dump()); }
  HttpReply Delete(const std::string& path, const json& body);
  // Streams a POST; `on_line` returns false to hang up.
  HttpReply Stream(const std::string& path, const json& body, const std::function<bool(const json&)>& on_line);
  std::unique_ptr<httplib::Client> Client() const;

  // Sends SIGTERM and waits up to `timeout_s` for the exit; returns the
  // exit status or -1 on timeout.
  int Terminate(int timeout_s = 20);

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// /api/create extras that pin a model's runner to one thread: on a small,
// busy machine ggml's spinning thread barriers make the tiny models crawl.
inline const json kOneThread = {{"parameters", {{"num_thread", 1}}}};

// Paths of the generated tiny models (CTest's fixture writes them).
std::string TinyChatModel();
std::string TinyEmbedModel();
std::string TinyToolsModel();  // tiny-chat with Qwen2.5's template (tools)
std::string TinyThinkModel();  // tiny-chat with Qwen3's template (tools, thinking)
// Runs the suanli CLI against `server` (SUANLI_HOST set to it), with
// `stdin_text` piped in (or /dev/null).
struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};
CliResult Cli(const ServerHarness& server, const std::string& args, const std::string& stdin_text = "");

// A plain TCP connection to `server` (for requests written by hand), or -1.
int ConnectTo(const ServerHarness& server);

// True while the process exists.
bool ProcessAlive(pid_t pid);
// Runner pid of `name` in /api/ps, or 0.
int RunnerPid(ServerHarness& server, const std::string& name);

}  // namespace suanli::testing
