#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace tscope::cli {

std::string base64Encode(std::span<const std::byte> bytes);
inline std::string base64Encode(const std::string& s)
{
    return base64Encode(std::span<const std::byte>(reinterpret_cast<const std::byte*>(s.data()), s.size()));
}

} // namespace tscope::cli
