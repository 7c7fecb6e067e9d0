// Number formatting of the text (non-JSON) output.
#pragma once

#include <cstdint>
#include <string>

namespace tscope::cli {

std::string humanBytes(uint64_t bytes); // "512 B", "1.5 MiB"
std::string withThousands(uint64_t value); // "1,234,567"

} // namespace tscope::cli
