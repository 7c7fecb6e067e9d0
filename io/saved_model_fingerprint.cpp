#include "io/saved_model_fingerprint.h"

#include "fingerprint.pb.h"
#include "io/git_lfs.h"
#include "io/guarded_read.h"
#include "saved_model.pb.h"

#include <cctype>
#include <climits>
#include <farmhash.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <limits>
#include <map>
#include <string_view>

namespace fs = std::filesystem;

namespace tscope::io {
namespace {

constexpr size_t idx(FingerprintField f)
{
    return static_cast<size_t>(f);
}

uint64_t fingerprint64(std::string_view bytes)
{
    return util::Fingerprint64(bytes.data(), bytes.size());
}

// TensorFlow's FingerprintCat64 (tsl/platform/fingerprint.h): a fixed mix of two 64-bit fingerprints.
uint64_t shiftMix(uint64_t v)
{
    return v ^ (v >> 47);
}
uint64_t fingerprintCat64(uint64_t fp1, uint64_t fp2)
{
    constexpr uint64_t kMul = 0xc6a4a7935bd1e995ULL;
    uint64_t result = fp1 ^ kMul;
    result ^= shiftMix(fp2 * kMul) * kMul;
    result *= kMul;
    result = shiftMix(result) * kMul;
    return shiftMix(result);
}

// Deterministic serialization as TensorFlow's C++ writes it: map entries sorted by key.
std::string serializeDeterministic(const google::protobuf::Message& message)
{
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        message.SerializeToCodedStream(&coded);
    } // the coded stream trims `out` when it goes
    return out;
}

// True when `message` or any message inside it carries fields our schema does not know. Nesting is
// bounded by the parser's recursion limit.
bool hasUnknownFields(const google::protobuf::Message& message)
{
    const auto* reflection = message.GetReflection();
    if (!reflection->GetUnknownFields(message).empty()) return true;
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    for (const auto* field : fields) {
        if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
        if (field->is_repeated()) {
            const int n = reflection->FieldSize(message, field);
            for (int i = 0; i < n; ++i)
                if (hasUnknownFields(reflection->GetRepeatedMessage(message, field, i))) return true;
        } else if (hasUnknownFields(reflection->GetMessage(message, field))) {
            return true;
        }
    }
    return false;
}

const char* const kNewerFields = "saved_model.pb holds fields our schema does not know (a newer TensorFlow); "
                                 "TensorFlow re-serializes them in an order we cannot reproduce";

// The UID TensorFlow reads from the last '_'-separated part of a function name (as its safe_strto64:
// surrounding spaces and a sign allowed, nothing else).
std::optional<int64_t> suffixUid(std::string_view name)
{
    const size_t underscore = name.rfind('_');
    std::string_view s = underscore == std::string_view::npos ? name : name.substr(underscore + 1);
    auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    // Accumulate negatively so INT64_MIN fits.
    int64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const int digit = c - '0';
        if (value < (std::numeric_limits<int64_t>::min() + digit) / 10) return std::nullopt;
        value = value * 10 - digit;
    }
    if (!negative) {
        if (value == std::numeric_limits<int64_t>::min()) return std::nullopt;
        value = -value;
    }
    return value;
}

std::string_view stripSuffix(std::string_view s, std::string_view suffix)
{
    return s.ends_with(suffix) ? s.substr(0, s.size() - suffix.size()) : s;
}

// graph_def_program_hash: a copy of the nodes regularized like TensorFlow's "simple delete"; the
// function library and versions are emptied (present but empty, which serializes as two empty fields).
std::optional<uint64_t> graphDefProgramHash(const tensorflow::GraphDef& graph, std::string& whyNot)
{
    tensorflow::GraphDef copy;
    *copy.mutable_node() = graph.node();
    copy.set_version(graph.version());
    if (graph.has_debug_info()) *copy.mutable_debug_info() = graph.debug_info();
    copy.mutable_library();
    copy.mutable_versions();
    if (hasUnknownFields(copy) || !graph.GetReflection()->GetUnknownFields(graph).empty()) {
        whyNot = kNewerFields;
        return std::nullopt;
    }
    for (auto& node : *copy.mutable_node()) {
        auto& attrs = *node.mutable_attr();
        if (node.op() == "PartitionedCall" || node.op() == "StatefulPartitionedCall") {
            auto f = attrs.find("f");
            if (f == attrs.end()) {
                whyNot = "node '" + node.name() + "' calls a function but has no 'f' attribute";
                return std::nullopt;
            }
            const std::string name = f->second.func().name();
            // TensorFlow keeps this UID in an int: past that range its result is not defined.
            if (auto uid = suffixUid(name); uid && *uid >= INT_MIN && *uid <= INT_MAX)
                f->second.mutable_func()->set_name(std::string(stripSuffix(name, std::to_string(*uid))));
            else if (uid) {
                whyNot = "function name '" + name + "' ends in a UID beyond 32 bits";
                return std::nullopt;
            }
            if (auto config = attrs.find("config_proto"); config != attrs.end()) config->second.set_s("");
        }
        if (node.op() == "Const") {
            auto dtype = attrs.find("dtype");
            if (dtype == attrs.end()) {
                whyNot = "Const node '" + node.name() + "' has no dtype";
                return std::nullopt;
            }
            if (dtype->second.type() == tensorflow::DT_STRING) {
                auto value = attrs.find("value");
                if (value == attrs.end()) {
                    whyNot = "string Const node '" + node.name() + "' has no value";
                    return std::nullopt;
                }
                value->second.Clear();
            }
        }
    }
    return fingerprint64(serializeDeterministic(copy));
}

struct SignatureHashes {
    uint64_t withKeys = 0;
    uint64_t withoutKeys = 0;
};

std::optional<SignatureHashes> signatureDefHashes(
    const tensorflow::MetaGraphDef& metaGraph, std::string& whyNot)
{
    std::map<std::string_view, const tensorflow::SignatureDef*> sorted;
    for (const auto& [key, signature] : metaGraph.signature_def()) {
        if (hasUnknownFields(signature)) {
            whyNot = kNewerFields;
            return std::nullopt;
        }
        sorted.emplace(key, &signature);
    }
    SignatureHashes h;
    for (const auto& [key, signature] : sorted) {
        const uint64_t body = fingerprint64(serializeDeterministic(*signature));
        h.withKeys = fingerprintCat64(fingerprintCat64(h.withKeys, fingerprint64(key)), body);
        h.withoutKeys = fingerprintCat64(h.withoutKeys, body);
    }
    return h;
}

std::optional<uint64_t> savedObjectGraphHash(const tensorflow::SavedObjectGraph& graph, std::string& whyNot)
{
    std::map<int64_t, std::string_view> byUid;
    for (const auto& [name, function] : graph.concrete_functions()) {
        auto uid = suffixUid(name);
        if (!uid) {
            // TensorFlow refuses to write a fingerprint then; a file that has one was changed.
            whyNot = "concrete function '" + name + "' has no UID at the end of its name";
            return std::nullopt;
        }
        if (!byUid.emplace(*uid, name).second) {
            whyNot = "two concrete functions end in the UID " + std::to_string(*uid)
                + "; TensorFlow keeps whichever its hash map yields first";
            return std::nullopt;
        }
        if (hasUnknownFields(function)) {
            whyNot = kNewerFields;
            return std::nullopt;
        }
    }
    uint64_t hash = 0;
    for (const auto& [uid, name] : byUid) {
        hash = fingerprintCat64(hash, fingerprint64(stripSuffix(name, std::to_string(uid))));
        hash = fingerprintCat64(
            hash, fingerprint64(serializeDeterministic(graph.concrete_functions().at(std::string(name)))));
    }
    return hash;
}

// TensorFlow hashes the bytes of variables/variables.index, or writes 0 when it cannot read them.
uint64_t checkpointHash(const fs::path& directory)
{
    const fs::path index = directory / "variables" / "variables.index";
    std::error_code ec;
    if (!fs::is_regular_file(index, ec)) return 0;
    auto bytes = guardedReadFile(index);
    return bytes ? fingerprint64(*bytes) : 0;
}

} // namespace

const char* fingerprintFieldName(FingerprintField field)
{
    switch (field) {
    case FingerprintField::SavedModelChecksum:
        return "saved_model_checksum";
    case FingerprintField::GraphDefProgramHash:
        return "graph_def_program_hash";
    case FingerprintField::SignatureDefHash:
        return "signature_def_hash";
    case FingerprintField::SavedObjectGraphHash:
        return "saved_object_graph_hash";
    case FingerprintField::CheckpointHash:
        return "checkpoint_hash";
    }
    return "?";
}

const char* fingerprintFieldFile(FingerprintField field)
{
    return field == FingerprintField::CheckpointHash ? "variables/variables.index" : "saved_model.pb";
}

bool ComputedFingerprint::complete() const
{
    for (const auto& v : values)
        if (!v) return false;
    return true;
}

Result<FingerprintRecord> readFingerprintFile(const fs::path& file)
{
    if (isGitLfsPointer(file)) return gitLfsPointerError(file);
    auto bytes = guardedReadFile(file);
    if (!bytes) return bytes.status();
    tensorflow::FingerprintDef def;
    if (bytes->size() > static_cast<size_t>(INT_MAX) || !def.ParseFromString(*bytes))
        return Status(ErrorCode::Corrupt, "fingerprint.pb is not a valid FingerprintDef protobuf (damaged)")
            .withPath(file.string());
    FingerprintRecord r;
    r.values[idx(FingerprintField::SavedModelChecksum)] = def.saved_model_checksum();
    r.values[idx(FingerprintField::GraphDefProgramHash)] = def.graph_def_program_hash();
    r.values[idx(FingerprintField::SignatureDefHash)] = def.signature_def_hash();
    r.values[idx(FingerprintField::SavedObjectGraphHash)] = def.saved_object_graph_hash();
    r.values[idx(FingerprintField::CheckpointHash)] = def.checkpoint_hash();
    r.producer = def.version().producer();
    r.uuid = def.uuid();
    r.hasUnknownFields = hasUnknownFields(def);
    return r;
}

ComputedFingerprint computeFingerprint(
    const tensorflow::SavedModel& savedModel, const fs::path& directory, int64_t producer)
{
    ComputedFingerprint c;
    auto set = [&](FingerprintField f, std::optional<uint64_t> v, std::string why) {
        c.values[idx(f)] = v;
        if (!v) c.whyNot[idx(f)] = std::move(why);
    };
    if (hasUnknownFields(savedModel))
        set(FingerprintField::SavedModelChecksum, std::nullopt, kNewerFields);
    else
        set(FingerprintField::SavedModelChecksum, fingerprint64(serializeDeterministic(savedModel)), {});

    set(FingerprintField::CheckpointHash, checkpointHash(directory), {});
    if (savedModel.meta_graphs_size() == 0) {
        for (auto f : { FingerprintField::GraphDefProgramHash, FingerprintField::SignatureDefHash,
                 FingerprintField::SavedObjectGraphHash })
            set(f, std::nullopt, "the SavedModel has no meta graph");
        c.graphDefChecksumWhyNot = "the SavedModel has no meta graph";
        return c;
    }
    const auto& metaGraph = savedModel.meta_graphs(0);
    if (producer == 0) {
        if (hasUnknownFields(metaGraph.graph_def()))
            c.graphDefChecksumWhyNot = kNewerFields;
        else
            c.graphDefChecksum = fingerprint64(serializeDeterministic(metaGraph.graph_def()));
    }
    std::string why;
    auto graph = graphDefProgramHash(metaGraph.graph_def(), why);
    set(FingerprintField::GraphDefProgramHash, graph, why);
    why.clear();
    auto signatures = signatureDefHashes(metaGraph, why);
    set(FingerprintField::SignatureDefHash, signatures ? std::optional(signatures->withKeys) : std::nullopt,
        why);
    if (signatures) c.signatureDefHashWithoutKeys = signatures->withoutKeys;
    why.clear();
    auto objects = savedObjectGraphHash(metaGraph.object_graph_def(), why);
    set(FingerprintField::SavedObjectGraphHash, objects, why);
    return c;
}

Result<ComputedFingerprint> computeFingerprint(const fs::path& directory, int64_t producer)
{
    const fs::path file = directory / "saved_model.pb";
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        if (fs::exists(directory / "saved_model.pbtxt", ec))
            return Status(ErrorCode::Unsupported,
                "no fingerprint for a text-format SavedModel (TensorFlow computes it from saved_model.pb)")
                .withPath(directory.string());
        return Status(ErrorCode::NotFound, "no saved_model.pb in this directory")
            .withPath(directory.string());
    }
    if (isGitLfsPointer(file)) return gitLfsPointerError(file);
    auto bytes = guardedReadFile(file);
    if (!bytes) return bytes.status();
    tensorflow::SavedModel savedModel;
    if (bytes->size() > static_cast<size_t>(INT_MAX) || !savedModel.ParseFromString(*bytes))
        return Status(ErrorCode::Corrupt, "saved_model.pb is not a valid SavedModel protobuf")
            .withPath(file.string());
    return computeFingerprint(savedModel, directory, producer);
}

Result<std::string> fingerprintFileContent(const fs::path& directory)
{
    auto computed = computeFingerprint(directory);
    if (!computed) return computed.status();
    for (size_t i = 0; i < kFingerprintFieldCount; ++i)
        if (!computed->values[i])
            return Status(ErrorCode::Unsupported,
                std::string("cannot write fingerprint.pb: ") + fingerprintFieldName(FingerprintField(i))
                    + " is not recomputable: " + computed->whyNot[i])
                .withPath(directory.string());
    tensorflow::FingerprintDef def;
    def.set_saved_model_checksum(*(*computed)[FingerprintField::SavedModelChecksum]);
    def.set_graph_def_program_hash(*(*computed)[FingerprintField::GraphDefProgramHash]);
    def.set_signature_def_hash(*(*computed)[FingerprintField::SignatureDefHash]);
    def.set_saved_object_graph_hash(*(*computed)[FingerprintField::SavedObjectGraphHash]);
    def.set_checkpoint_hash(*(*computed)[FingerprintField::CheckpointHash]);
    def.mutable_version()->set_producer(1);
    return serializeDeterministic(def);
}

// Producers 0 (TF 2.11), 1 (TF 2.12 to 2.17) and 4 (TF 2.21) were checked against TensorFlow-written files;
// 2 and 3 (TF between 2.17 and 2.21) are taken to hash as 1 and 4 do, which agree with each other.
constexpr int64_t kNewestKnownFingerprintProducer = 4;

FingerprintCheck compareFingerprint(const FingerprintRecord& record, const ComputedFingerprint& computed)
{
    FingerprintCheck check;
    check.record = record;
    for (size_t i = 0; i < kFingerprintFieldCount; ++i) {
        FingerprintFieldCheck f;
        f.field = FingerprintField(i);
        f.expected = record.values[i];
        f.computed = computed.values[i];
        if (f.field == FingerprintField::SavedModelChecksum && record.producer == 0) {
            // TensorFlow 2.11 stored graph_def_checksum here.
            f.computed = computed.graphDefChecksum;
            f.note = computed.graphDefChecksum ? "TensorFlow 2.11 formula (graph_def_checksum of the graph)"
                                               : computed.graphDefChecksumWhyNot;
        }
        if (!f.computed) {
            f.verdict = FingerprintVerdict::NotRecomputable;
            if (f.note.empty()) f.note = computed.whyNot[i];
        } else if (*f.computed == f.expected) {
            f.verdict = FingerprintVerdict::Match;
        } else if (f.field == FingerprintField::SignatureDefHash && computed.signatureDefHashWithoutKeys
            && *computed.signatureDefHashWithoutKeys == f.expected) {
            f.verdict = FingerprintVerdict::Match;
            f.computed = computed.signatureDefHashWithoutKeys;
            f.note = "TensorFlow 2.11/2.12 formula (signature keys not hashed)";
        } else if (record.producer > kNewestKnownFingerprintProducer) {
            // A newer TensorFlow may hash differently: a difference is not proof of damage.
            f.verdict = FingerprintVerdict::NotRecomputable;
            f.note = "fingerprint version " + std::to_string(record.producer)
                + " is newer than the formulas known here (up to "
                + std::to_string(kNewestKnownFingerprintProducer) + ")";
        } else {
            f.verdict = FingerprintVerdict::Mismatch;
        }
        check.fields.push_back(std::move(f));
    }
    return check;
}

Result<FingerprintCheck> checkFingerprint(const fs::path& directory, const tensorflow::SavedModel* parsed)
{
    auto record = readFingerprintFile(directory / "fingerprint.pb");
    if (!record) return record.status();
    if (parsed) return compareFingerprint(*record, computeFingerprint(*parsed, directory, record->producer));
    auto computed = computeFingerprint(directory, record->producer);
    if (!computed) return computed.status();
    return compareFingerprint(*record, *computed);
}

} // namespace tscope::io
