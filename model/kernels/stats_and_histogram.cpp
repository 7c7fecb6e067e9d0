#include "model/kernels/stats_and_histogram.h"

#include "model/kernels/bit_pattern_counts.h"

namespace tscope::model {

io::Result<StatsAndHistogram> computeStatsAndHistogram(
    const io::Tensor& tensor, const StatsOptions& options, const HistogramChooser& choose)
{
    StatsAndHistogram out;
    if (countsBitPatterns(tensor.dtype()) && !tensor.isString()) {
        auto counts = countBitPatterns(tensor, options);
        if (!counts) return counts.status();
        out.stats = statsFromBitPatterns(*counts);
        if (const auto layout = choose ? choose(out.stats) : std::nullopt)
            out.histogram = histogramFromBitPatterns(*counts, layout->bins, layout->lo, layout->hi);
        return out;
    }
    auto stats = computeStats(tensor, options);
    if (!stats) return stats.status();
    out.stats = *stats;
    if (!out.stats.numeric) return out;
    if (const auto layout = choose ? choose(out.stats) : std::nullopt) {
        auto h = computeHistogram(
            tensor, layout->bins, layout->lo, layout->hi, options.cancel, options.threads, options.executor);
        if (h)
            out.histogram = std::move(*h);
        else
            out.histogramStatus = h.status();
    }
    return out;
}

} // namespace tscope::model
