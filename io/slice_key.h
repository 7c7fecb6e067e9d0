// Keys of partitioned-variable slices: TensorFlow's OrderedCode encoding of (name, slice extents).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tscope::io {

// One extent per dimension; length -1 means "the whole dimension" (start 0).
struct SliceExtent {
    int64_t start = 0;
    int64_t length = -1;
};

// The bundle key under which the slice `extents` of tensor `name` is stored.
std::string encodeSliceKey(const std::string& name, const std::vector<SliceExtent>& extents);

// Slice keys start with byte 0x00; no ordinary tensor key does.
inline bool isSliceKey(std::string_view key)
{
    return !key.empty() && key[0] == '\0';
}

// The tensor name inside a slice key, or empty when the key is malformed.
std::string sliceKeyTensorName(const std::string& key);

namespace ordered_code {
void writeNumIncreasing(std::string& out, uint64_t v);
void writeSignedNumIncreasing(std::string& out, int64_t n);
void writeString(std::string& out, const std::string& s);
} // namespace ordered_code

} // namespace tscope::io
