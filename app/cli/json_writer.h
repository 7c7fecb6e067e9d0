// A small streaming JSON writer: commas and nesting handled for the caller, strings escaped,
// invalid UTF-8 bytes written as \u00XX so output is always valid JSON.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tscope::cli {

class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out, bool pretty = true)
        : m_out(out)
        , m_pretty(pretty)
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

private:
    void beforeValue();
    void newline();
    std::ostream& m_out;
    bool m_pretty;
    std::vector<bool> m_first; // per open container: no element written yet
    bool m_afterKey = false;
    bool m_inKey = false;
};

bool isValidUtf8(std::string_view s);

} // namespace tscope::cli
