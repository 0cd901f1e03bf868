#include "store/download_state.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/atomic_file.h"

namespace suanli::store {

namespace {

using json = nlohmann::json;

constexpr int kVersion = 1;
constexpr size_t kMaxStateBytes = 1 << 20;
constexpr size_t kMaxParts = 4096;

Status Corrupt() { return InvalidArgumentError("the download's state file is corrupt"); }

}  // namespace

uint64_t DownloadState::Completed() const {
  uint64_t sum = 0;
  for (const auto& p : parts) sum += p.completed;
  return sum;
}

std::vector<PartState> PlanParts(uint64_t total, uint64_t min_part, uint64_t max_part, int max_parts) {
  if (total == 0) return {PartState{}};
  uint64_t size = total / static_cast<uint64_t>(max_parts) + (total % static_cast<uint64_t>(max_parts) != 0);
  size = std::max(std::min(size, max_part), min_part);
  std::vector<PartState> parts;
  for (uint64_t offset = 0; offset < total; offset += size) {
    parts.push_back({offset, std::min(size, total - offset), 0});
  }
  return parts;
}

std::string SerializeDownloadState(const DownloadState& state) {
  json parts = json::array();
  for (const auto& p : state.parts) parts.push_back({{"offset", p.offset}, {"size", p.size}, {"completed", p.completed}});
  return json{{"version", kVersion}, {"source", state.source}, {"validator", state.validator},
              {"total", state.total}, {"parts", parts}}.dump();
}

StatusOr<DownloadState> ParseDownloadState(std::string_view text) {
  if (text.size() > kMaxStateBytes) return Corrupt();
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Corrupt();
  auto u64 = [](const json& o, const char* key, uint64_t* out) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_unsigned()) return false;
    *out = it->get<uint64_t>();
    return true;
  };
  auto str = [](const json& o, const char* key, std::string* out) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  uint64_t version = 0;
  DownloadState s;
  if (!u64(j, "version", &version) || version != kVersion || !str(j, "source", &s.source) ||
      !str(j, "validator", &s.validator) || !u64(j, "total", &s.total)) {
    return Corrupt();
  }
  auto parts = j.find("parts");
  if (parts == j.end() || !parts->is_array() || parts->empty() || parts->size() > kMaxParts) return Corrupt();
  uint64_t next = 0;
  for (const json& p : *parts) {
    PartState part;
    if (!p.is_object() || !u64(p, "offset", &part.offset) || !u64(p, "size", &part.size) ||
        !u64(p, "completed", &part.completed)) {
      return Corrupt();
    }
    if (part.offset != next || part.completed > part.size || part.size > s.total - part.offset) return Corrupt();
    if (part.size == 0 && s.total != 0) return Corrupt();
    next = part.offset + part.size;
    s.parts.push_back(part);
  }
  if (next != s.total) return Corrupt();
  return s;
}

StatusOr<DownloadState> LoadDownloadState(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("no download state");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseDownloadState(ss.str());
}

Status SaveDownloadState(const std::string& path, const DownloadState& state) {
  return WriteFileAtomically(path, SerializeDownloadState(state));
}

}  // namespace suanli::store
