// The object-graph tree builder: the input is the serialized TrackableObjectGraph stored under
// _CHECKPOINTABLE_OBJECT_GRAPH in a bundle that also holds a few variables its keys may name.
#include "fuzz/fuzz_support.h"
#include "io/bundle_reader.h"
#include "io/bundle_writer.h"
#include "io/variable_tree.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto dir = tscope::fuzz::freshDir("graph");
    {
        tscope::io::BundleWriter w(dir / "g");
        (void)w.addStrings(std::string(tscope::io::kObjectGraphKey), {},
            { std::string(reinterpret_cast<const char*>(data), size) });
        float one = 1.0f;
        auto bytes = std::as_bytes(std::span(&one, 1));
        for (const char* key : { "a/.ATTRIBUTES/VARIABLE_VALUE", "a/b/.ATTRIBUTES/VARIABLE_VALUE",
                 "a/.OPTIMIZER_SLOT/opt/m/.ATTRIBUTES/VARIABLE_VALUE",
                 "save_counter/.ATTRIBUTES/VARIABLE_VALUE" })
            (void)w.add(key, tscope::io::DType::Float, {}, bytes);
        if (!w.finish().isOk()) return 0;
    }
    auto bundle = tscope::io::BundleReader::open(dir / "g");
    if (!bundle) return 0;
    auto tree = tscope::io::buildVariableTree(**bundle);
    (void)tree.nodes.size();
    return 0;
}
