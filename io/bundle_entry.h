// Decoding the `.index` rows of a TensorBundle: the header and the BundleEntryProto of each tensor,
// plus the checks that need no data file. Internal to io (BundleReader uses it).
#pragma once

#include "io/bundle_reader.h"

#include <string>
#include <string_view>

namespace tensorflow {
class BundleEntryProto;
}

namespace tscope::io {

inline constexpr int32_t kMaxBundleShards = 1 << 20;

// The header row (key ""). Unsupported for V1 tables and newer readers, Corrupt for nonsense.
Status parseBundleHeader(std::string_view bytes, BundleHeader& header, const std::string& indexName);

// Fast path for the common BundleEntryProto: fields 1-6 and a shape of plain dim sizes. Anything
// else (slices, dim names, unknown fields, malformed bytes) returns false and protobuf decides.
bool decodeEntryFast(std::string_view bytes, StoredBytes& out);

// The general path: a parsed proto (an unknown rank sets `problem`).
StoredBytes storedFromProto(const tensorflow::BundleEntryProto& proto, Status& problem);

// Everything about one stored tensor that can be checked without touching the data file.
Status checkStored(const StoredBytes& stored, int32_t numShards);

} // namespace tscope::io
