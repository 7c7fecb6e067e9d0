#include "io/export/zip_stored_writer.h"

#include <libdeflate.h>

namespace tscope::io {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;
constexpr uint16_t kUtf8Names = 0x0800; // general purpose flag bit 11
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01
constexpr uint16_t kMadeByUnix = (3 << 8) | 45;
constexpr uint32_t kUnixRegular0644 = 0100644u << 16;
constexpr uint32_t kMax32 = 0xFFFFFFFFu;
constexpr uint16_t kMax16 = 0xFFFF;

void put16(std::string& s, uint16_t v)
{
    s += static_cast<char>(v & 0xff);
    s += static_cast<char>(v >> 8);
}
void put32(std::string& s, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put64(std::string& s, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        s += static_cast<char>((v >> (8 * i)) & 0xff);
}
std::span<const std::byte> asBytes(const std::string& s)
{
    return { reinterpret_cast<const std::byte*>(s.data()), s.size() };
}

// Local header; its CRC (at offset 14) is patched once the data is written.
std::string localHeader(const std::string& name, uint64_t size, uint32_t crc, bool zip64)
{
    std::string h;
    put32(h, kLocalSig);
    put16(h, zip64 ? 45 : 20); // version needed to extract
    put16(h, kUtf8Names);
    put16(h, 0); // stored
    put16(h, 0); // time 00:00
    put16(h, kDosDate);
    put32(h, crc);
    put32(h, zip64 ? kMax32 : static_cast<uint32_t>(size)); // compressed size
    put32(h, zip64 ? kMax32 : static_cast<uint32_t>(size)); // uncompressed size
    put16(h, static_cast<uint16_t>(name.size()));
    put16(h, zip64 ? 20 : 0);
    h += name;
    if (zip64) { // both sizes, as the local zip64 extra field must hold
        put16(h, 0x0001);
        put16(h, 16);
        put64(h, size);
        put64(h, size);
    }
    return h;
}

} // namespace

ZipStoredWriter::ZipStoredWriter(std::filesystem::path out, Durability durability, uint64_t zip64Above)
    : m_file(std::move(out), durability)
    , m_zip64Above(zip64Above)
{ }

Status ZipStoredWriter::open()
{
    return m_file.open();
}

Status ZipStoredWriter::add(const std::string& name, std::span<const std::byte> head,
    std::span<const std::byte> data, const ChunkProceed& proceed)
{
    if (name.size() > kMax16) return Status(ErrorCode::Unsupported, "a zip member name over 65535 bytes");
    Member m;
    m.name = name;
    m.offset = m_file.bytesWritten();
    m.size = head.size() + data.size();
    m.zip64 = m.size > m_zip64Above;
    TSCOPE_RETURN_IF_ERROR(m_file.write(localHeader(name, m.size, 0, m.zip64)));
    uint32_t crc = libdeflate_crc32(0, head.data(), head.size());
    TSCOPE_RETURN_IF_ERROR(m_file.write(head));
    TSCOPE_RETURN_IF_ERROR(streamedWrite(
        m_file, data,
        [&crc](std::span<const std::byte> chunk) { crc = libdeflate_crc32(crc, chunk.data(), chunk.size()); },
        proceed));
    m.crc = crc;
    std::string patched;
    put32(patched, crc);
    TSCOPE_RETURN_IF_ERROR(m_file.writeAt(m.offset + 14, asBytes(patched)));
    m_members.push_back(std::move(m));
    return Status::ok();
}

std::string ZipStoredWriter::centralHeader(const Member& m) const
{
    const bool bigSize = m.size > m_zip64Above;
    const bool bigOffset = m.offset > m_zip64Above;
    std::string extra;
    if (bigSize || bigOffset) { // only the fields whose 32-bit slot says 0xFFFFFFFF, in this order
        std::string fields;
        if (bigSize) {
            put64(fields, m.size);
            put64(fields, m.size);
        }
        if (bigOffset) put64(fields, m.offset);
        put16(extra, 0x0001);
        put16(extra, static_cast<uint16_t>(fields.size()));
        extra += fields;
    }
    std::string h;
    put32(h, kCentralSig);
    put16(h, kMadeByUnix);
    put16(h, extra.empty() ? 20 : 45);
    put16(h, kUtf8Names);
    put16(h, 0);
    put16(h, 0);
    put16(h, kDosDate);
    put32(h, m.crc);
    put32(h, bigSize ? kMax32 : static_cast<uint32_t>(m.size));
    put32(h, bigSize ? kMax32 : static_cast<uint32_t>(m.size));
    put16(h, static_cast<uint16_t>(m.name.size()));
    put16(h, static_cast<uint16_t>(extra.size()));
    put16(h, 0); // comment
    put16(h, 0); // disk
    put16(h, 0); // internal attributes
    put32(h, kUnixRegular0644);
    put32(h, bigOffset ? kMax32 : static_cast<uint32_t>(m.offset));
    h += m.name;
    h += extra;
    return h;
}

Status ZipStoredWriter::commit(bool replace)
{
    const uint64_t cdOffset = m_file.bytesWritten();
    std::string cd;
    for (const auto& m : m_members)
        cd += centralHeader(m);
    const uint64_t cdSize = cd.size();
    const uint64_t count = m_members.size();
    const bool zip64 = count >= kMax16 || cdOffset > m_zip64Above || cdSize > m_zip64Above;
    std::string end;
    if (zip64) {
        const uint64_t recordOffset = cdOffset + cdSize;
        put32(end, kZip64EndSig);
        put64(end, 44); // the record's size after this field
        put16(end, kMadeByUnix);
        put16(end, 45);
        put32(end, 0); // this disk
        put32(end, 0); // disk with the central directory
        put64(end, count);
        put64(end, count);
        put64(end, cdSize);
        put64(end, cdOffset);
        put32(end, kZip64LocatorSig);
        put32(end, 0);
        put64(end, recordOffset);
        put32(end, 1); // total disks
    }
    put32(end, kEndSig);
    put16(end, 0);
    put16(end, 0);
    put16(end, zip64 ? kMax16 : static_cast<uint16_t>(count));
    put16(end, zip64 ? kMax16 : static_cast<uint16_t>(count));
    put32(end, zip64 ? kMax32 : static_cast<uint32_t>(cdSize));
    put32(end, zip64 ? kMax32 : static_cast<uint32_t>(cdOffset));
    put16(end, 0); // comment
    TSCOPE_RETURN_IF_ERROR(m_file.write(cd + end));
    return m_file.commit(replace);
}

} // namespace tscope::io
