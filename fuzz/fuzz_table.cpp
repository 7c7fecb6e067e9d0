// The `.index` table reader on arbitrary bytes.
#include "fuzz/fuzz_support.h"
#include "io/table_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto dir = tscope::fuzz::scratchDir();
    tscope::fuzz::writeFile(dir / "table.index", data, size);
    auto file = tscope::io::MappedFile::open(dir / "table.index");
    if (!file) return 0;
    auto contents = tscope::io::readTable(*file);
    if (contents) {
        size_t total = 0;
        for (const auto& e : contents->entries)
            total += e.key.size() + e.value.size();
        (void)total;
    }
    return 0;
}
