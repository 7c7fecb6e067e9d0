// Tensors of a bundle to one .npz: a zip (zip_stored_writer.h) of uncompressed "<name>.npy" members, as
// numpy.savez writes them; numpy.load(path)[name] gives each array back. Members over 4 GiB use zip64.
// Tensor bytes stream from the mapped shards through two 4 MiB buffers, never held whole in memory.
#pragma once

#include "io/bundle_reader.h"
#include "io/export/export_items.h"
#include "io/export/export_options.h"

#include <filesystem>

namespace tscope::io {

// A tensor whose values .npy cannot hold exactly (strings ending in NUL) is refused, or, when `skipped` is
// given, left out and listed there as "<key>: <reason>".
Status writeNpz(const BundleReader& bundle, const std::vector<ExportItem>& items,
    const std::filesystem::path& out, const ExportOptions& options,
    std::vector<std::string>* skipped = nullptr);

} // namespace tscope::io
