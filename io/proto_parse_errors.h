// The one protobuf error collector of io: keeps the first text-format parse error as "line L:C: message".
#pragma once

#include <google/protobuf/io/tokenizer.h>
#include <string>

namespace tscope::io {

class FirstProtoParseError final : public google::protobuf::io::ErrorCollector {
public:
    void AddError(int line, int column, const std::string& message) override
    {
        if (m_text.empty())
            m_text = "line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
    }
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
};

} // namespace tscope::io
