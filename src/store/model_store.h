// ModelStore keeps models in Ollama's on-disk layout:
// manifests/<host>/<namespace>/<model>/<tag> (Docker v2 manifest JSON with
// application/vnd.ollama.image.* layers) and blobs/sha256-<64 hex>. Blobs are
// immutable and content-addressed; manifests are written last and atomically.
// Thread-safety: all methods may be called concurrently; writers (create,
// copy, delete, blob commits) are serialised on an internal mutex. Callers
// that run longer operations on one name (a create that quantizes, a pull)
// hold that name's lock from name_locks() around them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "store/model_name.h"
#include "store/name_locks.h"

namespace suanli::store {

struct ModelDetails {
  std::string format = "gguf";
  std::string family;          // general.architecture
  std::string parameter_size;  // "494.03M", "7.6B"
  std::string quantization_level;
  uint64_t context_length = 0;
  uint64_t embedding_length = 0;
};

struct ModelRecord {
  ModelName name;
  std::string digest;      // sha256 hex of the manifest file
  std::string model_path;  // the GGUF blob
  uint64_t size = 0;       // sum of layer sizes
  std::chrono::system_clock::time_point modified;
  ModelDetails details;
  nlohmann::json parameters = nlohmann::json::object();
  std::string system;
  std::string template_text;
  nlohmann::json messages = nlohmann::json::array();
  std::vector<std::string> licenses;
  std::vector<std::string> adapter_paths;  // LoRA GGUF blobs, in order
};

// What /api/create asks for (blob digests are "sha256:<hex>").
struct CreateSpec {
  std::string model_digest;
  bool new_model_layer = false;              // made by this create (e.g. quantized)
  std::vector<std::string> adapter_digests;  // LoRA adapters, applied in order
  nlohmann::json parameters = nlohmann::json::object();
  std::string system;
  std::string template_text;
  nlohmann::json messages = nlohmann::json::array();
  std::vector<std::string> licenses;
};

class BlobUpload;
class PendingBlob;

class ModelStore {
 public:
  struct Options {
    std::string root;
    bool prune = true;                        // remove unreferenced blobs after delete, create
    uint64_t max_blob_bytes = 1ull << 40;     // uploads larger than this are refused
  };
  // Creates the folders, removes temp files a crash left behind, and logs
  // one warning per manifest that is corrupt or names a missing blob.
  static StatusOr<std::unique_ptr<ModelStore>> Open(const Options& options);

  // Every model whose manifest is readable and whose layers are all in the
  // store; the others are left out (Open logs each of them once).
  StatusOr<std::vector<ModelRecord>> List() const;
  // The model (matched case-insensitively). NotFound "model 'x' not found";
  // NotFound "model 'x' is missing its layers; pull or create it again" when
  // a blob its manifest names (model, adapter, config, text layers) is gone;
  // Internal for a corrupt manifest; InvalidArgument for a bad name.
  StatusOr<ModelRecord> Get(const std::string& name) const;
  // The spelling of an existing model whose name differs only in case (as
  // Ollama's getExistingName), else `name`: writes never make two manifests
  // for one name. Callers that write hold the name's lock around the lookup
  // and the write.
  ModelName ExistingSpelling(const ModelName& name) const;
  // The largest blob an upload may store.
  uint64_t max_blob_bytes() const { return options_.max_blob_bytes; }

  bool HasBlob(const std::string& digest) const;
  std::string BlobPath(const std::string& digest) const;  // REQUIRES: IsValidDigest(digest)
  // Starts an upload of a blob with this digest (InvalidArgument for a bad
  // digest). Commit verifies the hash; nothing partial is ever visible.
  StatusOr<std::unique_ptr<BlobUpload>> BeginUpload(const std::string& digest);
  // A temp file inside blobs/ for a blob that another writer (e.g. a
  // quantizer process) produces; see PendingBlob.
  StatusOr<std::unique_ptr<PendingBlob>> NewPendingBlob();

  // Per-name serialisation of create, delete, copy and pull.
  NameLocks& name_locks() { return name_locks_; }

  // Writes the model (over an existing one whose name differs only in case).
  // `progress` receives Ollama's status lines. Unless prune is off, the
  // layers of the replaced manifest that no manifest references any more are
  // removed afterwards (never those the new manifest uses).
  Status Create(const std::string& name, const CreateSpec& spec,
                const std::function<void(const std::string&)>& progress);
  Status Copy(const std::string& source, const std::string& destination);
  // Removes the manifest (also one whose layers are missing or that is
  // corrupt) and, unless prune is off, its layers no other manifest uses.
  // NotFound "model 'x' not found".
  Status Delete(const std::string& name);

  // For pulls (store/pull.h): the store's folder, a manifest's raw bytes
  // (NotFound when absent), an atomic manifest write, and the removal of
  // those of `digests` that no manifest references any more.
  const std::string& root() const { return options_.root; }
  StatusOr<std::string> ReadManifest(const ModelName& name) const;
  Status WriteManifest(const ModelName& name, std::string_view bytes);
  Status RemoveUnreferencedBlobs(const std::vector<std::string>& digests);

 private:
  explicit ModelStore(Options options) : options_(std::move(options)) {}
  StatusOr<std::string> WriteBlobBytes(const std::string& data);  // returns "sha256:<hex>"
  // Reads a manifest and checks that every blob it names is stored.
  StatusOr<ModelRecord> Load(const ModelName& name, const std::string& manifest_file) const;
  struct ManifestFile {
    ModelName name;
    std::string path;
  };
  // Every manifest file under manifests/ whose path is a valid model name.
  std::vector<ManifestFile> ManifestFiles() const;
  // Removes those of `digests` that no manifest references any more.
  // REQUIRES: write_mu_ held.
  Status PruneUnreferenced(const std::set<std::string>& digests);

  Options options_;
  mutable std::mutex write_mu_;
  NameLocks name_locks_;
};

// A blob written by someone else at temp_path() (a name that startup
// recovery removes). Commit hashes the file, makes it durable and moves it
// to blobs/sha256-<hex>; destroying it without Commit removes the file.
// Not thread-safe.
class PendingBlob {
 public:
  PendingBlob(std::string temp_path, std::string blobs_dir)
      : temp_path_(std::move(temp_path)), blobs_dir_(std::move(blobs_dir)) {}
  ~PendingBlob();
  const std::string& temp_path() const { return temp_path_; }
  // Returns "sha256:<hex>". Internal when the file is missing or cannot be
  // flushed or moved.
  StatusOr<std::string> Commit();

 private:
  std::string temp_path_, blobs_dir_;
  bool done_ = false;
};

// An upload in progress. Not thread-safe; destroying it without Commit
// removes the temp file.
class BlobUpload {
 public:
  BlobUpload(std::string digest, std::string temp_path, std::string final_path, uint64_t max_bytes, int fd);
  ~BlobUpload();
  // Appends bytes; ResourceExhausted past the size cap.
  Status Write(const char* data, size_t n);
  // Verifies the digest and moves the blob into place. InvalidArgument
  // "digest mismatch, expected sha256:..., got sha256:..." otherwise.
  Status Commit();

 private:
  std::string digest_, temp_path_, final_path_;
  uint64_t max_bytes_, written_ = 0;
  int fd_;
  struct Hasher;
  std::unique_ptr<Hasher> hasher_;
  bool done_ = false;
};

}  // namespace suanli::store
