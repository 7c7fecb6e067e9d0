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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
// Keys, names and paths nearly always are, so they skip the UTF-8 check and the escaping loop. Sixteen
// bytes per step with SSE2 (every x86-64 has it): `ls --json` tests ~1 KB per variable, and this test was
// its largest single cost.
bool isPlainAscii(std::string_view s)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    for (; i + 16 <= s.size(); i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
        // Signed compare: bytes 0x80-0xFF are negative, so "below 0x20" also catches every non-ASCII byte.
        const __m128i bad = _mm_or_si128(
            _mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (_mm_movemask_epi8(bad) != 0) return false;
    }
#endif
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
        uint8_t& first = m_first.back();
        if (!first) m_buffer += ',';
        first = 0;
        newline();
    }
}

void JsonWriter::beginObject()
{
    beforeValue();
    m_buffer += '{';
    m_first.push_back(1);
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
    m_first.push_back(1);
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
    appendString(k);
    if (m_pretty)
        m_buffer.append(": ", 2);
    else
        m_buffer += ':';
    m_afterKey = true;
}

void JsonWriter::textField(std::string_view k, std::string_view bytes)
{
    field(k, bytes);
    if (!isPlainAscii(bytes) && !isValidUtf8(bytes)) field(std::string(k) + "_base64", base64Encode(bytes));
}

void JsonWriter::value(std::string_view s)
{
    beforeValue();
    appendString(s);
    flushIfDone();
}

void JsonWriter::appendString(std::string_view s)
{
    if (isPlainAscii(s)) {
        const size_t at = m_buffer.size();
        m_buffer.resize(at + s.size() + 2); // one size change instead of three appends
        char* out = m_buffer.data() + at;
        out[0] = '"';
        std::memcpy(out + 1, s.data(), s.size());
        out[s.size() + 1] = '"';
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
