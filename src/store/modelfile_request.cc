// From a parsed Modelfile to the /api/create request: FROM/ADAPTER/DRAFT path
// expansion (relative to the Modelfile, "~", "~user"), the files a local
// model stands for, and their digests.
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/sha256.h"
#include "store/modelfile.h"

namespace suanli::store {

namespace fs = std::filesystem;

namespace {

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  }
  return true;
}

// What a user means as a file rather than a model name.
bool LooksLikePath(std::string_view v) {
  return v.starts_with('/') || v.starts_with('.') || v.starts_with('~') || v.starts_with('\\') ||
         EndsWithNoCase(v, ".gguf") || EndsWithNoCase(v, ".bin") || EndsWithNoCase(v, ".safetensors");
}

StatusOr<std::string> HomeOf(const std::string& user) {
  if (user.empty()) {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return std::string(home);
  }
  struct passwd pw;
  struct passwd* result = nullptr;
  std::vector<char> buf(16384);
  const int rc = user.empty() ? getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &result)
                              : getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &result);
  if (rc != 0 || result == nullptr) {
    return InvalidArgumentError(user.empty() ? "failed to get current user" : "failed to find user '" + user + "'");
  }
  return std::string(pw.pw_dir);
}

std::string Absolute(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool IsDigestRef(std::string_view v) { return v.starts_with("@sha256:") && IsValidDigest(v.substr(1)); }

// Regular files in `dir` (and, for "*/" patterns, one level down) whose
// names match `prefix*suffix`.
std::vector<fs::path> Glob(const fs::path& dir, std::string_view prefix, std::string_view suffix, bool nested) {
  std::vector<fs::path> out;
  std::error_code ec;
  auto match = [&](const fs::path& p) {
    const std::string name = p.filename().string();
    return name.size() >= prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix);
  };
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (nested) {
      if (!entry.is_directory(ec)) continue;
      std::error_code ec2;
      for (const auto& inner : fs::directory_iterator(entry.path(), ec2)) {
        if (inner.is_regular_file(ec2) && match(inner.path())) out.push_back(inner.path());
      }
    } else if (entry.is_regular_file(ec) && match(entry.path())) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<std::string> DigestOf(const std::string& file, const CreateRequestOptions& options) {
  if (options.digest) return options.digest(file);
  ASSIGN_OR_RETURN(std::string hex, Sha256File(file));
  return "sha256:" + hex;
}

StatusOr<nlohmann::json> DigestMap(const std::string& path, const CreateRequestOptions& options) {
  ASSIGN_OR_RETURN(auto files, ModelFilesAt(path));
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, file] : files) {
    ASSIGN_OR_RETURN(std::string digest, DigestOf(file, options));
    out[name] = digest;
  }
  return out;
}

}  // namespace

StatusOr<std::string> ExpandModelfilePath(std::string_view value, std::string_view modelfile_dir) {
  const std::string v(value);
  if (v.starts_with('/') || v.starts_with('\\')) return Absolute(v);
  if (v.starts_with('~')) {
    const size_t slash = v.find('/');
    const std::string user = v.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    ASSIGN_OR_RETURN(std::string home, HomeOf(user));
    const std::string rest = slash == std::string::npos ? "" : v.substr(slash + 1);
    return Absolute(rest.empty() ? fs::path(home) : fs::path(home) / rest);
  }
  return Absolute(fs::path(modelfile_dir.empty() ? "." : std::string(modelfile_dir)) / v);
}

StatusOr<FromSource> ResolveFrom(std::string_view value, std::string_view modelfile_dir) {
  FromSource out;
  ASSIGN_OR_RETURN(std::string path, ExpandModelfilePath(value, modelfile_dir));
  std::error_code ec;
  if (fs::exists(path, ec)) {
    out.is_path = true;
    out.path = path;
    return out;
  }
  if (LooksLikePath(value)) return NotFoundError("FROM " + std::string(value) + ": no such file or folder");
  out.model = std::string(value);
  return out;
}

StatusOr<std::vector<std::pair<std::string, std::string>>> ModelFilesAt(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return NotFoundError(fs::path(path).filename().string() + ": no such file or folder");
  if (!fs::is_directory(st))
    return std::vector<std::pair<std::string, std::string>>{{fs::path(path).filename().string(), path}};

  const fs::path dir(path);
  std::vector<fs::path> files = Glob(dir, "model", ".safetensors", false);
  if (!files.empty()) {
    for (auto& p : Glob(dir, "model", ".safetensors", true)) files.push_back(p);
  } else {
    for (auto [prefix, suffix] : {std::pair{"consolidated", ".safetensors"},
                                  {"pytorch_model", ".bin"},
                                  {"consolidated", ".pth"},
                                  {"", ".gguf"},
                                  {"", ".bin"}}) {
      files = Glob(dir, prefix, suffix, false);
      if (!files.empty()) break;
    }
  }
  if (files.empty()) return NotFoundError("no Modelfile or safetensors files found");
  for (bool nested : {false, true}) {
    for (auto& p : Glob(dir, "", ".json", nested)) files.push_back(p);
  }
  for (auto& p : Glob(dir, "chat_template.jinja", "", false)) files.push_back(p);
  auto tokenizer = Glob(dir, "tokenizer.model", "", false);
  if (tokenizer.empty()) tokenizer = Glob(dir, "tokenizer.model", "", true);
  for (auto& p : tokenizer) files.push_back(p);

  const fs::path root = fs::weakly_canonical(dir, ec);
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& f : files) {
    const fs::path real = fs::weakly_canonical(f, ec);
    const std::string rel = real.lexically_relative(root).string();
    if (rel.empty() || rel.starts_with("..")) return InvalidArgumentError("insecure path: " + f.filename().string());
    if (seen.insert(rel).second) out.emplace_back(rel, real.string());
  }
  return out;
}

StatusOr<nlohmann::json> ToCreateRequest(const Modelfile& m, const CreateRequestOptions& options) {
  nlohmann::json req = nlohmann::json::object();
  std::vector<std::string> model_paths;
  std::vector<std::string> froms = {m.from};
  froms.insert(froms.end(), m.extra_from.begin(), m.extra_from.end());
  for (size_t i = 0; i < froms.size(); ++i) {
    const std::string& v = froms[i];
    const std::string where = i == 0 && m.from_line > 0 ? "(line " + std::to_string(m.from_line) + "): " : "";
    if (!options.allow_local_paths) {
      if (IsDigestRef(v)) {
        req["files"][i == 0 ? "model.gguf" : "model-" + std::to_string(i) + ".gguf"] = v.substr(1);
      } else if (v.starts_with('@')) {
        return InvalidArgumentError(where + "FROM " + v + ": invalid blob digest");
      } else if (LooksLikePath(v)) {
        return InvalidArgumentError(where + "FROM " + v + ": local paths are not allowed here; upload the file " +
                                    "with /api/blobs and use FROM @sha256:<digest>");
      } else {
        req["from"] = v;
      }
      continue;
    }
    auto source = ResolveFrom(v, options.modelfile_dir);
    if (!source.ok()) return Status(source.status().code(), where + source.status().message());
    if (!source->is_path) {
      req["from"] = source->model;
      continue;
    }
    ASSIGN_OR_RETURN(nlohmann::json files, DigestMap(source->path, options));
    for (auto& [name, digest] : files.items()) req["files"][name] = digest;
    model_paths.push_back(source->path);
  }

  auto local = [&](const std::string& instruction, const std::string& v, const char* field) -> Status {
    if (!options.allow_local_paths) {
      if (!IsDigestRef(v)) {
        return InvalidArgumentError(instruction + " " + v + ": local paths are not allowed here; upload the file " +
                                    "with /api/blobs and use " + instruction + " @sha256:<digest>");
      }
      const std::string stem = instruction == "ADAPTER" ? "adapter" : "draft";
      const size_t n = req.contains(field) ? req[field].size() : 0;
      req[field][n == 0 ? stem + ".gguf" : stem + "-" + std::to_string(n) + ".gguf"] = v.substr(1);
      return OkStatus();
    }
    ASSIGN_OR_RETURN(std::string path, ExpandModelfilePath(v, options.modelfile_dir));
    std::error_code ec;
    if (!fs::exists(path, ec)) return NotFoundError(instruction + " " + v + ": no such file or folder");
    if (instruction == "DRAFT") {
      for (const auto& p : model_paths) {
        if (fs::equivalent(p, path, ec))
          return InvalidArgumentError("DRAFT must not reference the same local path as FROM");
      }
    }
    ASSIGN_OR_RETURN(nlohmann::json files, DigestMap(path, options));
    for (auto& [name, digest] : files.items()) req[field][name] = digest;
    return OkStatus();
  };
  for (const auto& a : m.adapters) RETURN_IF_ERROR(local("ADAPTER", a, "adapters"));
  if (!m.draft.empty()) RETURN_IF_ERROR(local("DRAFT", m.draft, "draft_files"));

  if (m.has_template) req["template"] = m.template_text;
  if (m.has_system) req["system"] = m.system;
  if (!m.parameters.empty()) req["parameters"] = m.parameters;
  if (!m.messages.empty()) {
    nlohmann::json messages = nlohmann::json::array();
    for (const auto& msg : m.messages) messages.push_back({{"role", msg.role}, {"content", msg.content}});
    req["messages"] = std::move(messages);
  }
  if (!m.licenses.empty()) req["license"] = m.licenses;
  if (!m.requires_version.empty()) req["requires"] = m.requires_version;
  if (!m.renderer.empty()) req["renderer"] = m.renderer;
  if (!m.parser.empty()) req["parser"] = m.parser;
  return req;
}

}  // namespace suanli::store
