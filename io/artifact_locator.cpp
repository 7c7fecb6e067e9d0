#include "io/artifact_locator.h"

#include "io/git_lfs.h"
#include "io/mapped_file.h"
#include "io/saved_model_reader.h"
#include "io/table_reader.h"
#include "io/varint.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string_view>

namespace tscope::io {
namespace {

namespace fs = std::filesystem;

bool pathExists(const fs::path& p)
{
    std::error_code ec;
    return fs::exists(p, ec);
}
bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}
bool isDir(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A V1 checkpoint is a table file whose header record ("" key) holds SavedTensorSliceMeta (0x0A).
bool looksLikeV1Checkpoint(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    unsigned char head[8] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (in.gcount() < 5 || head[0] != 0 || head[1] != 0) return false;
    // Shared and unshared key lengths (both 0), then the value length, then the value itself.
    const auto* p = reinterpret_cast<const std::byte*>(head) + 2;
    const auto* end = reinterpret_cast<const std::byte*>(head) + sizeof head;
    uint64_t valueLength = 0;
    if (!readVarint64(p, end, valueLength) || p >= end || static_cast<uint8_t>(*p) != 0x0A) return false;
    in.clear();
    in.seekg(-8, std::ios::end);
    unsigned char tail[8] = {};
    in.read(reinterpret_cast<char*>(tail), sizeof tail);
    return in.gcount() == 8 && std::memcmp(tail, kTableMagic, 8) == 0;
}

Status unsupportedV1(const fs::path& file)
{
    return Status(ErrorCode::Unsupported,
        "not supported: legacy V1 checkpoint (the single-file SavedTensorSlices format of early TensorFlow); "
        "re-save it with a current TensorFlow to open it here")
        .withPath(file.string());
}

// "<prefix>-00000-of-00001": a shard of a sharded V1 checkpoint (Saver(sharded=True), SessionBundle).
bool isV1ShardName(const std::string& name)
{
    static constexpr std::string_view kShape = "-#####-of-#####";
    if (name.size() <= kShape.size()) return false;
    const size_t start = name.size() - kShape.size();
    for (size_t i = 0; i < kShape.size(); ++i) {
        const char c = name[start + i];
        if (kShape[i] == '#' ? !std::isdigit(static_cast<unsigned char>(c)) : c != kShape[i]) return false;
    }
    return true;
}

Status unsupportedKeras(const fs::path& file)
{
    return Status(ErrorCode::Unsupported,
        "not supported: Keras " + file.extension().string()
            + " file (HDF5/Keras v3 archive); open a SavedModel or TensorFlow checkpoint instead")
        .withPath(file.string());
}

Result<ArtifactLocation> savedModelAt(const fs::path& dir, const fs::path& input)
{
    ArtifactLocation loc;
    loc.kind = ArtifactKind::SavedModel;
    loc.input = input;
    loc.savedModelDir = dir;
    if (isFile(dir / "variables" / "variables.index")) loc.checkpointPrefix = dir / "variables" / "variables";
    return loc;
}

bool hasSavedModel(const fs::path& dir)
{
    return isFile(dir / "saved_model.pb") || isFile(dir / "saved_model.pbtxt")
        || isFile(dir / "saved_model.cpb");
}

Result<ArtifactLocation> checkpointAt(const fs::path& prefix, const fs::path& input)
{
    if (!isFile(prefix.string() + ".index")) {
        if (isFile(prefix) && looksLikeV1Checkpoint(prefix)) return unsupportedV1(prefix);
        return Status(
            ErrorCode::NotFound, "no checkpoint index '" + prefix.filename().string() + ".index' here")
            .withPath(prefix.string() + ".index");
    }
    if (isGitLfsPointer(prefix.string() + ".index")) return gitLfsPointerError(prefix.string() + ".index");
    ArtifactLocation loc;
    loc.kind = ArtifactKind::Checkpoint;
    loc.input = input;
    loc.checkpointPrefix = prefix;
    // `<dir>/variables/variables` of a SavedModel opened on its own: say whose it is.
    if (const fs::path variablesDir = prefix.parent_path(); prefix.filename() == "variables"
        && variablesDir.filename() == "variables" && hasSavedModel(variablesDir.parent_path())) {
        loc.enclosingSavedModel = variablesDir.parent_path();
        loc.notes.push_back(Status(ErrorCode::Note,
            "these are the variables of a SavedModel: open its directory to see its signatures, functions "
            "and variable names")
                                .withPath(loc.enclosingSavedModel.string()));
    }
    if (isFile(prefix.parent_path() / "checkpoint")) {
        auto state = readCheckpointState(prefix.parent_path() / "checkpoint");
        if (state) {
            for (const auto& w : state->warnings)
                loc.notes.push_back(w); // the notes are the one place an opened artifact takes them from
            loc.run = std::move(state.value());
        }
    }
    return loc;
}

Result<ArtifactLocation> fromStateFile(const fs::path& stateFile, const fs::path& input)
{
    auto state = readCheckpointState(stateFile);
    if (!state) return state.status();
    // The newest checkpoint that exists.
    const CheckpointRef* pick = nullptr;
    for (auto it = state->checkpoints.rbegin(); it != state->checkpoints.rend(); ++it)
        if (it->exists) {
            pick = &*it;
            break;
        }
    if (!pick)
        return Status(ErrorCode::NotFound,
            "the checkpoint state file names " + std::to_string(state->checkpoints.size())
                + " checkpoint(s) but none exists (latest: '" + state->checkpoints.back().recordedPath + "')")
            .withPath(stateFile.string());
    if (!isFile(pick->prefix.string() + ".index") && looksLikeV1Checkpoint(pick->prefix))
        return unsupportedV1(pick->prefix);
    ArtifactLocation loc;
    loc.kind = ArtifactKind::Checkpoint;
    loc.input = input;
    loc.checkpointPrefix = pick->prefix;
    if (!pick->latest)
        loc.notes.push_back(Status(ErrorCode::NotFound,
            "the latest checkpoint is missing; opened " + pick->prefix.filename().string()));
    for (const auto& w : state->warnings)
        loc.notes.push_back(w);
    loc.run = std::move(state.value());
    return loc;
}

Result<ArtifactLocation> fromDirectory(const fs::path& dir, const fs::path& input)
{
    if (hasSavedModel(dir)) return savedModelAt(dir, input);
    if (isFile(dir / "checkpoint")) {
        auto loc = fromStateFile(dir / "checkpoint", input);
        if (loc || loc.status().code() == ErrorCode::Unsupported) return loc;
    }
    if (dir.filename() == "variables" && isFile(dir / "variables.index"))
        return checkpointAt(dir / "variables", input);
    auto prefixes = checkpointPrefixesIn(dir);
    if (!prefixes.empty()) {
        auto loc = checkpointAt(prefixes.back(), input);
        if (loc && prefixes.size() > 1)
            loc->notes.push_back(Status(ErrorCode::Note,
                "this directory holds " + std::to_string(prefixes.size())
                    + " checkpoints and no state file; opened " + prefixes.back().filename().string()));
        return loc;
    }
    // A serving base directory: numbered versions, each a SavedModel. Open the highest.
    std::vector<fs::path> versions;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_directory(ec) && hasSavedModel(e.path())) versions.push_back(e.path());
    if (!versions.empty()) {
        std::sort(versions.begin(), versions.end(), [](const fs::path& a, const fs::path& b) {
            return naturalLess(a.filename().string(), b.filename().string());
        });
        auto loc = savedModelAt(versions.back(), input);
        if (loc && versions.size() > 1)
            loc->notes.push_back(
                Status(ErrorCode::Note, "opened the newest version " + versions.back().filename().string()));
        return loc;
    }
    // A TF Serving SessionBundle export (export.meta + export-00000-of-00001) or any sharded V1
    // checkpoint: the same message as its files get.
    std::vector<fs::path> v1Shards;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) && isV1ShardName(e.path().filename().string())
            && looksLikeV1Checkpoint(e.path()))
            v1Shards.push_back(e.path());
    if (!v1Shards.empty()) return unsupportedV1(*std::min_element(v1Shards.begin(), v1Shards.end()));
    // Sorted, so that the file named in the message does not depend on the directory's listing order.
    std::vector<fs::path> kerasFiles;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        auto ext = e.path().extension().string();
        if (ext == ".h5" || ext == ".keras" || ext == ".hdf5") kerasFiles.push_back(e.path());
    }
    if (!kerasFiles.empty()) return unsupportedKeras(*std::min_element(kerasFiles.begin(), kerasFiles.end()));
    if (ec) return statusFromErrno(ec.value(), "cannot list directory", dir);
    return Status(ErrorCode::NotFound, "no TensorFlow checkpoint or SavedModel in this directory")
        .withPath(dir.string());
}

// "<prefix>.data-00003-of-00008" -> "<prefix>"; empty when the name is not a data shard.
std::string prefixOfDataShard(const std::string& path)
{
    static constexpr std::string_view kShape = ".data-#####-of-#####";
    if (path.size() <= kShape.size()) return {};
    const size_t start = path.size() - kShape.size();
    for (size_t i = 0; i < kShape.size(); ++i) {
        const char c = path[start + i];
        if (kShape[i] == '#' ? !std::isdigit(static_cast<unsigned char>(c)) : c != kShape[i]) return {};
    }
    return path.substr(0, start);
}

} // namespace

const char* artifactKindName(ArtifactKind kind)
{
    return kind == ArtifactKind::SavedModel ? "savedmodel" : "checkpoint";
}

bool naturalLess(const std::string& a, const std::string& b)
{
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i]))
            && std::isdigit(static_cast<unsigned char>(b[j]))) {
            size_t i2 = i, j2 = j;
            while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2])))
                ++i2;
            while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2])))
                ++j2;
            std::string na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
            na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
            nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = i2;
            j = j2;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

std::vector<fs::path> checkpointPrefixesIn(const fs::path& dir)
{
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const auto name = e.path().filename().string();
        if (e.is_regular_file(ec) && endsWith(name, ".index"))
            out.push_back(dir / name.substr(0, name.size() - 6));
    }
    std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
        return naturalLess(a.filename().string(), b.filename().string());
    });
    return out;
}

namespace {

// For a mistyped step number: the checkpoints that are in the directory ("; it holds ckpt-2, ckpt-3").
std::string checkpointsNearby(const fs::path& missing)
{
    const fs::path dir = missing.parent_path().empty() ? fs::path(".") : missing.parent_path();
    if (!isDir(dir)) return {};
    const auto prefixes = checkpointPrefixesIn(dir);
    if (prefixes.empty()) return {};
    constexpr size_t kShown = 6;
    std::string text = "; the directory holds the checkpoint" + std::string(prefixes.size() > 1 ? "s " : " ");
    for (size_t i = 0; i < prefixes.size() && i < kShown; ++i)
        text += (i ? ", " : "") + prefixes[i].filename().string();
    if (prefixes.size() > kShown) text += " and " + std::to_string(prefixes.size() - kShown) + " more";
    return text;
}

} // namespace

Result<ArtifactLocation> locateArtifact(const fs::path& rawInput)
{
    if (rawInput.empty()) return Status(ErrorCode::InvalidArgument, "no path given");
    fs::path input = rawInput;
    // Trailing slashes ("dir/") would make filename() empty.
    while (input.has_relative_path() && !input.has_filename())
        input = input.parent_path();
    const std::string name = input.filename().string();

    if (isDir(input)) return fromDirectory(input, rawInput);
    if (!pathExists(input)) {
        if (isFile(input.string() + ".index")) return checkpointAt(input, rawInput);
        if (isFile(input.string() + "-00000-of-00001")
            || pathExists(input.parent_path() / (name + "-00000-of-00002")))
            return unsupportedV1(input);
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(input, ec)))
            return Status(ErrorCode::NotFound,
                "a symbolic link that leads nowhere (its target is missing, or "
                "the links form a loop)")
                .withPath(input.string());
        return Status(ErrorCode::NotFound, "no such file or directory" + checkpointsNearby(input))
            .withPath(input.string());
    }
    if (!isFile(input))
        return Status(ErrorCode::InvalidArgument, "not a regular file or directory").withPath(input.string());

    const fs::path dir = input.parent_path().empty() ? fs::path(".") : input.parent_path();
    const std::string ext = input.extension().string();
    if (name == "saved_model.pb" || name == "saved_model.pbtxt" || name == "saved_model.cpb")
        return savedModelAt(dir, rawInput);
    if (name == "checkpoint") return fromStateFile(input, rawInput);
    if (ext == ".h5" || ext == ".keras" || ext == ".hdf5") return unsupportedKeras(input);
    if (isGitLfsPointer(input)) return gitLfsPointerError(input);
    if (ext == ".index") {
        return checkpointAt(input.string().substr(0, input.string().size() - 6), rawInput);
    }
    const std::string full = input.string();
    if (auto prefix = prefixOfDataShard(full); !prefix.empty())
        return checkpointAt(fs::path(prefix), rawInput);
    if (ext == ".meta") {
        fs::path prefix = full.substr(0, full.size() - 5);
        if (isFile(prefix.string() + ".index")) return checkpointAt(prefix, rawInput);
        if (isFile(prefix) && looksLikeV1Checkpoint(prefix)) return unsupportedV1(prefix);
        if (const fs::path shard = prefix.string() + "-00000-of-00001";
            isFile(shard) && looksLikeV1Checkpoint(shard))
            return unsupportedV1(shard);
        return Status(ErrorCode::NotFound,
            "this .meta graph has no checkpoint next to it ('" + prefix.filename().string()
                + ".index' is missing)")
            .withPath(input.string());
    }
    if (looksLikeV1Checkpoint(input)) return unsupportedV1(input);
    if (isFile(full + ".index")) return checkpointAt(input, rawInput);
    return Status(ErrorCode::Unsupported, "not a TensorFlow checkpoint or SavedModel file")
        .withPath(input.string());
}

} // namespace tscope::io
