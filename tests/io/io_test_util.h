// Header-only helpers shared by the io tests: file bytes, hand-made LevelDB tables, index rewriting,
// the corpus location and an address-space cap that turns a huge allocation into a visible failure.
#pragma once

#include "io/crc32c.h"
#include "io/mapped_file.h"
#include "io/status.h"
#include "io/table_reader.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTest>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <leveldb/env.h>
#include <leveldb/options.h>
#include <leveldb/table_builder.h>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <utility>
#include <vector>

namespace iotest {

namespace fs = std::filesystem;
using tscope::io::ErrorCode;
using tscope::io::Status;

inline fs::path corpusDir()
{
    return fs::path(TSCOPE_CORPUS_DIR);
}

inline std::string readFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Replaces the file by a new one (unlink first: truncating a file in place makes ext4 flush it to disk on
// close, which turns thousands of small rewrites into seconds of I/O waits).
inline bool writeFile(const fs::path& p, const std::string& bytes)
{
    std::error_code ec;
    fs::remove(p, ec);
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
}

inline std::span<const std::byte> asBytes(const std::string& s)
{
    return { reinterpret_cast<const std::byte*>(s.data()), s.size() };
}

template <typename T> std::span<const std::byte> asBytes(const std::vector<T>& v)
{
    return { reinterpret_cast<const std::byte*>(v.data()), v.size() * sizeof(T) };
}

// "03 63 3F" -> bytes
inline std::string hexBytes(const char* text)
{
    std::string out;
    std::istringstream in(text);
    std::string tok;
    while (in >> tok)
        out.push_back(static_cast<char>(std::stoul(tok, nullptr, 16)));
    return out;
}

inline QString toHex(const std::string& s)
{
    return QString::fromLatin1(QByteArray(s.data(), static_cast<qsizetype>(s.size())).toHex(' ').toUpper());
}

inline QString describe(const Status& s)
{
    return QString::fromStdString(s.toString());
}

// QVERIFY2 evaluates its message even on success: this one is safe to build for an ok Result.
template <typename T> QString whyNot(const tscope::io::Result<T>& r)
{
    return r.isOk() ? QString() : describe(r.status());
}

inline QString describeAll(const std::vector<Status>& list)
{
    QStringList out;
    for (const auto& s : list)
        out << describe(s);
    return out.join(QStringLiteral("; "));
}

inline const char* codeName(ErrorCode c)
{
    return tscope::io::errorCodeName(c);
}

// QCOMPARE on error codes prints names instead of numbers.
#define IOTEST_COMPARE_CODE(actual, expected)                                                                \
    QCOMPARE(                                                                                                \
        QString::fromLatin1(::iotest::codeName(actual)), QString::fromLatin1(::iotest::codeName(expected)))

inline void putVarint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

inline void putFixed32(std::string& out, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline uint32_t getFixed32(const std::string& s, size_t at)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
    return v;
}

inline bool getVarint(const std::string& s, size_t& pos, uint64_t& out)
{
    out = 0;
    for (int shift = 0; shift <= 63 && pos < s.size(); shift += 7) {
        auto b = static_cast<uint8_t>(s[pos++]);
        out |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

// A table block with restart interval 1 (every entry shared = 0), as the index block is written.
inline std::string makeBlock(const std::vector<std::pair<std::string, std::string>>& entries)
{
    std::string out;
    std::vector<uint32_t> restarts;
    for (const auto& [k, v] : entries) {
        restarts.push_back(static_cast<uint32_t>(out.size()));
        putVarint(out, 0);
        putVarint(out, k.size());
        putVarint(out, v.size());
        out += k;
        out += v;
    }
    if (restarts.empty()) restarts.push_back(0);
    for (auto r : restarts)
        putFixed32(out, r);
    putFixed32(out, static_cast<uint32_t>(restarts.size()));
    return out;
}

// type byte + masked CRC32C over (contents ‖ type).
inline std::string blockTrailer(const std::string& contents, uint8_t type)
{
    std::string withType = contents;
    withType.push_back(static_cast<char>(type));
    std::string t(1, static_cast<char>(type));
    putFixed32(t, tscope::io::crc32c::mask(tscope::io::crc32c::value(withType.data(), withType.size())));
    return t;
}

inline std::string blockHandle(uint64_t offset, uint64_t size)
{
    std::string h;
    putVarint(h, offset);
    putVarint(h, size);
    return h;
}

inline std::string footer(const std::string& metaHandle, const std::string& indexHandle)
{
    std::string f = metaHandle + indexHandle;
    f.resize(40, '\0');
    f += hexBytes("57 FB 80 8B 24 75 47 DB");
    return f;
}

struct FooterInfo {
    uint64_t metaOffset = 0, metaSize = 0, indexOffset = 0, indexSize = 0;
};

inline bool parseFooter(const std::string& file, FooterInfo& f)
{
    if (file.size() < 48) return false;
    size_t pos = file.size() - 48;
    return getVarint(file, pos, f.metaOffset) && getVarint(file, pos, f.metaSize)
        && getVarint(file, pos, f.indexOffset) && getVarint(file, pos, f.indexSize);
}

// Writes a table with LevelDB's own TableBuilder; records where every data block ends (file offset just
// past its trailer) and which block each entry went into.
struct BuiltTable {
    std::vector<uint64_t> blockEnds; // file offset after each data block's trailer
    std::vector<int> blockOfEntry; // per entry
    bool ok = false;
};

inline BuiltTable writeLevelDbTable(const fs::path& path,
    const std::vector<std::pair<std::string, std::string>>& entries, size_t blockSize = 4096,
    leveldb::CompressionType compression = leveldb::kNoCompression, int restartInterval = 16)
{
    BuiltTable built;
    std::error_code ec;
    fs::remove(path, ec); // a fresh file, not a truncated one (see writeFile)
    leveldb::WritableFile* raw = nullptr;
    if (!leveldb::Env::Default()->NewWritableFile(path.string(), &raw).ok()) return built;
    std::unique_ptr<leveldb::WritableFile> file(raw);
    leveldb::Options options;
    options.block_size = blockSize;
    options.block_restart_interval = restartInterval;
    options.compression = compression;
    leveldb::TableBuilder builder(options, file.get());
    uint64_t last = 0;
    int block = 0;
    for (const auto& [k, v] : entries) {
        builder.Add(k, v);
        built.blockOfEntry.push_back(block);
        if (builder.FileSize() != last) { // the block holding this entry was flushed
            last = builder.FileSize();
            built.blockEnds.push_back(last);
            ++block;
        }
    }
    if (!builder.Finish().ok()) return built;
    file->Close();
    file.reset();
    if (!entries.empty() && built.blockOfEntry.back() == static_cast<int>(built.blockEnds.size())) {
        // The last, partial block was flushed by Finish(): it ends where the metaindex block starts.
        FooterInfo f;
        if (!parseFooter(readFile(path), f)) return built;
        built.blockEnds.push_back(f.metaOffset);
    }
    built.ok = true;
    return built;
}

inline std::shared_ptr<tscope::io::MappedFile> mapOrFail(const fs::path& path)
{
    auto f = tscope::io::MappedFile::open(path);
    if (!f) return nullptr;
    return f.value();
}

// Reads `index`, lets `edit` change the (key, value) rows, and writes them back as a fresh table.
// Rows must stay sorted; `edit` may reorder nothing. Used to forge headers and entries.
inline bool rewriteIndex(
    const fs::path& index, const std::function<void(std::vector<std::pair<std::string, std::string>>&)>& edit)
{
    auto file = mapOrFail(index);
    if (!file) return false;
    auto table = tscope::io::readTable(file);
    if (!table) return false;
    std::vector<std::pair<std::string, std::string>> rows;
    for (auto& e : table->entries)
        rows.emplace_back(e.key, e.value);
    file.reset();
    edit(rows);
    std::error_code ec;
    fs::remove(index, ec);
    return writeLevelDbTable(index, rows, 256 * 1024).ok;
}

// Caps the address space for the scope: an allocation of gigabytes then fails (bad_alloc) instead of
// silently reserving memory, so "no huge allocation" becomes testable.
class AddressSpaceCap {
public:
    explicit AddressSpaceCap(uint64_t headroomBytes)
    {
#if defined(__SANITIZE_ADDRESS__)
        // AddressSanitizer reserves terabytes of shadow memory and aborts on failed allocations:
        // under it the cap is off (ASan's own allocation limits report huge allocations instead).
        (void)headroomBytes;
        return;
#endif
        if (getrlimit(RLIMIT_AS, &m_old) != 0) return;
        std::ifstream status("/proc/self/status");
        std::string line;
        uint64_t vmKb = 0;
        while (std::getline(status, line))
            if (line.rfind("VmSize:", 0) == 0) vmKb = std::stoull(line.substr(7));
        if (vmKb == 0) return;
        rlimit capped = m_old;
        capped.rlim_cur = static_cast<rlim_t>(vmKb * 1024 + headroomBytes);
        if (m_old.rlim_max != RLIM_INFINITY && capped.rlim_cur > m_old.rlim_max) return;
        m_active = setrlimit(RLIMIT_AS, &capped) == 0;
    }
    ~AddressSpaceCap()
    {
        if (m_active) setrlimit(RLIMIT_AS, &m_old);
    }
    AddressSpaceCap(const AddressSpaceCap&) = delete;
    AddressSpaceCap& operator=(const AddressSpaceCap&) = delete;
    bool active() const
    {
        return m_active;
    }

private:
    rlimit m_old {};
    bool m_active = false;
};

} // namespace iotest
