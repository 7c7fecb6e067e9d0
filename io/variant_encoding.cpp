#include "io/variant_encoding.h"

#include "io/crc32c.h"
#include "io/varint.h"

#include <cstring>

namespace tscope::io {
namespace {

// Variant lengths always enter the running CRC as 8 little-endian bytes.
uint32_t extendLength(uint32_t c, uint64_t len)
{
    unsigned char le[8];
    for (int i = 0; i < 8; ++i)
        le[i] = static_cast<unsigned char>(len >> (8 * i));
    return crc32c::extend(c, le, 8);
}

} // namespace

Result<uint32_t> walkVariantElements(std::span<const std::byte> bytes, uint64_t count, size_t& consumed,
    const std::function<void(std::span<const std::byte>)>& onElement)
{
    const std::byte* p = bytes.data();
    const std::byte* end = p + bytes.size();
    uint32_t c = 0;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t len = 0;
        if (!readVarint64(p, end, len) || len > static_cast<uint64_t>(end - p)
            || static_cast<uint64_t>(end - p) - len < 4)
            return Status(
                ErrorCode::Corrupt, "variant element " + std::to_string(i) + " runs past the stored bytes");
        c = crc32c::extend(extendLength(c, len), p, len);
        onElement({ p, static_cast<size_t>(len) });
        p += len;
        uint32_t stored = 0;
        std::memcpy(&stored, p, 4);
        if (stored != crc32c::mask(c))
            return Status(
                ErrorCode::ChecksumMismatch, "variant element " + std::to_string(i) + " checksum mismatch");
        c = crc32c::extend(c, p, 4);
        p += 4;
    }
    consumed = static_cast<size_t>(p - bytes.data());
    return c;
}

Result<std::vector<std::string>> decodeVariantTensor(std::span<const std::byte> bytes, uint64_t count)
{
    std::vector<std::string> out;
    size_t consumed = 0;
    auto walked = walkVariantElements(bytes, count, consumed, [&out](std::span<const std::byte> payload) {
        out.emplace_back(reinterpret_cast<const char*>(payload.data()), payload.size());
    });
    if (!walked) return walked.status();
    if (consumed != bytes.size())
        return Status(ErrorCode::Corrupt, "variant tensor has bytes after its last element");
    return out;
}

std::string encodeVariantTensor(const std::vector<std::string>& elements, uint32_t& maskedCrc)
{
    std::string out;
    uint32_t c = 0;
    for (const auto& e : elements) {
        appendVarint64(out, e.size());
        out += e;
        c = crc32c::extend(extendLength(c, e.size()), e.data(), e.size());
        const uint32_t m = crc32c::mask(c);
        char le[4];
        std::memcpy(le, &m, 4); // x86-64 and aarch64 Linux are little-endian, as the format is
        out.append(le, 4);
        c = crc32c::extend(c, le, 4);
    }
    maskedCrc = crc32c::mask(c);
    return out;
}

} // namespace tscope::io
