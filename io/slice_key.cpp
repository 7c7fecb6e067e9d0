#include "io/slice_key.h"

namespace tscope::io {
namespace ordered_code {

void writeNumIncreasing(std::string& out, uint64_t v)
{
    unsigned char buf[8];
    int len = 0;
    while (v) {
        buf[7 - len++] = static_cast<unsigned char>(v & 0xff);
        v >>= 8;
    }
    out.push_back(static_cast<char>(len));
    out.append(reinterpret_cast<const char*>(buf + 8 - len), static_cast<size_t>(len));
}

void writeSignedNumIncreasing(std::string& out, int64_t n)
{
    const uint64_t x = n < 0 ? ~static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
    if (x < 64) {
        out.push_back(static_cast<char>(0x80 ^ (static_cast<uint64_t>(n) & 0xff)));
        return;
    }
    int bits = 0;
    for (uint64_t t = x; t; t >>= 1)
        ++bits;
    const int len = bits / 7 + 1; // 2..10 bytes
    // n as 10-byte big-endian two's complement (sign-extended), keep the last `len` bytes.
    unsigned char buf[10];
    const auto u = static_cast<uint64_t>(n);
    const unsigned char fill = n < 0 ? 0xff : 0x00;
    buf[0] = fill;
    buf[1] = fill;
    for (int i = 0; i < 8; ++i)
        buf[9 - i] = static_cast<unsigned char>((u >> (8 * i)) & 0xff);
    unsigned char* p = buf + 10 - len;
    static constexpr unsigned char kHeader[11][2] = { { 0, 0 }, { 0, 0 }, { 0xC0, 0 }, { 0xE0, 0 },
        { 0xF0, 0 }, { 0xF8, 0 }, { 0xFC, 0 }, { 0xFE, 0 }, { 0xFF, 0 }, { 0xFF, 0x80 }, { 0xFF, 0xC0 } };
    p[0] ^= kHeader[len][0];
    p[1] ^= kHeader[len][1];
    out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
}

void writeString(std::string& out, const std::string& s)
{
    for (char c : s) {
        out.push_back(c);
        if (c == '\0')
            out.push_back('\xff');
        else if (c == '\xff')
            out.push_back('\0');
    }
    out.push_back('\0');
    out.push_back('\x01');
}

} // namespace ordered_code

std::string encodeSliceKey(const std::string& name, const std::vector<SliceExtent>& extents)
{
    std::string out;
    ordered_code::writeNumIncreasing(out, 0);
    ordered_code::writeString(out, name);
    ordered_code::writeNumIncreasing(out, extents.size());
    for (const auto& e : extents) {
        ordered_code::writeSignedNumIncreasing(out, e.length < 0 ? 0 : e.start);
        ordered_code::writeSignedNumIncreasing(out, e.length < 0 ? -1 : e.length);
    }
    return out;
}

std::string sliceKeyTensorName(const std::string& key)
{
    // 00 (NumIncreasing 0), then the escaped name terminated by 00 01.
    if (key.size() < 3 || key[0] != '\0') return {};
    std::string name;
    for (size_t i = 1; i + 1 < key.size(); ++i) {
        char c = key[i];
        if (c == '\0') {
            if (key[i + 1] == '\x01') return name;
            if (key[i + 1] == '\xff') {
                name.push_back('\0');
                ++i;
                continue;
            }
            return {};
        }
        if (c == '\xff') {
            if (key[i + 1] != '\0') return {};
            name.push_back('\xff');
            ++i;
            continue;
        }
        name.push_back(c);
    }
    return {};
}

} // namespace tscope::io
