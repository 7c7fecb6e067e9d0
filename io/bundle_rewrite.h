// Re-encodes a bundle (or a subset of it) through BundleWriter: every tensor is decoded by the reader and
// written again, in the order of the source's data files, so an unfiltered rewrite of a TensorFlow bundle
// reproduces its files byte for byte. Used by `export checkpoint` (strip / keep) and by the writer's proof.
#pragma once

#include "io/atomic_file.h"
#include "io/bundle_reader.h"
#include "io/cancel.h"
#include "io/status.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace tscope::io {

struct RewriteOptions {
    std::function<bool(const TensorEntry&)> keep; // null keeps every entry
    std::optional<std::string> objectGraph; // replaces the _CHECKPOINTABLE_OBJECT_GRAPH value when set
    bool replaceExisting = false; // false: refuse when an output file exists (checked again at rename)
    const CancelToken* cancel = nullptr;
    ProgressFn progress; // in bytes of stored tensor data
    Durability durability = Durability::Renamed; // see atomic_file.h
};

struct RewriteReport {
    uint64_t tensors = 0; // index entries written, slices included
    uint64_t bytes = 0; // stored tensor bytes written
};

Result<RewriteReport> rewriteBundle(
    const BundleReader& source, const std::filesystem::path& outPrefix, const RewriteOptions& options);

// The part `extents` of a tensor (the stored form of one slice of a partitioned variable).
Result<Tensor> extractSlice(const Tensor& full, const std::vector<SliceExtent>& extents);

} // namespace tscope::io
