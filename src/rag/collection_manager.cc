#include "rag/collection_manager.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/atomic_file.h"
#include "base/log.h"
#include "rag/collection_db.h"
#include "rag/sqlite_db.h"

namespace suanli::rag {

namespace fs = std::filesystem;

namespace {

constexpr char kCreatingPrefix[] = ".creating-";
constexpr char kDeletingPrefix[] = ".deleting-";

bool IsNameChar(char c, bool first) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || (!first && (c == '_' || c == '.' || c == '-'));
}

// A real folder (not a symlink) that holds a collection database.
bool IsCollectionDir(const fs::path& dir) {
  std::error_code ec;
  return fs::symlink_status(dir, ec).type() == fs::file_type::directory &&
         fs::is_regular_file(dir / kDatabaseFile, ec);
}

// rename() that fails instead of replacing an existing (empty) folder.
int RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) return EEXIST;
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

void RemoveTree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) LogWarn("rag: cannot remove a leftover collection folder: " + ec.message());
}

}  // namespace

bool IsValidCollectionName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0)) return false;
  }
  return true;
}

CollectionManager::CollectionManager(const StoreOptions& options) : options_(options) {}

CollectionManager::~CollectionManager() = default;

StatusOr<std::unique_ptr<CollectionManager>> CollectionManager::Open(const StoreOptions& options) {
  if (options.root.empty()) return InvalidArgumentError("the RAG store needs a root folder");
  RETURN_IF_ERROR(MakeDirectories(options.root));
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options.root, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(kCreatingPrefix, 0) == 0 || file.rfind(kDeletingPrefix, 0) == 0) RemoveTree(entry.path());
  }
  if (ec) return InternalError("cannot read the RAG store folder: " + ec.message());
  return std::unique_ptr<CollectionManager>(new CollectionManager(options));
}

std::string CollectionManager::TempName(const char* prefix, const std::string& name) {
  return options_.root + "/" + prefix + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++);
}

StatusOr<std::shared_ptr<Collection>> CollectionManager::Create(const std::string& name,
                                                                const CollectionConfig& config) {
  if (!IsValidCollectionName(name)) {
    return InvalidArgumentError("collection names are 1 to 64 letters, digits, '_', '.' or '-', starting with a "
                                "letter or digit");
  }
  if (config.embed_model.empty() || config.embed_model.size() > 512) {
    return InvalidArgumentError("a collection needs the name of its embedding model");
  }
  if (config.chunk_size < 1 || config.chunk_overlap < 0 || config.chunk_overlap >= config.chunk_size) {
    return InvalidArgumentError("chunk_size must be at least 1 and chunk_overlap between 0 and chunk_size - 1");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const std::string dir = options_.root + "/" + name;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec))) return AlreadyExistsError("collection '" + name + "' already exists");

  const std::string temp = TempName(kCreatingPrefix, name);
  if (!fs::create_directory(temp, ec)) return InternalError("cannot create a collection folder: " + ec.message());
  Status made = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(temp + "/" + kDatabaseFile,
                                                                  CollectionDatabaseOptions(options_, false, true)));
    RETURN_IF_ERROR(CreateCollectionSchema(*db, name, config, options_.fts_tokenizer));
    db.reset();  // closing checkpoints the WAL into the database file
    return SyncDirectory(temp);
  }();
  if (!made.ok()) {
    RemoveTree(temp);
    return made;
  }
  if (const int err = RenameNoReplace(temp, dir); err != 0) {
    RemoveTree(temp);
    if (err == EEXIST || err == ENOTEMPTY) return AlreadyExistsError("collection '" + name + "' already exists");
    return InternalError(std::string("cannot move a new collection into place: ") + std::strerror(err));
  }
  RETURN_IF_ERROR(SyncDirectory(options_.root));
  return GetLocked(name);
}

StatusOr<std::shared_ptr<Collection>> CollectionManager::Get(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetLocked(name);
}

StatusOr<std::shared_ptr<Collection>> CollectionManager::GetLocked(const std::string& name) {
  if (auto it = open_.find(name); it != open_.end()) return it->second;
  if (!IsValidCollectionName(name) || !IsCollectionDir(options_.root + "/" + name)) {
    return NotFoundError("collection '" + name.substr(0, 64) + "' not found");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<Collection> collection,
                   Collection::Open(options_.root + "/" + name, name, options_));
  open_[name] = collection;
  return collection;
}

StatusOr<std::vector<CollectionStats>> CollectionManager::List() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options_.root, ec)) {
    const std::string name = entry.path().filename().string();
    if (IsValidCollectionName(name) && IsCollectionDir(entry.path())) names.push_back(name);
  }
  if (ec) return InternalError("cannot read the RAG store folder: " + ec.message());
  std::sort(names.begin(), names.end());
  std::vector<CollectionStats> out;
  for (const std::string& name : names) {
    auto collection = GetLocked(name);
    StatusOr<CollectionStats> stats = collection.ok() ? (*collection)->Stats() : collection.status();
    if (!stats.ok()) {
      LogWarn("rag: collection '" + name + "' cannot be opened: " + stats.status().message());
      continue;
    }
    out.push_back(std::move(*stats));
  }
  return out;
}

Status CollectionManager::Delete(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string dir = options_.root + "/" + name;
  if (!IsValidCollectionName(name) || !IsCollectionDir(dir)) {
    return NotFoundError("collection '" + name.substr(0, 64) + "' not found");
  }
  if (auto it = open_.find(name); it != open_.end()) {
    it->second->Close();
    open_.erase(it);
  }
  const std::string trash = TempName(kDeletingPrefix, name);
  if (::rename(dir.c_str(), trash.c_str()) != 0) {
    return InternalError(std::string("cannot remove collection '") + name + "': " + std::strerror(errno));
  }
  RETURN_IF_ERROR(SyncDirectory(options_.root));
  RemoveTree(trash);
  return OkStatus();
}

}  // namespace suanli::rag
