// Reads TensorFlow's `.index` table (a LevelDB SSTable) through LevelDB's public Table API, with every
// block CRC verified. Entries are returned in file (= key) order.
#pragma once

#include "io/cancel.h"
#include "io/mapped_file.h"
#include "io/status.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tscope::io {

struct TableEntry {
    std::string key;
    std::string value;
};

struct TableContents {
    std::vector<TableEntry> entries;
    uint64_t dataBlocks = 0; // number of data blocks the index block points at
    Status damage; // ok, or the first error met after which intact blocks were still read
};

struct TableReadOptions {
    bool verifyChecksums = true;
    const CancelToken* cancel = nullptr;
    ProgressFn progress; // in bytes of the file: how far the scan has got, of the file's size
};

struct TableScan {
    uint64_t dataBlocks = 0;
    Status damage;
};
// Visits every entry in order without copying it; the views are valid only during the call.
// `visit` returns false to stop early.
using TableVisitor = std::function<bool(std::string_view key, std::string_view value)>;
Result<TableScan> scanTable(
    const std::shared_ptr<MappedFile>& file, const TableReadOptions& options, const TableVisitor& visit);

// Opens and scans the whole table. A damaged footer or index block is fatal (no entries can be found);
// a damaged data block is reported in `damage` while entries of intact blocks are still returned.
Result<TableContents> readTable(
    const std::shared_ptr<MappedFile>& file, const TableReadOptions& options = {});

// The last 8 bytes of every LevelDB table (little-endian 0xdb4775248b80fb57), after a 48-byte footer.
inline constexpr uint8_t kTableMagic[8] = { 0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB };
inline constexpr uint64_t kTableFooterSize = 48;

// What a file without the magic reads as.
inline constexpr const char* kNotAnIndexMessage
    = "not a TensorFlow index file (the table magic number at its end is missing)";

// Resource bound used before LevelDB decompresses a snappy block: snappy cannot expand by more than ~22x.
constexpr uint64_t kMaxSnappyExpansion = 32;

} // namespace tscope::io
