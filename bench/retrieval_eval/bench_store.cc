#include "bench_store.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "rag/fts_search_config.h"

namespace suanli::bench {

StatusOr<std::unique_ptr<BenchStore>> BenchStore::Create(const std::function<void(rag::StoreOptions*)>& configure) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/suanli-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return InternalError("cannot create a temporary folder");
  std::unique_ptr<BenchStore> store(new BenchStore());
  store->root_ = pattern;
  store->options_.root = pattern + "/rag";
  rag::UseSuanliKeywordSearch(&store->options_);
  if (configure) configure(&store->options_);
  ASSIGN_OR_RETURN(store->manager_, rag::CollectionManager::Open(store->options_));
  return store;
}

BenchStore::~BenchStore() {
  manager_.reset();
  std::error_code ec;
  if (!root_.empty()) std::filesystem::remove_all(root_, ec);
}

}  // namespace suanli::bench
