// Log-linear latency buckets: index arithmetic and percentile lookup.
#include "http/latencyhistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace launchdeck::http {

static_assert(LatencyHistogram::kBucketCount ==
                  LatencyHistogram::kSubBuckets *
                      (std::bit_width(quint64(LatencyHistogram::kMaxMicroseconds)) -
                       LatencyHistogram::kSubBucketBits + 1),
              "the buckets must reach exactly up to kMaxMicroseconds");

int LatencyHistogram::bucketIndex(qint64 microseconds)
{
    const qint64 value = std::clamp<qint64>(microseconds, 0, kMaxMicroseconds);
    if (value < kSubBuckets)
        return static_cast<int>(value);
    const int exponent = static_cast<int>(std::bit_width(quint64(value))) - 1;
    const int shift = exponent - kSubBucketBits;
    return kSubBuckets + shift * kSubBuckets + static_cast<int>((value >> shift) - kSubBuckets);
}

qint64 LatencyHistogram::bucketLowest(int index)
{
    if (index < kSubBuckets)
        return index;
    const int shift = (index - kSubBuckets) / kSubBuckets;
    const qint64 sub = (index - kSubBuckets) % kSubBuckets + kSubBuckets;
    return sub << shift;
}

qint64 LatencyHistogram::bucketHighest(int index)
{
    if (index < kSubBuckets)
        return index;
    const int shift = (index - kSubBuckets) / kSubBuckets;
    return bucketLowest(index) + (qint64(1) << shift) - 1;
}

void LatencyHistogram::record(std::chrono::microseconds latency)
{
    const qint64 value = std::max<qint64>(0, latency.count());
    ++m_counts[bucketIndex(value)];
    if (m_count == 0 || value < m_minMicroseconds)
        m_minMicroseconds = value;
    m_maxMicroseconds = std::max(m_maxMicroseconds, value);
    m_sumMicroseconds += value;
    ++m_count;
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (other.m_count == 0)
        return;
    for (int i = 0; i < kBucketCount; ++i)
        m_counts[i] += other.m_counts[i];
    m_minMicroseconds = m_count == 0 ? other.m_minMicroseconds
                                     : std::min(m_minMicroseconds, other.m_minMicroseconds);
    m_maxMicroseconds = std::max(m_maxMicroseconds, other.m_maxMicroseconds);
    m_sumMicroseconds += other.m_sumMicroseconds;
    m_count += other.m_count;
}

void LatencyHistogram::reset()
{
    *this = LatencyHistogram();
}

double LatencyHistogram::meanMs() const
{
    return m_count == 0 ? 0.0 : double(m_sumMicroseconds) / double(m_count) / 1000.0;
}

double LatencyHistogram::minMs() const
{
    return double(m_minMicroseconds) / 1000.0;
}

double LatencyHistogram::maxMs() const
{
    return double(m_maxMicroseconds) / 1000.0;
}

double LatencyHistogram::percentileMs(double percentile) const
{
    if (m_count == 0)
        return 0.0;
    // The nearest-rank definition: the smallest sample with at least p% of samples at or below.
    const double wanted = std::clamp(percentile, 0.0, 100.0) / 100.0 * double(m_count);
    const qint64 rank = std::max<qint64>(1, qint64(std::ceil(wanted)));
    // The extremes are known exactly; only the ranks between them need the buckets.
    if (rank <= 1)
        return minMs();
    if (rank >= m_count)
        return maxMs();
    qint64 seen = 0;
    for (int i = 0; i < kBucketCount; ++i) {
        seen += m_counts[i];
        if (seen >= rank) {
            // The middle of the bucket halves the worst error; the exact extremes bound it.
            const double middle = (double(bucketLowest(i)) + double(bucketHighest(i))) / 2.0;
            const double clamped =
                std::clamp(middle, double(m_minMicroseconds), double(m_maxMicroseconds));
            return clamped / 1000.0;
        }
    }
    return maxMs();
}

} // namespace launchdeck::http
