#include "io/saved_model_variables.h"

#include "io/mapped_file.h"

#include <algorithm>

namespace tscope::io {

uint64_t savedModelVariableCount(const SavedModelInfo& info)
{
    uint64_t n = 0;
    for (const auto& mg : info.metaGraphs) {
        uint64_t here = 0;
        if (mg.hasObjectGraph) {
            here = static_cast<uint64_t>(std::count_if(mg.objects.begin(), mg.objects.end(),
                [](const ObjectNodeInfo& o) { return o.kind == "variable"; }));
        } else {
            for (const char* op : { "VarHandleOp", "VariableV2", "Variable" })
                if (auto it = mg.opCounts.find(op); it != mg.opCounts.end()) here += it->second;
        }
        n = std::max(n, here);
    }
    return n;
}

Status savedModelVariablesProblem(const SavedModelInfo& info, const std::filesystem::path& dir)
{
    const uint64_t count = savedModelVariableCount(info);
    if (count == 0) return {};
    const auto index = dir / "variables" / "variables.index";
    auto file = MappedFile::open(index); // the errno of a real open: ELOOP, EACCES, ENOENT, a FIFO...
    if (file) return {};
    Status why = file.status();
    return Status(why.code() == ErrorCode::Ok ? ErrorCode::Io : why.code(),
        "the graph has " + std::to_string(count) + " variables but variables/variables.index cannot be read ("
            + why.message() + "): the SavedModel is damaged")
        .withPath(index.string());
}

} // namespace tscope::io
