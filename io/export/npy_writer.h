// One tensor (already sliced, see tensor_select.h) to a .npy file, atomically.
#pragma once

#include "io/export/export_options.h"
#include "io/status.h"
#include "io/tensor.h"

#include <filesystem>

namespace tscope::io {

Status writeNpy(const Tensor& tensor, const std::filesystem::path& out, const ExportOptions& options);

// Writes `bytes` to `file` through streamedWrite (4 MiB guarded chunks), reporting progress (`done` +
// written so far, of `total`) and stopping on cancel. Shared by the single-file writers.
class AtomicFile;
Status writeChunked(AtomicFile& file, std::span<const std::byte> bytes, const ExportOptions& options,
    uint64_t& done, uint64_t total);

} // namespace tscope::io
