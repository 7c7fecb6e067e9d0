#include "app/cli/text_output.h"

#include <cinttypes>
#include <cstdio>

namespace tscope::cli {

std::string humanBytes(uint64_t b)
{
    const char* units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = static_cast<double>(b);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%" PRIu64 " B", b);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string withThousands(uint64_t v)
{
    const std::string digits = std::to_string(v);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at `p` (1..4), or 0 when it is not one.
size_t utf8Length(const unsigned char* p, size_t avail)
{
    const unsigned char c = p[0];
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (n == 0 || n > avail || c > 0xf4) return 0;
    for (size_t i = 1; i < n; ++i)
        if ((p[i] & 0xc0) != 0x80) return 0;
    const uint32_t second = p[1];
    if (c == 0xe0 && second < 0xa0) return 0; // overlong
    if (c == 0xed && second >= 0xa0) return 0; // surrogates
    if (c == 0xf0 && second < 0x90) return 0; // overlong
    if (c == 0xf4 && second >= 0x90) return 0; // past U+10FFFF
    return n;
}

void appendEscape(std::string& out, unsigned char c)
{
    switch (c) {
    case '\n':
        out += "\\n";
        return;
    case '\t':
        out += "\\t";
        return;
    case '\r':
        out += "\\r";
        return;
    default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
    }
    }
}

} // namespace

std::string cleanText(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                appendEscape(out, c);
            else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        const size_t n = utf8Length(p + i, text.size() - i);
        if (n == 0 || (n == 2 && c == 0xc2 && p[i + 1] < 0xa0)) { // invalid, or a C1 control (U+0080..U+009F)
            appendEscape(out, c);
            ++i;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

} // namespace tscope::cli
