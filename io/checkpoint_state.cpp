#include "io/checkpoint_state.h"

#include "checkpoint_state.pb.h"
#include "io/proto_parse_errors.h"

#include <fstream>
#include <google/protobuf/text_format.h>
#include <sstream>

namespace tscope::io {
namespace {

constexpr uintmax_t kMaxStateFileBytes = 16u << 20;

bool prefixExists(const std::filesystem::path& prefix)
{
    std::error_code ec;
    return std::filesystem::exists(prefix.string() + ".index", ec)
        || std::filesystem::is_regular_file(prefix, ec);
}

} // namespace

Result<CheckpointState> readCheckpointState(const std::filesystem::path& stateFile)
{
    std::error_code ec;
    auto size = std::filesystem::file_size(stateFile, ec);
    if (ec)
        return Status(ErrorCode::NotFound, "cannot read the checkpoint state file")
            .withPath(stateFile.string());
    if (size > kMaxStateFileBytes)
        return Status(ErrorCode::Corrupt, "the checkpoint state file is implausibly large")
            .withPath(stateFile.string());
    std::ifstream in(stateFile, std::ios::binary);
    if (!in)
        return Status(ErrorCode::PermissionDenied, "cannot open the checkpoint state file")
            .withPath(stateFile.string());
    std::stringstream text;
    text << in.rdbuf();

    tensorflow::CheckpointState proto;
    google::protobuf::TextFormat::Parser parser;
    FirstProtoParseError errors;
    parser.RecordErrorsTo(&errors);
    parser.AllowUnknownField(true);
    if (!parser.ParseFromString(text.str(), &proto))
        return Status(
            ErrorCode::Corrupt, "the checkpoint state file is not a valid CheckpointState: " + errors.text())
            .withPath(stateFile.string());

    CheckpointState state;
    state.file = stateFile;
    const auto dir = stateFile.parent_path();
    auto resolve = [&](const std::string& recorded) {
        std::filesystem::path p(recorded);
        if (p.is_relative()) return dir / p;
        if (!prefixExists(p) && prefixExists(dir / p.filename())) {
            state.warnings.push_back(Status(ErrorCode::NotFound,
                "'" + recorded + "' is an absolute path that does not exist here; using '"
                    + p.filename().string() + "' next to the state file"));
            return dir / p.filename();
        }
        return p;
    };
    std::vector<std::string> paths(
        proto.all_model_checkpoint_paths().begin(), proto.all_model_checkpoint_paths().end());
    if (paths.empty() && !proto.model_checkpoint_path().empty())
        paths.push_back(proto.model_checkpoint_path());
    if (!proto.model_checkpoint_path().empty() && paths.back() != proto.model_checkpoint_path())
        paths.push_back(proto.model_checkpoint_path());
    if (paths.empty())
        return Status(ErrorCode::Corrupt, "the checkpoint state file names no checkpoint")
            .withPath(stateFile.string());
    for (size_t i = 0; i < paths.size(); ++i) {
        CheckpointRef ref;
        ref.recordedPath = paths[i];
        ref.prefix = resolve(paths[i]);
        if (i < static_cast<size_t>(proto.all_model_checkpoint_timestamps_size()))
            ref.timestamp = proto.all_model_checkpoint_timestamps(static_cast<int>(i));
        ref.latest = paths[i] == proto.model_checkpoint_path();
        ref.exists = prefixExists(ref.prefix);
        state.checkpoints.push_back(std::move(ref));
    }
    return state;
}

} // namespace tscope::io
