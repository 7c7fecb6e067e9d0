// A user's renaming rule `REGEX=REPLACEMENT` (the CLI's --map): keys of artifact A are rewritten with it
// before looking them up in artifact B. ECMAScript regex; the replacement uses $1, $2, ... ($& = match).
#pragma once

#include "io/status.h"

#include <optional>
#include <regex>
#include <string>

namespace tscope::io {

struct MappingRule {
    std::string text; // as the user wrote it, for reports
    std::string pattern;
    std::string replacement;
    std::regex regex;

    // The rewritten key, or nullopt when the pattern does not occur in `key`. Every occurrence is
    // replaced, like Python's re.sub.
    std::optional<std::string> apply(const std::string& key) const;
};

// Splits at the LAST '=': the pattern may contain '=', the replacement cannot.
Result<MappingRule> parseMappingRule(const std::string& text);

} // namespace tscope::io
