// HttpFetch: one outbound HTTP(S) GET or HEAD on libcurl, for registry pulls
// and URL ingestion. Every reply is untrusted: the body is capped, encoded
// bodies (gzip, ...) are refused rather than inflated, a transfer that makes
// no progress for `stall_timeout_s` is aborted, redirects are followed by
// hand (http(s) only, never https -> http unless allowed, the Authorization
// header only to the original host, no link-local targets and no private
// ones unless allowed), and a cancel flag stops it within about a second.
// Thread-safety: HttpFetch may be called from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace suanli::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct FetchRequest {
  std::string method = "GET";  // GET or HEAD
  std::string url;
  Headers headers;  // sent as given; "Authorization" only to the first host
  // Inclusive byte range [first, last] ("Range: bytes=first-last").
  std::optional<std::pair<uint64_t, uint64_t>> range;
  // Bodies longer than this end the transfer with ResourceExhausted; for
  // streamed bodies the bytes up to the cap are still delivered first.
  uint64_t max_body_bytes = 1 << 20;
  // Streams a 2xx body to this function instead of FetchResponse::body;
  // returning false aborts (Cancelled). Non-2xx bodies are always collected
  // (capped at 64 KiB) for the error message.
  std::function<bool(const char* data, size_t n)> on_data;
  // Called once the final (non-redirect) reply's headers are in, before any
  // body byte; a non-OK Status aborts the transfer with that Status.
  std::function<Status(int status, const Headers& headers)> on_headers;
  const std::atomic<bool>* cancel = nullptr;  // set from any thread to abort
  int max_redirects = 5;                      // 0: 3xx replies are returned as they are
  bool allow_http = false;                    // plain http (first URL and redirects)
  bool allow_private_redirects = false;       // redirects to loopback/private addresses
  // Holds the first URL to the rules of a redirect too (for URLs a client
  // hands the server): never a link-local address, and a loopback or
  // private one only with allow_private_redirects.
  bool check_first_hop = false;
  int connect_timeout_s = 15;
  int stall_timeout_s = 30;  // no byte received for this long: DeadlineExceeded
  int total_timeout_s = 0;   // 0: none
};

struct FetchResponse {
  int status = 0;
  Headers headers;  // of the final reply; names lower-cased
  std::string body;
  std::string effective_url;  // after redirects
  uint64_t body_bytes = 0;    // bytes received (delivered or collected)

  // The first header with this (lower-case) name, or "".
  std::string Header(const std::string& name) const;
};

// Performs the request. A transport failure or a policy refusal is an error
// Status (Unavailable for network errors, DeadlineExceeded for a stall or
// timeout, ResourceExhausted for an oversized body, InvalidArgument for a
// refused URL, redirect or encoding, Cancelled); any HTTP status, 4xx/5xx
// included, is a response.
StatusOr<FetchResponse> HttpFetch(const FetchRequest& request);

// Splits "scheme://authority/path" (lower-cased scheme and host); false for
// anything else. `authority` keeps the port ("host:port").
struct UrlParts {
  std::string scheme;
  std::string authority;
  std::string host;  // without port or IPv6 brackets
  std::string path;  // from the first '/' (with the query), or ""
};
bool SplitUrl(const std::string& url, UrlParts* parts);

// Percent-encodes a query value (RFC 3986 unreserved characters kept).
std::string UrlEncode(const std::string& value);

}  // namespace suanli::net
