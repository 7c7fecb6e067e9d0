#include "app/cli/json_writer.h"

#include "io/element.h"

#include <cmath>
#include <cstdio>

namespace tscope::cli {

JsonWriter::~JsonWriter()
{
    if (m_pretty) m_out << '\n';
}

void JsonWriter::newline()
{
    if (!m_pretty) return;
    m_out << '\n';
    for (size_t i = 0; i < m_first.size(); ++i)
        m_out << "  ";
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back()) m_out << ',';
        m_first.back() = false;
        newline();
    }
}

void JsonWriter::beginObject()
{
    beforeValue();
    m_out << '{';
    m_first.push_back(true);
}

void JsonWriter::endObject()
{
    bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_out << '}';
}

void JsonWriter::beginArray()
{
    beforeValue();
    m_out << '[';
    m_first.push_back(true);
}

void JsonWriter::endArray()
{
    bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_out << ']';
}

void JsonWriter::key(std::string_view k)
{
    beforeValue();
    m_inKey = true;
    value(k);
    m_inKey = false;
    m_out << (m_pretty ? ": " : ":");
    m_afterKey = true;
}

bool isValidUtf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + static_cast<size_t>(len) > s.size()) return false;
        for (int k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) >> 6) != 2) return false;
        if (len == 2 && c < 0xC2) return false;
        i += static_cast<size_t>(len);
    }
    return true;
}

void JsonWriter::value(std::string_view s)
{
    if (!m_inKey) beforeValue();
    std::string out = "\"";
    const bool utf8 = isValidUtf8(s);
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        char buf[8];
        switch (ch) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || (!utf8 && c >= 0x80)) {
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
    m_out << out;
}

void JsonWriter::value(int64_t v)
{
    beforeValue();
    m_out << v;
}

void JsonWriter::value(uint64_t v)
{
    beforeValue();
    m_out << v;
}

void JsonWriter::value(double v)
{
    beforeValue();
    if (std::isnan(v))
        m_out << "\"NaN\"";
    else if (std::isinf(v))
        m_out << (v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else
        m_out << io::formatDouble(v);
}

void JsonWriter::value(bool v)
{
    beforeValue();
    m_out << (v ? "true" : "false");
}

void JsonWriter::null()
{
    beforeValue();
    m_out << "null";
}

} // namespace tscope::cli
