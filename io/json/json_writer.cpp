#include "io/json/json_writer.h"

#include "io/element.h"
#include "io/json/base64.h"
#include "io/json/utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tscope::json {

JsonWriter::~JsonWriter()
{
    if (m_prettyAtStart) m_out << '\n';
}

void JsonWriter::newline()
{
    if (!m_pretty) return;
    m_out << '\n';
    const size_t depth = std::min(m_first.size(), kMaxIndentDepth);
    for (size_t i = 0; i < depth; ++i)
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

void JsonWriter::textField(std::string_view k, std::string_view bytes)
{
    field(k, bytes);
    if (!isValidUtf8(bytes)) field(std::string(k) + "_base64", base64Encode(bytes));
}

void JsonWriter::value(std::string_view s)
{
    if (!m_inKey) beforeValue();
    const std::string text = isValidUtf8(s) ? std::string(s) : utf8DisplayText(s);
    std::string out = "\"";
    for (char ch : text) {
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
            if (c < 0x20) {
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

} // namespace tscope::json
