// Integrity checked by whoever reads a tensor whole: a consumer that reads every byte anyway (the
// statistics pass) computes the CRC32C in that same pass, so the check covers exactly the bytes it used
// and costs no second read. Tensors that are reassembled, byte-swapped or decoded get their CRC checked
// by BundleReader::read (ReadOptions::verifyCrc) instead.
#pragma once

#include "io/bundle_reader.h"
#include "io/status.h"

namespace tscope::io {

// True when `entry` is stored in one piece of fixed-size little-endian elements: read() then borrows
// the stored bytes as they are, and their CRC can be computed by the consumer.
bool crcCheckedByConsumer(const BundleReader& bundle, const TensorEntry& entry);

// Ok, or ChecksumMismatch naming the tensor, file and offset when `crc` (unmasked, over all the stored
// bytes) differs from the stored one.
Status checkConsumerCrc(const BundleReader& bundle, const TensorEntry& entry, uint32_t crc);

} // namespace tscope::io
