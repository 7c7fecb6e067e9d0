// How a TensorBundle stores tensor bytes (FORMATS.md §2.4) and their CRC32C, shared by the reader and
// the writer: DT_STRING length-prefixed encoding, DT_VARIANT framing, chunked cancellable CRCs.
#pragma once

#include "io/cancel.h"
#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

// CRC32C (unmasked) of `bytes` in 16 MiB steps, checking `cancel` between steps.
Result<uint32_t> crc32cCancellable(std::span<const std::byte> bytes, const CancelToken* cancel);

// The DT_STRING encoding of `values` and its masked whole-tensor CRC.
std::string encodeStringTensor(const std::vector<std::string>& values, uint32_t& maskedCrc);

// Decodes a DT_STRING tensor's stored bytes, verifying the length checksum and, when `verifyCrc`, the
// whole-tensor CRC.
Result<std::vector<std::string>> decodeStringTensor(
    std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc, bool verifyCrc);

// Where one string element lies in the stored bytes.
struct StringPlace {
    uint64_t offset = 0;
    uint64_t length = 0;
};
// The same checks as decodeStringTensor, answering where each string lies instead of copying it.
Result<std::vector<StringPlace>> locateStrings(
    std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc, bool verifyCrc);

// Variant tensors are not decoded, but their framing and CRC can still be verified.
Status verifyVariantBytes(std::span<const std::byte> bytes, uint64_t count, uint32_t maskedCrc);

} // namespace tscope::io
