// The text-format `checkpoint` state file, followed by artifact location in its directory.
#include "fuzz/fuzz_support.h"
#include "io/artifact_locator.h"
#include "io/checkpoint_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto dir = tscope::fuzz::freshDir("state");
    tscope::fuzz::writeFile(dir / "checkpoint", data, size);
    (void)tscope::io::readCheckpointState(dir / "checkpoint");
    (void)tscope::io::locateArtifact(dir);
    return 0;
}
