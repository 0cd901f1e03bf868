// The version string reported by `suanli -v` and the runner protocol.
#pragma once

namespace suanli::cli {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace suanli::cli
