#include "io/json/json_writer.h"

#include "io/element.h"
#include "io/json/base64.h"
#include "io/json/utf8.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace tscope::json {

namespace {
constexpr size_t kFlushBytes = 64 * 1024;

// True when none of the eight bytes needs escaping (no control character, '"' or '\\'): the usual case,
// tested a word at a time (exact per word: a false only sends that word through the byte loop).
bool plainWord(const char* p)
{
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    const auto hasZero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    const uint64_t control = (w - 0x20 * kOnes) & ~w & kHigh; // some byte below 0x20
    return !(control | hasZero(w ^ ('"' * kOnes)) | hasZero(w ^ ('\\' * kOnes)));
}

// Printable ASCII without '"' or '\\' throughout: valid UTF-8 that needs no escaping, written as it is.
// Keys, names and paths nearly always are, so they skip the UTF-8 check and the escaping loop.
bool isPlainAscii(std::string_view s)
{
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, sizeof w);
        if ((w & 0x8080808080808080ull) || !plainWord(s.data() + i)) return false;
    }
    for (; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
    }
    return true;
}
} // namespace

JsonWriter::~JsonWriter()
{
    if (m_prettyAtStart) m_buffer += '\n';
    flush();
}

void JsonWriter::flush()
{
    if (m_buffer.empty()) return;
    m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_buffer.clear();
}

void JsonWriter::flushIfDone()
{
    if (m_first.empty() || m_buffer.size() >= kFlushBytes) flush();
}

void JsonWriter::newline()
{
    if (!m_pretty) return;
    const size_t depth = std::min(m_first.size(), kMaxIndentDepth);
    m_buffer += '\n';
    m_buffer.append(2 * depth, ' ');
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back()) m_buffer += ',';
        m_first.back() = false;
        newline();
    }
}

void JsonWriter::beginObject()
{
    beforeValue();
    m_buffer += '{';
    m_first.push_back(true);
}

void JsonWriter::endObject()
{
    bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_buffer += '}';
    flushIfDone();
}

void JsonWriter::beginArray()
{
    beforeValue();
    m_buffer += '[';
    m_first.push_back(true);
}

void JsonWriter::endArray()
{
    bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) newline();
    m_buffer += ']';
    flushIfDone();
}

void JsonWriter::key(std::string_view k)
{
    beforeValue();
    m_inKey = true;
    value(k);
    m_inKey = false;
    m_buffer += m_pretty ? ": " : ":";
    m_afterKey = true;
}

void JsonWriter::textField(std::string_view k, std::string_view bytes)
{
    field(k, bytes);
    if (!isPlainAscii(bytes) && !isValidUtf8(bytes)) field(std::string(k) + "_base64", base64Encode(bytes));
}

void JsonWriter::value(std::string_view s)
{
    if (!m_inKey) beforeValue();
    if (isPlainAscii(s)) {
        m_buffer += '"';
        m_buffer.append(s);
        m_buffer += '"';
        if (!m_inKey) flushIfDone();
        return;
    }
    std::string display;
    const std::string_view text = isValidUtf8(s) ? s : std::string_view(display = utf8DisplayText(s));
    m_buffer += '"';
    size_t plain = 0; // start of the run of bytes that need no escaping
    for (size_t i = 0; i < text.size(); ++i) {
        while (i + 8 <= text.size() && plainWord(text.data() + i))
            i += 8;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        m_buffer.append(text.substr(plain, i - plain));
        plain = i + 1;
        switch (c) {
        case '"':
            m_buffer += "\\\"";
            break;
        case '\\':
            m_buffer += "\\\\";
            break;
        case '\n':
            m_buffer += "\\n";
            break;
        case '\r':
            m_buffer += "\\r";
            break;
        case '\t':
            m_buffer += "\\t";
            break;
        default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            m_buffer += buf;
        }
        }
    }
    m_buffer.append(text.substr(plain));
    m_buffer += '"';
    if (!m_inKey) flushIfDone();
}

void JsonWriter::value(int64_t v)
{
    beforeValue();
    char buf[24];
    m_buffer.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    flushIfDone();
}

void JsonWriter::value(uint64_t v)
{
    beforeValue();
    char buf[24];
    m_buffer.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    flushIfDone();
}

void JsonWriter::value(double v)
{
    beforeValue();
    if (std::isnan(v))
        m_buffer += "\"NaN\"";
    else if (std::isinf(v))
        m_buffer += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    else
        m_buffer += io::formatDouble(v);
    flushIfDone();
}

void JsonWriter::value(bool v)
{
    beforeValue();
    m_buffer += v ? "true" : "false";
    flushIfDone();
}

void JsonWriter::null()
{
    beforeValue();
    m_buffer += "null";
    flushIfDone();
}

} // namespace tscope::json
