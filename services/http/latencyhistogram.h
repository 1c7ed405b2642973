// Latencies of a load test in fixed memory: log-linear buckets with better than 1% precision.
#pragma once

#include <QtGlobal>

#include <array>
#include <chrono>

namespace launchdeck::http {

// Like an HDR histogram with two significant digits: values below 128 µs have a bucket each,
// above that every power of two is split into 128 buckets, so a bucket is never wider than
// 1/128 of its values. Covers 1 µs to 60 s in 2,560 counters (20 KiB) whatever the number of
// samples; longer values count as 60 s, while the exact maximum is kept aside.
class LatencyHistogram final
{
public:
    static constexpr qint64 kMaxMicroseconds = 60'000'000;
    static constexpr int kSubBucketBits = 7;
    static constexpr int kSubBuckets = 1 << kSubBucketBits;
    static constexpr int kBucketCount = 2560;

    void record(std::chrono::microseconds latency);
    void merge(const LatencyHistogram& other);
    void reset();

    qint64 count() const { return m_count; }
    double meanMs() const;
    double minMs() const;
    double maxMs() const;
    // percentile in [0, 100]; 0 for an empty histogram. Within 1% of the exact sample value.
    double percentileMs(double percentile) const;

    static int bucketIndex(qint64 microseconds);
    static qint64 bucketLowest(int index);
    static qint64 bucketHighest(int index);

private:
    std::array<qint64, kBucketCount> m_counts{};
    qint64 m_count = 0;
    qint64 m_sumMicroseconds = 0;
    qint64 m_minMicroseconds = 0;
    qint64 m_maxMicroseconds = 0;
};

} // namespace launchdeck::http
