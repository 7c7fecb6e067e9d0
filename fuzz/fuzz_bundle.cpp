// The bundle reader: index plus one data shard, both from the input. Layout of an input:
// 4 bytes little-endian index length, the index bytes, then the data shard bytes.
// Opens, reads every tensor with CRC checks, builds the variable tree and verifies.
#include "fuzz/fuzz_support.h"
#include "io/bundle_reader.h"
#include "io/variable_tree.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 4) return 0;
    uint32_t indexLen = 0;
    std::memcpy(&indexLen, data, 4);
    data += 4;
    size -= 4;
    if (indexLen > size) indexLen = static_cast<uint32_t>(size);
    auto dir = tscope::fuzz::scratchDir();
    tscope::fuzz::writeFile(dir / "b.index", data, indexLen);
    tscope::fuzz::writeFile(dir / "b.data-00000-of-00001", data + indexLen, size - indexLen);
    auto bundle = tscope::io::BundleReader::open(dir / "b");
    if (!bundle) return 0;
    tscope::io::ReadOptions options;
    options.verifyCrc = true;
    for (const auto& e : (*bundle)->entries())
        (void)(*bundle)->read(e, options);
    (void)tscope::io::buildVariableTree(**bundle);
    (void)(*bundle)->verify();
    return 0;
}
