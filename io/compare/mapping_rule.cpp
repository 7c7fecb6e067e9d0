#include "io/compare/mapping_rule.h"

namespace tscope::io {

std::optional<std::string> MappingRule::apply(const std::string& key) const
{
    if (!std::regex_search(key, regex)) return std::nullopt;
    return std::regex_replace(key, regex, replacement);
}

Result<MappingRule> parseMappingRule(const std::string& text)
{
    const size_t eq = text.rfind('=');
    if (eq == std::string::npos || eq == 0)
        return Status(ErrorCode::InvalidArgument, "a mapping rule is REGEX=REPLACEMENT, got '" + text + "'");
    MappingRule rule;
    rule.text = text;
    rule.pattern = text.substr(0, eq);
    rule.replacement = text.substr(eq + 1);
    try {
        rule.regex = std::regex(rule.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return Status(ErrorCode::InvalidArgument,
            "the mapping rule '" + text + "' is not a valid regular expression: " + e.what());
    }
    return rule;
}

} // namespace tscope::io
