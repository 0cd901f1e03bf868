#include "store/name_locks.h"

#include <algorithm>
#include <cctype>

namespace suanli::store {

NameLocks::Guard& NameLocks::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    key_ = std::move(other.key_);
    other.owner_ = nullptr;
  }
  return *this;
}

void NameLocks::Guard::Release() {
  if (owner_ == nullptr) return;
  owner_->Unlock(key_);
  owner_ = nullptr;
}

NameLocks::Guard NameLocks::Lock(const ModelName& name) { return LockKey(name.Key()); }

NameLocks::Guard NameLocks::Lock(const std::string& text) {
  auto name = ParseModelName(text);
  if (name.ok()) return LockKey(name->Key());
  std::string key = text;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  return LockKey(key);
}

NameLocks::Guard NameLocks::LockKey(const std::string& key) {
  std::unique_lock<std::mutex> lock(mu_);
  Entry& entry = entries_[key];  // std::map: references stay valid
  ++entry.users;
  cv_.wait(lock, [&entry] { return !entry.held; });
  entry.held = true;
  return Guard(this, key);
}

void NameLocks::Unlock(const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    it->second.held = false;
    if (--it->second.users == 0) entries_.erase(it);
  }
  cv_.notify_all();
}

size_t NameLocks::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace suanli::store
