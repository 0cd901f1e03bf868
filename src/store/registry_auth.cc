#include "store/registry_auth.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "net/http_fetch.h"

namespace suanli::store {

namespace {

constexpr size_t kMaxTokenBytes = 16 << 10;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

StatusOr<BearerChallenge> ParseBearerChallenge(std::string_view header) {
  auto invalid = [] { return InvalidArgumentError("the registry sent an unreadable authentication challenge"); };
  size_t i = 0;
  while (i < header.size() && IsSpace(header[i])) ++i;
  const size_t scheme_end = header.find_first_of(" \t", i);
  if (scheme_end == std::string_view::npos || Lower(header.substr(i, scheme_end - i)) != "bearer") {
    return InvalidArgumentError("the registry asked for an unsupported authentication scheme (only Bearer tokens work)");
  }
  i = scheme_end;
  BearerChallenge c;
  while (i < header.size()) {
    while (i < header.size() && (IsSpace(header[i]) || header[i] == ',')) ++i;
    if (i >= header.size()) break;
    const size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) return invalid();
    std::string key = Lower(header.substr(i, eq - i));
    while (!key.empty() && IsSpace(key.back())) key.pop_back();
    if (key.empty() || key.find_first_of(" \t,\"") != std::string::npos) return invalid();
    i = eq + 1;
    while (i < header.size() && IsSpace(header[i])) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < header.size()) {
        const char ch = header[i++];
        if (ch == '\\' && i < header.size()) {
          value += header[i++];
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          value += ch;
        }
      }
      if (!closed) return invalid();
    } else {
      const size_t end = header.find(',', i);
      value = std::string(header.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      while (!value.empty() && IsSpace(value.back())) value.pop_back();
      i = end == std::string_view::npos ? header.size() : end;
    }
    if (key == "realm") c.realm = value;
    else if (key == "service") c.service = value;
    else if (key == "scope") c.scope = value;
  }
  if (c.realm.empty()) return InvalidArgumentError("the registry's authentication challenge has no realm");
  return c;
}

StatusOr<std::string> TokenUrl(const BearerChallenge& challenge, const std::string& registry_authority,
                               bool allow_http) {
  net::UrlParts realm;
  if (!net::SplitUrl(challenge.realm, &realm) || (realm.scheme != "https" && realm.scheme != "http")) {
    return InvalidArgumentError("the registry's token realm is not an http(s) URL");
  }
  if (realm.authority != Lower(registry_authority)) {
    return InvalidArgumentError("refused the token realm on " + realm.authority + ": it must be the registry's host " +
                                Lower(registry_authority));
  }
  if (realm.scheme == "http" && !allow_http) {
    return InvalidArgumentError("refused a plain http token realm (use insecure for http registries)");
  }
  std::string url = challenge.realm;
  std::string query;
  if (!challenge.service.empty()) query += "service=" + net::UrlEncode(challenge.service);
  if (!challenge.scope.empty()) {
    if (!query.empty()) query += '&';
    query += "scope=";
    query += net::UrlEncode(challenge.scope);
  }
  if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
  return url;
}

StatusOr<std::string> ParseTokenReply(std::string_view body) {
  auto reply = nlohmann::json::parse(body, nullptr, false);
  if (reply.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      auto it = reply.find(key);
      if (it == reply.end() || !it->is_string()) continue;
      const std::string token = it->get<std::string>();
      const bool printable = !token.empty() && token.size() <= kMaxTokenBytes &&
                             std::all_of(token.begin(), token.end(), [](char ch) { return ch > ' ' && ch < 127; });
      if (printable) return token;
    }
  }
  return InvalidArgumentError("the registry's token endpoint sent no usable token");
}

}  // namespace suanli::store
