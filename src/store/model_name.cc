#include "store/model_name.h"

#include <algorithm>
#include <vector>

namespace suanli::store {

namespace {

bool ValidPart(const std::string& s, size_t max_len, bool allow_dot, bool allow_colon) {
  if (s.empty() || s.size() > max_len) return false;
  auto ok_first = [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!ok_first(s[0])) return false;
  for (char c : s) {
    if (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') continue;
    if (c == '.' && allow_dot) continue;
    if (c == ':' && allow_colon) continue;
    return false;
  }
  return s.find("..") == std::string::npos;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string ModelName::Display() const {
  std::string out;
  if (host != "registry.ollama.ai") out += host + "/";
  if (host != "registry.ollama.ai" || name_space != "library") out += name_space + "/";
  return out + model + ":" + tag;
}

std::string ModelName::ManifestPath() const { return host + "/" + name_space + "/" + model + "/" + tag; }
std::string ModelName::Key() const { return Lower(ManifestPath()); }

StatusOr<ModelName> ParseModelName(const std::string& text) {
  auto invalid = [&] { return InvalidArgumentError("invalid model name \"" + text + "\""); };
  if (text.empty() || text.size() > 600 || text.find('@') != std::string::npos) return invalid();
  ModelName name;
  std::string rest = text;
  const size_t slash = rest.find_last_of('/');
  const size_t colon = rest.find_last_of(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    name.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = rest.find('/', start);
    parts.push_back(rest.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  if (parts.size() > 3) return invalid();
  name.model = parts.back();
  if (parts.size() >= 2) name.name_space = parts[parts.size() - 2];
  if (parts.size() == 3) name.host = parts[0];
  if (!ValidPart(name.host, 350, true, true) || !ValidPart(name.name_space, 80, false, false) ||
      !ValidPart(name.model, 80, true, false) || !ValidPart(name.tag, 80, true, false)) {
    return invalid();
  }
  return name;
}

}  // namespace suanli::store
