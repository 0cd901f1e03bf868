#include "api/host.h"

#include <arpa/inet.h>

#include <cstring>

namespace suanli::api {

namespace {

enum class IpKind { kNone, kV4, kV6 };

IpKind ParseIp(const std::string& text, bool* unspecified) {
  unsigned char buf[16] = {};
  *unspecified = false;
  IpKind kind = IpKind::kNone;
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    kind = IpKind::kV4;
  } else if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    kind = IpKind::kV6;
  } else {
    return IpKind::kNone;
  }
  static const unsigned char kZero[16] = {};
  *unspecified = std::memcmp(buf, kZero, kind == IpKind::kV4 ? 4 : 16) == 0;
  return kind;
}

// Go's net.SplitHostPort: "host:port" or "[v6]:port". False when the text
// has no port or is malformed.
bool SplitHostPort(const std::string& hostport, std::string* host, std::string* port) {
  if (!hostport.empty() && hostport[0] == '[') {
    const size_t close = hostport.find(']');
    if (close == std::string::npos) return false;
    if (close + 1 >= hostport.size() || hostport[close + 1] != ':') return false;
    *host = hostport.substr(1, close - 1);
    *port = hostport.substr(close + 2);
    if (port->find_first_of("[]") != std::string::npos) return false;
    return true;
  }
  const size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return false;
  *host = hostport.substr(0, colon);
  *port = hostport.substr(colon + 1);
  if (host->find(':') != std::string::npos) return false;  // too many colons
  if (hostport.find_first_of("[]") != std::string::npos) return false;
  return true;
}

// Decimal port in 0..65535, or -1.
int ParsePort(const std::string& text) {
  if (text.empty()) return -1;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
    if (value > 65535) return -1;
  }
  return value;
}

}  // namespace

std::string HostAddress::HostPort() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HostAddress::Url() const { return scheme + "://" + HostPort() + base_path; }

std::string TrimSettingValue(std::string_view value) {
  const char* kSpace = " \t\r\n\v\f";
  const size_t begin = value.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return "";
  value = value.substr(begin, value.find_last_not_of(kSpace) - begin + 1);
  // strings.Trim(s, "\"'"): strip any run of quotes at both ends.
  const size_t first = value.find_first_not_of("\"'");
  if (first == std::string_view::npos) return "";
  const size_t last = value.find_last_not_of("\"'");
  return std::string(value.substr(first, last - first + 1));
}

HostAddress ParseServerHost(std::string_view raw) {
  const std::string value = TrimSettingValue(raw);
  HostAddress out;
  int default_port = kDefaultPort;
  std::string hostport;
  const size_t sep = value.find("://");
  if (sep == std::string::npos) {
    out.scheme = "http";
    hostport = value;
    if (value == "ollama.com") {
      out.scheme = "https";
      hostport = "ollama.com:443";
    }
  } else {
    out.scheme = value.substr(0, sep);
    hostport = value.substr(sep + 3);
    if (out.scheme == "http") default_port = 80;
    if (out.scheme == "https") default_port = 443;
  }

  const size_t slash = hostport.find('/');
  std::string path;
  if (slash != std::string::npos) {
    path = hostport.substr(slash + 1);
    hostport.resize(slash);
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  out.base_path = path.empty() ? "" : "/" + path;

  std::string host, port;
  if (!SplitHostPort(hostport, &host, &port)) {
    host = "127.0.0.1";
    port.clear();
    std::string unbracketed = hostport;
    if (!unbracketed.empty() && unbracketed.front() == '[') unbracketed.erase(0, 1);
    if (!unbracketed.empty() && unbracketed.back() == ']') unbracketed.pop_back();
    bool unspecified = false;
    if (ParseIp(unbracketed, &unspecified) != IpKind::kNone) {
      host = unbracketed;
    } else if (!hostport.empty()) {
      host = hostport;
    }
  } else if (host.empty()) {
    host = "0.0.0.0";
  }
  const int parsed_port = ParsePort(port);
  out.port = parsed_port >= 0 ? parsed_port : default_port;
  out.host = host;
  return out;
}

HostAddress ParseClientHost(std::string_view raw) {
  HostAddress out = ParseServerHost(raw);
  bool unspecified = false;
  const IpKind kind = ParseIp(out.host, &unspecified);
  if (unspecified) out.host = kind == IpKind::kV6 ? "::1" : "127.0.0.1";
  return out;
}

}  // namespace suanli::api
