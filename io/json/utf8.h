// Strict UTF-8 (Unicode 15, table 3-7): what a strict decoder such as Python's accepts, nothing more.
#pragma once

#include <string>
#include <string_view>

namespace tscope::json {

// False for surrogates (ED A0 80), overlong forms (C0 80, E0 80 80), code points above U+10FFFF,
// stray continuation bytes and truncated sequences.
bool isValidUtf8(std::string_view s);

// Text for people: valid sequences kept, every byte of an invalid one shown as U+FFFD.
std::string utf8DisplayText(std::string_view s);

} // namespace tscope::json
