// Number formatting of the text (non-JSON) output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tscope::cli {

std::string humanBytes(uint64_t bytes); // "512 B", "1.5 MiB"
std::string withThousands(uint64_t value); // "1,234,567"

// `text` safe for a terminal: control characters (C0, DEL, C1) and bytes that are not valid UTF-8 become
// escapes (`\n`, `\t`, `\x1b`, ...), so a hostile name cannot move the cursor, recolour or clear the screen
// or forge lines. Valid printable UTF-8 passes unchanged. JSON output is escaped by the JSON writer.
std::string cleanText(std::string_view text);

} // namespace tscope::cli
