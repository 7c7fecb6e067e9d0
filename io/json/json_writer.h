// A small streaming JSON writer: commas and nesting handled for the caller, strings escaped. Output is
// always valid JSON in strict UTF-8: a string that is not valid UTF-8 is written as display text (U+FFFD
// for each bad byte); callers that must keep the exact bytes use textField() or base64.
// Text is gathered in a buffer and handed to the stream in pieces of about 64 KiB, after each complete
// top-level value and on destruction (one ostream call per token cost more than building the text).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tscope::json {

class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out, bool pretty = true)
        : m_out(out)
        , m_pretty(pretty)
        , m_prettyAtStart(pretty)
    { }
    ~JsonWriter();

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    void key(std::string_view k);

    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(const std::string& s) { value(std::string_view(s)); }
    void value(int64_t v);
    void value(uint64_t v);
    void value(int v) { value(static_cast<int64_t>(v)); }
    void value(double v); // NaN/Inf become the strings "NaN", "Infinity", "-Infinity"
    void value(bool v);
    void null();

    template <typename T> void field(std::string_view k, const T& v)
    {
        key(k);
        value(v);
    }
    void nullField(std::string_view k)
    {
        key(k);
        null();
    }
    // Turns line breaks and indentation off (false) or back on, e.g. around a deep array of values, so
    // that output stays linear in the data whatever its nesting.
    void setPretty(bool pretty) { m_pretty = pretty; }

    // Indentation stops growing past this depth: a deeply nested document is not quadratic in size.
    static constexpr size_t kMaxIndentDepth = 32;

    // `k` as display text and, only when `bytes` is not valid UTF-8, `k_base64` with the exact bytes.
    void textField(std::string_view k, std::string_view bytes);

private:
    void beforeValue();
    void appendString(std::string_view s); // quoted and escaped; no separator, no flush
    void newline();
    void flushIfDone(); // hands the buffer to the stream when full or when the top-level value is complete
    void flush();
    std::ostream& m_out;
    std::string m_buffer;
    bool m_pretty;
    bool m_prettyAtStart;
    std::vector<uint8_t> m_first; // per open container: 1 while no element is written yet (bytes, not bits:
                                  // tested and cleared before every value)
    bool m_afterKey = false;
};

} // namespace tscope::json
