#include "store/model_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/atomic_file.h"
#include "base/log.h"
#include "base/sha256.h"
#include "store/gguf_details.h"

namespace suanli::store {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kManifestType = "application/vnd.docker.distribution.manifest.v2+json";
constexpr const char* kConfigType = "application/vnd.docker.container.image.v1+json";
constexpr const char* kModelLayer = "application/vnd.ollama.image.model";
constexpr const char* kTemplateLayer = "application/vnd.ollama.image.template";
constexpr const char* kSystemLayer = "application/vnd.ollama.image.system";
constexpr const char* kParamsLayer = "application/vnd.ollama.image.params";
constexpr const char* kMessagesLayer = "application/vnd.ollama.image.messages";
constexpr const char* kLicenseLayer = "application/vnd.ollama.image.license";
constexpr const char* kAdapterLayer = "application/vnd.ollama.image.adapter";
constexpr const char* kUploadSuffix = "-upload-";

std::atomic<uint64_t> g_upload_counter{0};

StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("file not found");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The digests a manifest names (config and layers); empty when it is not a
// JSON object.
std::set<std::string> LayerDigests(const json& m) {
  std::set<std::string> out;
  if (!m.is_object()) return out;
  if (m.contains("config") && m["config"].is_object()) out.insert(m["config"].value("digest", ""));
  const json layers = m.value("layers", json::array());
  if (!layers.is_array()) return out;
  for (const json& layer : layers) {
    if (layer.is_object()) out.insert(layer.value("digest", ""));
  }
  return out;
}

std::set<std::string> LayerDigestsOfFile(const std::string& path) {
  auto bytes = ReadAll(path);
  return bytes.ok() ? LayerDigests(json::parse(*bytes, nullptr, false)) : std::set<std::string>();
}

Status MissingLayers(const std::string& display) {
  return NotFoundError("model '" + display + "' is missing its layers; pull or create it again");
}

}  // namespace

StatusOr<std::unique_ptr<ModelStore>> ModelStore::Open(const Options& options) {
  RETURN_IF_ERROR(MakeDirectories(options.root + "/manifests"));
  RETURN_IF_ERROR(MakeDirectories(options.root + "/blobs"));
  std::error_code ec;
  // Recovery: uploads and writes a crash interrupted leave temp files only.
  for (const auto& dir : {options.root + "/blobs", options.root + "/manifests"}) {
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.find(kUploadSuffix) != std::string::npos || name.find(".tmp-") != std::string::npos) {
        fs::remove(it->path(), ec);
      }
    }
  }
  std::unique_ptr<ModelStore> store(new ModelStore(options));
  // Models that a crash, a full disk or a hand-removed blob broke are left
  // out of List; say which, once.
  for (const ManifestFile& file : store->ManifestFiles()) {
    auto record = store->Load(file.name, file.path);
    if (!record.ok()) LogWarn("model " + file.name.Display() + " is not listed: " + record.status().message());
  }
  return store;
}

std::string ModelStore::BlobPath(const std::string& digest) const {
  return options_.root + "/blobs/sha256-" + digest.substr(7);
}

bool ModelStore::HasBlob(const std::string& digest) const {
  if (!IsValidDigest(digest)) return false;
  struct stat st {};
  return ::stat(BlobPath(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

StatusOr<ModelRecord> ModelStore::Load(const ModelName& name, const std::string& manifest_file) const {
  ASSIGN_OR_RETURN(std::string bytes, ReadAll(manifest_file));
  json manifest = json::parse(bytes, nullptr, false);
  const std::string display = name.Display();
  if (!manifest.is_object() || !manifest.contains("layers") || !manifest["layers"].is_array()) {
    return InternalError("the manifest of '" + display + "' is corrupt");
  }
  ModelRecord r;
  r.name = name;
  r.digest = Sha256Hex(bytes);
  struct stat st {};
  if (::stat(manifest_file.c_str(), &st) == 0) r.modified = std::chrono::system_clock::from_time_t(st.st_mtime);
  // The model, adapter and config blobs must be stored too, not only the
  // text layers read here: a model whose GGUF is gone would otherwise be
  // listed and fail only when it is loaded.
  auto stored_blob = [&](const json& layer) -> StatusOr<std::string> {
    const std::string digest = layer.value("digest", "");
    if (!IsValidDigest(digest)) return InternalError("the manifest of '" + display + "' has a bad digest");
    if (!HasBlob(digest)) return MissingLayers(display);
    return BlobPath(digest);
  };
  auto blob_text = [&](const json& layer) -> StatusOr<std::string> {
    ASSIGN_OR_RETURN(std::string path, stored_blob(layer));
    auto text = ReadAll(path);
    if (!text.ok()) return MissingLayers(display);
    return text;
  };
  for (const json& layer : manifest["layers"]) {
    if (!layer.is_object()) continue;
    const std::string type = layer.value("mediaType", "");
    r.size += layer.value("size", uint64_t{0});
    if (type == kModelLayer) {
      ASSIGN_OR_RETURN(r.model_path, stored_blob(layer));
    } else if (type == kAdapterLayer) {
      ASSIGN_OR_RETURN(std::string path, stored_blob(layer));
      r.adapter_paths.push_back(std::move(path));
    } else if (type == kParamsLayer) {
      ASSIGN_OR_RETURN(std::string text, blob_text(layer));
      r.parameters = json::parse(text, nullptr, false);
      if (!r.parameters.is_object()) r.parameters = json::object();
    } else if (type == kMessagesLayer) {
      ASSIGN_OR_RETURN(std::string text, blob_text(layer));
      r.messages = json::parse(text, nullptr, false);
      if (!r.messages.is_array()) r.messages = json::array();
    } else if (type == kSystemLayer) {
      ASSIGN_OR_RETURN(r.system, blob_text(layer));
    } else if (type == kTemplateLayer || type == "application/vnd.ollama.image.prompt") {
      ASSIGN_OR_RETURN(r.template_text, blob_text(layer));
    } else if (type == kLicenseLayer) {
      ASSIGN_OR_RETURN(std::string text, blob_text(layer));
      r.licenses.push_back(std::move(text));
    }
  }
  if (r.model_path.empty()) return InternalError("model '" + display + "' has no model layer");
  if (manifest.contains("config") && manifest["config"].is_object()) {
    ASSIGN_OR_RETURN(std::string config_text, blob_text(manifest["config"]));
    json config = json::parse(config_text, nullptr, false);
    if (config.is_object()) {
      r.details.format = config.value("model_format", "gguf");
      r.details.family = config.value("model_family", "");
      r.details.parameter_size = config.value("model_type", "");
      r.details.quantization_level = config.value("file_type", "");
      r.details.context_length = config.value("context_length", uint64_t{0});
      r.details.embedding_length = config.value("embedding_length", uint64_t{0});
    }
  }
  return r;
}

std::vector<ModelStore::ManifestFile> ModelStore::ManifestFiles() const {
  std::vector<ManifestFile> out;
  const fs::path base = options_.root + "/manifests";
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() != 3 || !it->is_regular_file()) continue;
    const fs::path rel = fs::relative(it->path(), base);
    std::vector<std::string> parts;
    for (const auto& p : rel) parts.push_back(p.string());
    if (parts.size() != 4 || parts[3].find(".tmp-") != std::string::npos) continue;
    auto name = ParseModelName(parts[0] + "/" + parts[1] + "/" + parts[2] + ":" + parts[3]);
    if (name.ok()) out.push_back({*name, it->path().string()});
  }
  return out;
}

StatusOr<std::vector<ModelRecord>> ModelStore::List() const {
  std::vector<ModelRecord> out;
  for (const ManifestFile& file : ManifestFiles()) {
    auto record = Load(file.name, file.path);
    if (!record.ok()) {
      LogDebug("skipping model " + file.name.Display() + ": " + record.status().message());
      continue;
    }
    out.push_back(std::move(record).value());
  }
  return out;
}

StatusOr<ModelRecord> ModelStore::Get(const std::string& text) const {
  ASSIGN_OR_RETURN(ModelName requested, ParseModelName(text));
  const ModelName name = ExistingSpelling(requested);  // case-insensitive match
  const std::string path = options_.root + "/manifests/" + name.ManifestPath();
  if (::access(path.c_str(), F_OK) != 0) return NotFoundError("model '" + text + "' not found");
  return Load(name, path);
}

ModelName ModelStore::ExistingSpelling(const ModelName& name) const {
  const std::string base = options_.root + "/manifests/";
  if (::access((base + name.ManifestPath()).c_str(), F_OK) == 0) return name;
  std::error_code ec;
  const fs::path root(base);
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() != 3 || !it->is_regular_file() || it->path().filename().string().find(".tmp-") != std::string::npos) {
      continue;
    }
    const std::string rel = fs::relative(it->path(), root).string();
    std::string lower = rel;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower != name.Key()) continue;
    std::vector<std::string> parts;
    for (const auto& p : fs::path(rel)) parts.push_back(p.string());
    auto existing = ParseModelName(parts[0] + "/" + parts[1] + "/" + parts[2] + ":" + parts[3]);
    if (existing.ok()) return *existing;
  }
  return name;
}

StatusOr<std::string> ModelStore::WriteBlobBytes(const std::string& data) {
  const std::string digest = "sha256:" + Sha256Hex(data);
  if (!HasBlob(digest)) RETURN_IF_ERROR(WriteFileAtomically(BlobPath(digest), data));
  return digest;
}

Status ModelStore::Create(const std::string& text, const CreateSpec& spec,
                          const std::function<void(const std::string&)>& progress) {
  ASSIGN_OR_RETURN(ModelName requested, ParseModelName(text));
  if (!IsValidDigest(spec.model_digest)) return InvalidArgumentError("invalid digest '" + spec.model_digest + "'");
  for (const auto& digest : spec.adapter_digests) {
    if (!IsValidDigest(digest)) return InvalidArgumentError("invalid digest '" + digest + "'");
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  const ModelName name = ExistingSpelling(requested);  // one manifest per name, whatever its case
  // Checked under the lock: a delete or create may have pruned a blob since
  // the caller saw it.
  if (!HasBlob(spec.model_digest)) {
    return InvalidArgumentError("blob " + spec.model_digest + " not found; upload it first");
  }
  for (const auto& digest : spec.adapter_digests) {
    if (!HasBlob(digest)) return InvalidArgumentError("blob " + digest + " not found; upload it first");
  }
  progress("parsing GGUF");
  ASSIGN_OR_RETURN(ModelDetails details, ReadModelDetails(BlobPath(spec.model_digest)));

  json layers = json::array();
  auto add_layer = [&](const char* type, const std::string& digest) {
    struct stat st {};
    ::stat(BlobPath(digest).c_str(), &st);
    layers.push_back({{"mediaType", type}, {"digest", digest}, {"size", static_cast<uint64_t>(st.st_size)}});
  };
  progress((spec.new_model_layer ? "creating new layer " : "using existing layer ") + spec.model_digest);
  add_layer(kModelLayer, spec.model_digest);
  for (const auto& digest : spec.adapter_digests) {
    progress("using existing layer " + digest);
    add_layer(kAdapterLayer, digest);
  }
  auto add_text = [&](const char* type, const std::string& data) -> Status {
    const std::string digest = "sha256:" + Sha256Hex(data);
    progress((HasBlob(digest) ? "using existing layer " : "creating new layer ") + digest);
    ASSIGN_OR_RETURN(std::string written, WriteBlobBytes(data));
    add_layer(type, written);
    return OkStatus();
  };
  if (!spec.template_text.empty()) RETURN_IF_ERROR(add_text(kTemplateLayer, spec.template_text));
  if (!spec.system.empty()) RETURN_IF_ERROR(add_text(kSystemLayer, spec.system));
  for (const auto& license : spec.licenses) RETURN_IF_ERROR(add_text(kLicenseLayer, license));
  if (!spec.parameters.empty()) RETURN_IF_ERROR(add_text(kParamsLayer, spec.parameters.dump()));
  if (!spec.messages.empty()) RETURN_IF_ERROR(add_text(kMessagesLayer, spec.messages.dump()));

  json config = {{"model_format", details.format}, {"model_family", details.family},
                 {"model_families", {details.family}}, {"model_type", details.parameter_size},
                 {"file_type", details.quantization_level}, {"context_length", details.context_length},
                 {"embedding_length", details.embedding_length}, {"architecture", "amd64"}, {"os", "linux"}};
  const std::string config_text = config.dump();
  ASSIGN_OR_RETURN(std::string config_digest, WriteBlobBytes(config_text));
  json manifest = {{"schemaVersion", 2}, {"mediaType", kManifestType},
                   {"config", {{"mediaType", kConfigType}, {"digest", config_digest}, {"size", config_text.size()}}},
                   {"layers", layers}};
  progress("writing manifest");
  const std::string path = options_.root + "/manifests/" + name.ManifestPath();
  // The replaced manifest's layers are the only blobs this create may free
  // (as in Delete); those the new manifest uses stay.
  std::set<std::string> unused = LayerDigestsOfFile(path);
  for (const auto& digest : LayerDigests(manifest)) unused.erase(digest);
  RETURN_IF_ERROR(MakeDirectories(path.substr(0, path.find_last_of('/'))));
  RETURN_IF_ERROR(WriteFileAtomically(path, manifest.dump()));
  if (options_.prune && !unused.empty()) RETURN_IF_ERROR(PruneUnreferenced(unused));
  progress("success");
  return OkStatus();
}

Status ModelStore::Copy(const std::string& source, const std::string& destination) {
  ASSIGN_OR_RETURN(ModelRecord src, Get(source));
  ASSIGN_OR_RETURN(ModelName requested, ParseModelName(destination));
  std::lock_guard<std::mutex> lock(write_mu_);
  const ModelName dst = ExistingSpelling(requested);
  ASSIGN_OR_RETURN(std::string bytes, ReadAll(options_.root + "/manifests/" + src.name.ManifestPath()));
  const std::string path = options_.root + "/manifests/" + dst.ManifestPath();
  RETURN_IF_ERROR(MakeDirectories(path.substr(0, path.find_last_of('/'))));
  return WriteFileAtomically(path, bytes);
}

Status ModelStore::Delete(const std::string& text) {
  ASSIGN_OR_RETURN(ModelName requested, ParseModelName(text));
  std::lock_guard<std::mutex> lock(write_mu_);
  // Only the manifest is needed: a model whose layers are missing (or whose
  // manifest is corrupt) can be deleted too.
  const ModelName name = ExistingSpelling(requested);
  fs::path path = options_.root + "/manifests/" + name.ManifestPath();
  if (::access(path.c_str(), F_OK) != 0) return NotFoundError("model '" + text + "' not found");
  // The layers of this manifest are the only blobs the delete may free: other
  // unreferenced blobs may be uploads for a create that is still to come.
  const std::set<std::string> layers = LayerDigestsOfFile(path.string());
  std::error_code ec;
  if (!fs::remove(path, ec)) return InternalError("could not delete model '" + text + "'");
  // Remove folders left empty, up to manifests/.
  for (fs::path dir = path.parent_path(); dir != fs::path(options_.root + "/manifests"); dir = dir.parent_path()) {
    if (!fs::is_empty(dir, ec) || !fs::remove(dir, ec)) break;
  }
  return options_.prune ? PruneUnreferenced(layers) : OkStatus();
}

Status ModelStore::PruneUnreferenced(const std::set<std::string>& digests) {
  std::set<std::string> referenced;
  std::error_code ec;
  const fs::path base = options_.root + "/manifests";
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->path().filename().string().find(".tmp-") != std::string::npos) continue;
    auto bytes = ReadAll(it->path().string());
    json m = bytes.ok() ? json::parse(*bytes, nullptr, false) : json();
    if (!m.is_object()) return OkStatus();  // unreadable manifest: keep every blob
    referenced.merge(LayerDigests(m));
  }
  if (ec) return OkStatus();  // the listing failed: keep every blob
  for (const auto& digest : digests) {
    // An unlinked blob stays readable to a runner that has it open (mmap).
    if (IsValidDigest(digest) && !referenced.count(digest)) fs::remove(BlobPath(digest), ec);
  }
  return OkStatus();
}

// ---- pulls ------------------------------------------------------------------

StatusOr<std::string> ModelStore::ReadManifest(const ModelName& name) const {
  return ReadAll(options_.root + "/manifests/" + name.ManifestPath());
}

Status ModelStore::WriteManifest(const ModelName& name, std::string_view bytes) {
  std::lock_guard<std::mutex> lock(write_mu_);
  // A delete of another model may have freed a layer this manifest shares
  // since the caller saw it: never write a manifest whose blobs are missing.
  json manifest = json::parse(bytes, nullptr, false);
  if (!manifest.is_object()) return InvalidArgumentError("the manifest is not a JSON object");
  json layers = manifest.value("layers", json::array());
  if (!layers.is_array()) return InvalidArgumentError("the manifest's layers are not a list");
  if (manifest.contains("config")) layers.push_back(manifest["config"]);
  for (const json& layer : layers) {
    const std::string digest = layer.is_object() ? layer.value("digest", "") : "";
    if (!IsValidDigest(digest)) return InvalidArgumentError("the manifest names an invalid digest");
    if (!HasBlob(digest)) {
      return UnavailableError("layer " + digest + " was removed while the model was written; try again");
    }
  }
  const std::string path = options_.root + "/manifests/" + name.ManifestPath();
  RETURN_IF_ERROR(MakeDirectories(path.substr(0, path.find_last_of('/'))));
  return WriteFileAtomically(path, bytes);
}

Status ModelStore::RemoveUnreferencedBlobs(const std::vector<std::string>& digests) {
  std::lock_guard<std::mutex> lock(write_mu_);
  return PruneUnreferenced(std::set<std::string>(digests.begin(), digests.end()));
}

// ---- uploads ----------------------------------------------------------------

struct BlobUpload::Hasher {
  Sha256 sha;
};

StatusOr<std::unique_ptr<PendingBlob>> ModelStore::NewPendingBlob() {
  const std::string dir = options_.root + "/blobs";
  const std::string temp = dir + "/pending.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(g_upload_counter++);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError(std::string("cannot create a blob: ") + std::strerror(errno));
  ::close(fd);
  return std::make_unique<PendingBlob>(temp, dir);
}

PendingBlob::~PendingBlob() {
  if (!done_) ::unlink(temp_path_.c_str());
}

StatusOr<std::string> PendingBlob::Commit() {
  ASSIGN_OR_RETURN(std::string hex, Sha256File(temp_path_));
  int fd = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InternalError("the new blob disappeared before it was stored");
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return InternalError("cannot flush the new blob to disk");
  const std::string final_path = blobs_dir_ + "/sha256-" + hex;
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) return InternalError("cannot move the new blob into place");
  done_ = true;
  RETURN_IF_ERROR(SyncDirectory(blobs_dir_));
  return "sha256:" + hex;
}

StatusOr<std::unique_ptr<BlobUpload>> ModelStore::BeginUpload(const std::string& digest) {
  if (!IsValidDigest(digest)) return InvalidArgumentError("invalid digest format");
  const std::string final_path = BlobPath(digest);
  const std::string temp = final_path + kUploadSuffix + std::to_string(::getpid()) + "-" +
                           std::to_string(g_upload_counter++);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InternalError(std::string("cannot store the upload: ") + std::strerror(errno));
  return std::make_unique<BlobUpload>(digest, temp, final_path, options_.max_blob_bytes, fd);
}

BlobUpload::BlobUpload(std::string digest, std::string temp_path, std::string final_path, uint64_t max_bytes, int fd)
    : digest_(std::move(digest)), temp_path_(std::move(temp_path)), final_path_(std::move(final_path)),
      max_bytes_(max_bytes), fd_(fd), hasher_(std::make_unique<Hasher>()) {}

BlobUpload::~BlobUpload() {
  if (fd_ >= 0) ::close(fd_);
  if (!done_) ::unlink(temp_path_.c_str());
}

Status BlobUpload::Write(const char* data, size_t n) {
  if (written_ + n > max_bytes_) return ResourceExhaustedError("the upload is larger than the server accepts");
  hasher_->sha.Update(data, n);
  size_t off = 0;
  while (off < n) {
    ssize_t w = ::write(fd_, data + off, n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return InternalError(std::string("cannot store the upload: ") + std::strerror(errno));
    }
    off += static_cast<size_t>(w);
  }
  written_ += n;
  return OkStatus();
}

Status BlobUpload::Commit() {
  const std::string got = "sha256:" + hasher_->sha.FinalHex();
  if (got != digest_) return InvalidArgumentError("digest mismatch, expected " + digest_ + ", got " + got);
  const bool synced = ::fsync(fd_) == 0;
  const bool closed = ::close(fd_) == 0;  // always, even when fsync failed
  fd_ = -1;
  if (!synced || !closed) return InternalError("cannot flush the upload to disk");
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) return InternalError("cannot move the upload into place");
  done_ = true;
  return SyncDirectory(final_path_.substr(0, final_path_.find_last_of('/')));
}

}  // namespace suanli::store
