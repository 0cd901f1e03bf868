// Host settings in Ollama's format, `[scheme://]host[:port][/path]`, as read
// from SUANLI_HOST / OLLAMA_HOST (the caller reads the variable; these are
// pure functions, safe from any thread).
#pragma once

#include <string>
#include <string_view>

namespace suanli::api {

inline constexpr int kDefaultPort = 11434;

struct HostAddress {
  std::string scheme = "http";
  std::string host = "127.0.0.1";  // IPv6 literals without brackets
  int port = kDefaultPort;
  std::string base_path;  // "" or "/prefix" (never a trailing slash)

  // "127.0.0.1:11434" or "[::1]:11434".
  std::string HostPort() const;
  // "http://127.0.0.1:11434" plus base_path.
  std::string Url() const;
};

// Trims spaces, then surrounding double or single quotes, as Ollama does for
// every environment value.
std::string TrimSettingValue(std::string_view value);

// Server side: where `suanli serve` listens. Rules (Ollama's envconfig.Host):
// empty -> 127.0.0.1:11434; scheme default http; without a port, `http://h`
// means 80 and `https://h` 443, a bare host 11434; bare "ollama.com" means
// https on 443; IPv6 in brackets; an invalid port falls back to the default;
// an empty host (":8080") becomes 0.0.0.0 (all interfaces). Never fails.
HostAddress ParseServerHost(std::string_view value);

// Client side: as ParseServerHost, but the unspecified addresses 0.0.0.0 and
// :: (and an empty host) map to the loopback address of the same family.
HostAddress ParseClientHost(std::string_view value);

}  // namespace suanli::api
