// Writes the synthetic many-variables checkpoint (bench/many_variables_checkpoint.h) for timing the GUI by
// hand: `write_many_variables PREFIX [LAYERS [STEP]]` (400 variables per layer: 250 layers = 100,000
// variables, 50 = 20,000; STEP > 0 shifts every value, a later step to compare against). Keeps an
// existing PREFIX.index.
#include "many_variables_checkpoint.h"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    if (argc < 2 || argc > 4) {
        std::fprintf(stderr, "usage: write_many_variables PREFIX [LAYERS [STEP]]\n");
        return 2;
    }
    const int layers = argc > 2 ? std::atoi(argv[2]) : tscope::bench::kManyLayers;
    const int step = argc > 3 ? std::atoi(argv[3]) : 0;
    if (layers <= 0 || step < 0) {
        std::fprintf(stderr, "LAYERS must be positive and STEP not negative\n");
        return 2;
    }
    if (auto st = tscope::bench::writeManyVariablesCheckpoint(argv[1], layers, step); !st.isOk()) {
        std::fprintf(stderr, "%s\n", st.toString().c_str());
        return 1;
    }
    return 0;
}
