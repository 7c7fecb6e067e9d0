// DT_VARIANT tensors as a bundle stores them (FORMATS.md §2.4): per element a varint64 length, the
// serialized VariantTensorDataProto, and a masked running checksum. The elements stay opaque bytes: the
// browser never interprets them, but the writer must re-encode them exactly.
#pragma once

#include "io/status.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace tscope::io {

// Walks the `count` elements at the start of `bytes`, checking each element's checksum, and hands each
// payload to `onElement`. Returns the running CRC (unmasked) over everything walked, and through
// `consumed` how many bytes that was. The one parser behind decoding and verifying.
Result<uint32_t> walkVariantElements(std::span<const std::byte> bytes, uint64_t count, size_t& consumed,
    const std::function<void(std::span<const std::byte>)>& onElement);

// The serialized element payloads of a variant tensor's stored bytes, every element checksum verified.
Result<std::vector<std::string>> decodeVariantTensor(std::span<const std::byte> bytes, uint64_t count);

// The stored bytes of a variant tensor with these element payloads, and the entry's masked CRC.
std::string encodeVariantTensor(const std::vector<std::string>& elements, uint32_t& maskedCrc);

} // namespace tscope::io
