#include "io/tensor_encoding.h"

#include "io/crc32c.h"
#include "io/variant_encoding.h"
#include "io/varint.h"

#include <algorithm>
#include <cstring>

namespace tscope::io {
namespace {

constexpr uint64_t kCrcChunk = 16u << 20; // CRC in 16 MiB steps so cancel stays responsive

// The CRC of a length covers its fixed-width little-endian form, not the varint that is stored.
void extendLe(uint32_t& crc, uint64_t v, int bytes)
{
    unsigned char buf[8];
    for (int i = 0; i < bytes; ++i)
        buf[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xff);
    crc = crc32c::extend(crc, buf, static_cast<size_t>(bytes));
}

} // namespace

Result<uint32_t> crc32cCancellable(std::span<const std::byte> bytes, const CancelToken* cancel)
{
    uint32_t c = 0;
    for (size_t pos = 0; pos < bytes.size(); pos += kCrcChunk) {
        if (cancel && cancel->isCancelled()) return Status(ErrorCode::Cancelled, "cancelled");
        size_t n = std::min<size_t>(kCrcChunk, bytes.size() - pos);
        c = crc32c::extend(c, bytes.data() + pos, n);
    }
    return c;
}

std::string encodeStringTensor(const std::vector<std::string>& values, uint32_t& maskedCrc)
{
    std::string out;
    uint32_t c = 0;
    for (const auto& v : values) {
        appendVarint64(out, v.size());
        extendLe(c, v.size(), v.size() <= 0xFFFFFFFFu ? 4 : 8);
    }
    const uint32_t lengthCrc = crc32c::mask(c);
    const size_t lengthCrcAt = out.size();
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((lengthCrc >> (8 * i)) & 0xff));
    c = crc32c::extend(c, out.data() + lengthCrcAt, 4);
    for (const auto& v : values) {
        out += v;
        c = crc32c::extend(c, v.data(), v.size());
    }
    maskedCrc = crc32c::mask(c);
    return out;
}

Result<std::vector<StringPlace>> locateStrings(
    std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc, bool verifyCrc)
{
    if (count > bytes.size())
        return Status(ErrorCode::Corrupt, "string tensor declares more elements than its bytes can hold");
    const std::byte* p = bytes.data();
    const std::byte* end = p + bytes.size();
    std::vector<StringPlace> places(count);
    uint32_t c = 0;
    uint64_t totalLength = 0;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t& length = places[i].length;
        if (!readVarint64(p, end, length))
            return Status(ErrorCode::Corrupt, "string lengths run past the stored bytes");
        extendLe(c, length, length <= 0xFFFFFFFFu ? 4 : 8);
        if (length > bytes.size() || totalLength + length > bytes.size())
            return Status(ErrorCode::Corrupt, "string lengths exceed the stored bytes");
        totalLength += length;
    }
    if (end - p < 4) return Status(ErrorCode::Corrupt, "string tensor has no length checksum");
    uint32_t storedLengthCrc = 0;
    std::memcpy(&storedLengthCrc, p, 4);
    if (storedLengthCrc != crc32c::mask(c))
        return Status(ErrorCode::ChecksumMismatch, "the string lengths do not match their checksum");
    c = crc32c::extend(c, p, 4);
    p += 4;
    if (static_cast<uint64_t>(end - p) < totalLength)
        return Status(ErrorCode::Corrupt, "string bytes run past the stored size");
    uint64_t offset = static_cast<uint64_t>(p - bytes.data());
    for (auto& place : places) {
        place.offset = offset;
        offset += place.length;
    }
    if (verifyCrc) {
        c = crc32c::extend(c, p, totalLength);
        if (crc32c::mask(c) != maskedCrc)
            return Status(
                ErrorCode::ChecksumMismatch, "string tensor bytes do not match their CRC32C checksum");
    }
    return places;
}

Result<std::vector<std::string>> decodeStringTensor(
    std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc, bool verifyCrc)
{
    auto places = locateStrings(bytes, count, maskedCrc, verifyCrc);
    if (!places) return places.status();
    std::vector<std::string> out;
    out.reserve(places->size());
    for (const auto& place : *places)
        out.emplace_back(reinterpret_cast<const char*>(bytes.data() + place.offset), place.length);
    return out;
}

Status verifyVariantBytes(std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc)
{
    size_t consumed = 0;
    auto c = walkVariantElements(bytes, count, consumed, [](std::span<const std::byte>) {});
    if (!c) return c.status();
    if (crc32c::mask(*c) != maskedCrc)
        return Status(ErrorCode::ChecksumMismatch, "variant tensor CRC32C mismatch");
    return Status::ok();
}

} // namespace tscope::io
