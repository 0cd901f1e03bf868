#include "net/http_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

namespace suanli::net {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kErrorBodyCap = 64 << 10;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void InitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Host names a redirect may not point at unless private targets are allowed.
bool IsPrivateHostLiteral(const std::string& host) {
  if (host == "localhost" || (host.size() > 10 && host.ends_with(".localhost"))) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    const uint32_t a = ntohl(v4.s_addr);
    return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 || (a >> 20) == (172u << 4 | 1) ||
           (a >> 16) == (192u << 8 | 168) || (a >> 16) == (169u << 8 | 254) || (a >> 22) == (100u << 2 | 1);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    const uint8_t* b = v6.s6_addr;
    static const uint8_t kZero[16] = {};
    const bool loopback = std::memcmp(b, kZero, 15) == 0 && (b[15] == 1 || b[15] == 0);
    return loopback || (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
  }
  return false;
}

// True for 169.254.0.0/16, fe80::/10 and their IPv4-mapped forms: cloud
// metadata services live there, and no registry or CDN does.
bool IsLinkLocal(const curl_sockaddr* address) {
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    return (ntohl(in->sin_addr.s_addr) >> 16) == (169u << 8 | 254);
  }
  if (address->family == AF_INET6) {
    const uint8_t* b = reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr.s6_addr;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(b, kMapped, 12) == 0 && b[12] == 169 && b[13] == 254;
  }
  return false;
}

// Loopback, private (RFC 1918, CGNAT, unique local) and unspecified
// addresses, checked on the socket so that a host name resolving to one is
// caught too.
bool IsPrivateAddress(const curl_sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr, text, sizeof(text));
  } else if (address->family == AF_INET6) {
    const in6_addr& in = reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr;
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(in.s6_addr, kMapped, 12) == 0) {
      inet_ntop(AF_INET, in.s6_addr + 12, text, sizeof(text));
    } else {
      inet_ntop(AF_INET6, &in, text, sizeof(text));
    }
  } else {
    return false;
  }
  return IsPrivateHostLiteral(text);
}

// State of one hop (one HTTP exchange).
struct Hop {
  const FetchRequest* request = nullptr;
  FetchResponse* response = nullptr;
  bool follow_redirects = false;
  bool check_address = false;
  int status = 0;
  bool over_cap = false, encoded = false, stopped = false, stalled = false, cancelled = false;
  bool blocked_address = false, error_body_full = false;
  Status header_status;  // what on_headers refused with
  std::string encoding;
  curl_off_t last_dlnow = 0;
  Clock::time_point last_progress = Clock::now();
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* hop = static_cast<Hop*>(user);
  const std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new reply (1xx, 3xx, final)
    hop->response->headers.clear();
    const size_t space = line.find(' ');
    hop->status = space == std::string::npos ? 0 : std::atoi(line.c_str() + space + 1);
    return size * n;
  }
  if (line == "\r\n" || line == "\n") {  // end of this reply's headers
    const bool redirect = hop->follow_redirects && IsRedirect(hop->status);
    if (hop->status >= 200 && !redirect && hop->request->on_headers) {
      hop->header_status = hop->request->on_headers(hop->status, hop->response->headers);
      if (!hop->header_status.ok()) return 0;
    }
    return size * n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = Lower(Trim(line.substr(0, colon)));
  std::string value = Trim(line.substr(colon + 1));
  if (name == "content-encoding" && !value.empty() && Lower(value) != "identity" && !IsRedirect(hop->status)) {
    hop->encoded = true;
    hop->encoding = value.substr(0, 40);
    return 0;  // aborts: an encoded body is never inflated
  }
  hop->response->headers.emplace_back(std::move(name), std::move(value));
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* hop = static_cast<Hop*>(user);
  const size_t len = size * n;
  const FetchRequest& req = *hop->request;
  FetchResponse& res = *hop->response;
  if (hop->follow_redirects && IsRedirect(hop->status)) return len;  // discarded
  const bool success = hop->status >= 200 && hop->status < 300;
  if (!success) {
    const size_t room = kErrorBodyCap - std::min(kErrorBodyCap, res.body.size());
    res.body.append(data, std::min(room, len));
    res.body_bytes += len;
    if (len > room) {
      hop->error_body_full = true;
      return 0;
    }
    return len;
  }
  size_t take = len;
  if (res.body_bytes + len > req.max_body_bytes) {
    take = static_cast<size_t>(req.max_body_bytes - res.body_bytes);
    hop->over_cap = true;
  }
  if (take > 0) {
    if (req.on_data) {
      if (!req.on_data(data, take)) {
        hop->stopped = true;
        return 0;
      }
    } else {
      res.body.append(data, take);
    }
    res.body_bytes += take;
  }
  return hop->over_cap ? 0 : len;
}

int OnProgress(void* user, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* hop = static_cast<Hop*>(user);
  if (hop->request->cancel != nullptr && hop->request->cancel->load()) {
    hop->cancelled = true;
    return 1;
  }
  const auto now = Clock::now();
  if (dlnow != hop->last_dlnow) {
    hop->last_dlnow = dlnow;
    hop->last_progress = now;
  } else if (hop->request->stall_timeout_s > 0 &&
             now - hop->last_progress > std::chrono::seconds(hop->request->stall_timeout_s)) {
    hop->stalled = true;
    return 1;
  }
  return 0;
}

curl_socket_t OnOpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* hop = static_cast<Hop*>(user);
  if (hop->check_address &&
      (IsLinkLocal(address) || (!hop->request->allow_private_redirects && IsPrivateAddress(address)))) {
    hop->blocked_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

Status HopError(CURLcode code, const Hop& hop, const UrlParts& target) {
  const FetchRequest& req = *hop.request;
  if (!hop.header_status.ok()) return hop.header_status;
  if (hop.cancelled || hop.stopped) return CancelledError("the download was cancelled");
  if (hop.stalled) {
    return DeadlineExceededError("no data from " + target.authority + " for " + std::to_string(req.stall_timeout_s) +
                                 " s (stalled)");
  }
  if (hop.encoded) {
    return InvalidArgumentError(target.authority + " sent a '" + hop.encoding +
                                "'-encoded body; only unencoded bodies are accepted");
  }
  if (hop.over_cap) {
    return ResourceExhaustedError(target.authority + " sent more than the expected " +
                                  std::to_string(req.max_body_bytes) + " bytes");
  }
  if (hop.blocked_address) return InvalidArgumentError("refused a link-local, loopback or private address (" + target.host + ")");
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError("the request to " + target.authority + " timed out");
    case CURLE_COULDNT_RESOLVE_HOST:
      return UnavailableError("cannot resolve the host '" + target.host + "'");
    case CURLE_COULDNT_CONNECT:
      return UnavailableError("cannot connect to " + target.authority);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
      return UnavailableError("the TLS connection to " + target.authority + " failed: " + curl_easy_strerror(code));
    default:
      return UnavailableError("the transfer from " + target.authority + " failed: " + curl_easy_strerror(code));
  }
}

}  // namespace

std::string FetchResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

bool SplitUrl(const std::string& url, UrlParts* parts) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return false;
  parts->scheme = Lower(url.substr(0, sep));
  const size_t start = sep + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  parts->authority = Lower(url.substr(start, end - start));
  parts->path = url.substr(end);
  if (parts->authority.empty() || parts->authority.find('@') != std::string::npos) return false;
  for (char c : parts->authority) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\\') return false;
  }
  if (parts->authority[0] == '[') {
    const size_t close = parts->authority.find(']');
    if (close == std::string::npos) return false;
    parts->host = parts->authority.substr(1, close - 1);
  } else {
    parts->host = parts->authority.substr(0, parts->authority.find(':'));
  }
  return !parts->host.empty();
}

std::string UrlEncode(const std::string& value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

StatusOr<FetchResponse> HttpFetch(const FetchRequest& request) {
  InitCurl();
  if (request.method != "GET" && request.method != "HEAD") return InvalidArgumentError("unsupported method");
  UrlParts origin;
  if (!SplitUrl(request.url, &origin)) return InvalidArgumentError("invalid URL '" + request.url + "'");
  if (origin.scheme != "https" && !(origin.scheme == "http" && request.allow_http)) {
    return InvalidArgumentError("refused the URL '" + request.url + "': only https is allowed" +
                                (origin.scheme == "http" ? " (use insecure for http)" : ""));
  }
  if (request.check_first_hop && !request.allow_private_redirects && IsPrivateHostLiteral(origin.host)) {
    return InvalidArgumentError("refused a private address (" + origin.host + ")");
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(request.total_timeout_s);
  std::string url = request.url;
  UrlParts target = origin;
  for (int hop_index = 0;; ++hop_index) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return InternalError("cannot start an HTTP transfer");
    FetchResponse response;
    Hop hop;
    hop.request = &request;
    hop.response = &response;
    hop.follow_redirects = request.max_redirects > 0;
    hop.check_address = hop_index > 0 || request.check_first_hop;
    const bool same_origin = target.scheme == origin.scheme && target.authority == origin.authority;

    curl_slist* raw = nullptr;
    for (const auto& [name, value] : request.headers) {
      if (!same_origin && Lower(name) == "authorization") continue;  // credentials stay with their host
      raw = curl_slist_append(raw, (name + ": " + value).c_str());
    }
    raw = curl_slist_append(raw, "Accept-Encoding: identity");
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(request.connect_timeout_s));
    if (request.total_timeout_s > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return DeadlineExceededError("the request to " + origin.authority + " timed out");
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left));
    }
    if (request.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    std::string range;
    if (request.range) {
      range = std::to_string(request.range->first) + "-" + std::to_string(request.range->second);
      curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hop);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &hop);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &hop);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &hop);

    const CURLcode code = curl_easy_perform(c);
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && hop.error_body_full)) return HopError(code, hop, target);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    response.effective_url = url;
    if (!hop.follow_redirects || !IsRedirect(response.status)) return response;

    char* next = nullptr;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
    if (next == nullptr) return response;  // a 3xx without Location
    if (hop_index >= request.max_redirects) {
      return UnavailableError("too many redirects from " + origin.authority);
    }
    UrlParts parts;
    if (!SplitUrl(next, &parts) || (parts.scheme != "https" && parts.scheme != "http")) {
      return InvalidArgumentError("refused a redirect from " + target.authority + " to a non-http(s) URL");
    }
    if (parts.scheme == "http" && !request.allow_http) {
      return InvalidArgumentError("refused a redirect from " + target.authority + " to plain http");
    }
    if (!request.allow_private_redirects && IsPrivateHostLiteral(parts.host)) {
      return InvalidArgumentError("refused a redirect to a private address (" + parts.host + ")");
    }
    url = next;
    target = parts;
  }
}

}  // namespace suanli::net
