#include "io/integrity.h"

#include "io/crc32c.h"
#include "io/dtype.h"

namespace tscope::io {

bool crcCheckedByConsumer(const BundleReader& bundle, const TensorEntry& entry)
{
    const DTypeInfo info = dtypeInfo(entry.dtype);
    return !entry.partitioned() && entry.problem.isOk() && info.elementSize > 0 && dtypeIsNumeric(entry.dtype)
        && !(bundle.header().bigEndian && info.elementSize > 1);
}

Status checkConsumerCrc(const BundleReader& bundle, const TensorEntry& entry, uint32_t crc)
{
    if (crc32c::mask(crc) == entry.stored.maskedCrc) return {};
    return Status(ErrorCode::ChecksumMismatch, "tensor bytes do not match their CRC32C checksum")
        .withTensor(entry.key)
        .withPath(bundle.dataPath(entry.stored.shard).string())
        .withOffset(entry.stored.offset);
}

} // namespace tscope::io
