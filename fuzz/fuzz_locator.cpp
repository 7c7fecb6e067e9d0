// Path detection: the input decides which of a set of typical file names exist in a directory (and
// what their first bytes are), then locateArtifact and openArtifact run on the directory and each file.
#include "fuzz/fuzz_support.h"
#include "io/artifact.h"
#include "io/artifact_locator.h"

#include <array>

namespace {
constexpr std::array<const char*, 14> kNames { "checkpoint", "ckpt-1.index", "ckpt-1.data-00000-of-00001",
    "saved_model.pb", "saved_model.pbtxt", "saved_model.cpb", "model.ckpt", "model.ckpt.meta", "model.h5",
    "variables", "fingerprint.pb", "ckpt-10.index", "x.keras", "model.ckpt-00000-of-00002" };
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2) return 0;
    auto dir = tscope::fuzz::freshDir("locate");
    const uint16_t mask = static_cast<uint16_t>(data[0] | (data[1] << 8));
    data += 2;
    size -= 2;
    // Split the rest into chunks, one per present file.
    size_t chunk = size / kNames.size() + 1;
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (!(mask & (1u << i))) continue;
        size_t off = std::min(size, i * chunk), len = std::min(chunk, size - off);
        if (std::string(kNames[i]) == "variables") {
            std::filesystem::create_directories(dir / "variables");
            tscope::fuzz::writeFile(dir / "variables" / "variables.index", data + off, len);
        } else {
            tscope::fuzz::writeFile(dir / kNames[i], data + off, len);
        }
    }
    (void)tscope::io::locateArtifact(dir);
    (void)tscope::io::openArtifact(dir);
    for (const char* name : kNames)
        (void)tscope::io::locateArtifact(dir / name);
    return 0;
}
