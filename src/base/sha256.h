// SHA-256 of streams and files (OpenSSL's libcrypto), as lower-case hex.
// A Sha256 object is not thread-safe; the free functions are.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace suanli {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  void Update(const void* data, size_t n);
  // Lower-case hex digest; the object must not be updated afterwards.
  std::string FinalHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string Sha256Hex(std::string_view data);
// Hashes a whole file; NotFound or Internal (read error) on failure.
StatusOr<std::string> Sha256File(const std::string& path);

// True for "sha256:" followed by 64 lower-case hex digits.
bool IsValidDigest(std::string_view digest);

}  // namespace suanli
