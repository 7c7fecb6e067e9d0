// Standard base64 (RFC 4648, with padding) for bytes that JSON text cannot carry.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace tscope::json {

std::string base64Encode(std::span<const std::byte> bytes);
inline std::string base64Encode(std::string_view s)
{
    return base64Encode(std::span<const std::byte>(reinterpret_cast<const std::byte*>(s.data()), s.size()));
}

} // namespace tscope::json
