// UTF-8 helpers for streaming text: how many bytes at the end of a buffer form
// an incomplete character, and whether a buffer is valid UTF-8. Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace suanli {

// Number of trailing bytes of `text` that are the start of a UTF-8 sequence
// still missing continuation bytes (0 when the text ends on a boundary).
size_t IncompleteUtf8Suffix(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

// Appends code point `cp` (<= 0x10FFFF) encoded as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// Largest prefix length <= max_bytes that does not split a UTF-8 character.
size_t Utf8SafePrefix(std::string_view text, size_t max_bytes);

}  // namespace suanli
