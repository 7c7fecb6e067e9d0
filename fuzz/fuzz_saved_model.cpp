// The SavedModel reader on arbitrary bytes, as binary saved_model.pb (first byte even) or as text
// saved_model.pbtxt (first byte odd); a binary one also has its fingerprint hashes recomputed.
#include "fuzz/fuzz_support.h"
#include "io/saved_model_fingerprint.h"
#include "io/saved_model_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1) return 0;
    const bool text = data[0] & 1;
    auto dir = tscope::fuzz::freshDir(text ? "smt" : "smb");
    tscope::fuzz::writeFile(dir / (text ? "saved_model.pbtxt" : "saved_model.pb"), data + 1, size - 1);
    auto info = tscope::io::readSavedModel(dir);
    if (info) {
        for (const auto& mg : info->metaGraphs)
            for (const auto& o : mg.objects)
                (void)o.functionSignatures.size();
        if (!text && info->proto) (void)tscope::io::computeFingerprint(*info->proto, dir).complete();
    }
    return 0;
}
