// The diff of two artifacts as rows: the mapping engine's pairs (io/compare) with their status, and the
// metrics of pairs whose bytes were read (kernels/diff_metrics). The CLI `diff` and the compare view
// both build it here, so they show the same numbers. Planning reads only metadata; filling reads data.
#pragma once

#include "io/bundle_reader.h"
#include "io/compare/pair_status.h"
#include "io/compare/variable_mapping.h"
#include "model/kernels/diff_metrics.h"

#include <optional>
#include <string>
#include <vector>

namespace tscope::model {

// How a row's status was established.
enum class DiffEvidence { Metadata, Checksum, Bytes };
const char* diffEvidenceName(DiffEvidence evidence); // metadata | checksum | bytes

struct DiffRow {
    int a = -1; // entry index in A, -1 when only in B
    int b = -1;
    std::optional<io::PairStatus> status; // nullopt until the bytes were read, or when they cannot be
    DiffEvidence evidence = DiffEvidence::Metadata;
    int match = -1; // index into the mapping's matches; -1 for only-in rows
    std::optional<DiffMetrics> metrics; // when the bytes were read
    io::Status error; // reading failed: the status stays unknown
    bool needsData() const { return !status && error.isOk(); }
};

struct ArtifactDiff {
    io::VariableMapping mapping;
    std::vector<DiffRow> rows; // by A's key (B's key for rows only in B)
};

// Pairs the variables and classifies them by metadata. A missing bundle counts as no variables.
ArtifactDiff planDiff(
    const io::BundleReader* a, const io::BundleReader* b, const io::MappingOptions& options = {});

struct FillOptions {
    bool confirmIdentical = false; // also read the pairs found identical by checksum
    const io::CancelToken* cancel = nullptr;
    io::ProgressFn progress; // elements (of A) over all rows to read
    io::Executor* executor = nullptr;
};

// Reads the pairs that need it and computes their metrics; fills status Identical / Changed. Returns
// Cancelled (rows done so far are kept) when cancelled; read errors stay in their rows.
io::Status fillDiffMetrics(ArtifactDiff& diff, const io::BundleReader& a, const io::BundleReader& b,
    const FillOptions& options = {});

// Which rows to read: every row with needsData(), plus checksum-identical ones when confirming.
bool rowWantsData(const DiffRow& row, bool confirmIdentical);

} // namespace tscope::model
