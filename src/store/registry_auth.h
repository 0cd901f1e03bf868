// The registry's bearer-token handshake: parsing a `WWW-Authenticate: Bearer
// realm=...,service=...,scope=...` challenge, building the token request with
// the realm pinned to the registry's own host (CVE-2025-51471: a realm on
// another host would receive the request and its credentials), and reading
// the token reply. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace suanli::store {

struct BearerChallenge {
  std::string realm;
  std::string service;
  std::string scope;
};

// Parses a challenge: the scheme `Bearer` (any case), then comma-separated
// key=value or key="quoted \"value\"" parameters; unknown keys are ignored.
// InvalidArgument for another scheme, a malformed list or a missing realm.
StatusOr<BearerChallenge> ParseBearerChallenge(std::string_view header);

// realm?service=...&scope=... . InvalidArgument unless the realm is an
// http(s) URL whose host:port equals `registry_authority` (lower case) and,
// unless `allow_http`, uses https.
StatusOr<std::string> TokenUrl(const BearerChallenge& challenge, const std::string& registry_authority,
                               bool allow_http);

// The token from the token endpoint's JSON reply ({"token"} or, as in the
// Docker spec, {"access_token"}). InvalidArgument otherwise.
StatusOr<std::string> ParseTokenReply(std::string_view body);

}  // namespace suanli::store
