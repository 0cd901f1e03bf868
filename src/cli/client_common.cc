#include "cli/client_common.h"

#include <pwd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "cli/version.h"

namespace suanli::cli {

namespace {

#if defined(__aarch64__)
constexpr const char* kArch = "arm64";
#elif defined(__x86_64__)
constexpr const char* kArch = "amd64";
#else
constexpr const char* kArch = "unknown";
#endif

}  // namespace

std::string EnvValue(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : api::TrimSettingValue(value);
}

bool EnvFlag(const char* name) {
  std::string value = EnvValue(name);
  if (value.empty()) return false;
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  return !(value == "0" || value == "f" || value == "false");
}

api::ClientOptions ClientOptionsFromEnv() {
  std::string value = EnvValue("SUANLI_HOST");
  if (value.empty()) value = EnvValue("OLLAMA_HOST");
  api::ClientOptions options;
  options.host = api::ParseClientHost(value);
  options.user_agent = std::string("suanli/") + kVersion + " (" + kArch + " linux)";
  return options;
}

api::ApiClient ClientFromEnv() { return api::ApiClient(ClientOptionsFromEnv()); }

std::string SuanliHome() {
  std::string home = EnvValue("SUANLI_HOME");
  if (!home.empty()) return home;
  std::string user_home = EnvValue("HOME");
  if (user_home.empty()) {
    if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) user_home = pw->pw_dir;
  }
  return user_home + "/.suanli";
}

int PrintError(const Status& status) {
  std::fflush(stdout);
  std::fprintf(stderr, "Error: %s\n", status.message().c_str());
  return 1;
}

const nlohmann::json& JsonField(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string JsonString(const nlohmann::json& object, const char* key) {
  const nlohmann::json& field = JsonField(object, key);
  return field.is_string() ? field.get<std::string>() : "";
}

int64_t JsonInt(const nlohmann::json& object, const char* key) {
  const nlohmann::json& field = JsonField(object, key);
  if (field.is_number_integer()) return field.get<int64_t>();
  if (field.is_number()) return static_cast<int64_t>(field.get<double>());
  return 0;
}

bool IsTerminal(int fd) { return isatty(fd) == 1; }

int TerminalWidth() {
  if (!IsTerminal(STDOUT_FILENO)) return 0;
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace suanli::cli
