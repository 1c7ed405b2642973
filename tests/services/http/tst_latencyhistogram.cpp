// The load test's latency histogram against samples whose percentiles are known exactly.
#include "http/latencyhistogram.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <vector>

using launchdeck::http::LatencyHistogram;
using std::chrono::microseconds;
using std::chrono::milliseconds;

namespace {

// The nearest-rank percentile of sorted samples, in milliseconds.
double exactPercentileMs(const std::vector<qint64>& sorted, double percentile)
{
    const auto rank =
        std::max<qsizetype>(1, qsizetype(std::ceil(percentile / 100.0 * double(sorted.size()))));
    return double(sorted[size_t(rank - 1)]) / 1000.0;
}

bool withinOnePercent(double actual, double expected)
{
    return std::abs(actual - expected) <= 0.01 * expected;
}

} // namespace

class TestLatencyHistogram final : public QObject
{
    Q_OBJECT

private slots:
    void bucketsTileTheRange();
    void emptyHistogram();
    void uniformSamples();
    void skewedSamples();
    void randomSamplesWithinOnePercent();
    void longLatenciesClampButKeepExactMaximum();
    void mergeEqualsRecordingTogether();
    void memoryIsBounded();
};

void TestLatencyHistogram::bucketsTileTheRange()
{
    QCOMPARE(LatencyHistogram::bucketLowest(0), 0);
    for (int i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
        QCOMPARE(LatencyHistogram::bucketLowest(i + 1), LatencyHistogram::bucketHighest(i) + 1);
        // Buckets past the 60 s limit exist only to round the table to whole powers of two.
        if (LatencyHistogram::bucketHighest(i) <= LatencyHistogram::kMaxMicroseconds) {
            QCOMPARE(LatencyHistogram::bucketIndex(LatencyHistogram::bucketLowest(i)), i);
            QCOMPARE(LatencyHistogram::bucketIndex(LatencyHistogram::bucketHighest(i)), i);
        }
        const double width =
            double(LatencyHistogram::bucketHighest(i) - LatencyHistogram::bucketLowest(i) + 1);
        if (i >= LatencyHistogram::kSubBuckets)
            QVERIFY(width / double(LatencyHistogram::bucketLowest(i)) <= 1.0 / 128.0);
    }
    const int last = LatencyHistogram::bucketIndex(LatencyHistogram::kMaxMicroseconds);
    QVERIFY(last < LatencyHistogram::kBucketCount);
    QVERIFY(LatencyHistogram::bucketHighest(LatencyHistogram::kBucketCount - 1) >=
            LatencyHistogram::kMaxMicroseconds);
}

void TestLatencyHistogram::emptyHistogram()
{
    const LatencyHistogram histogram;
    QCOMPARE(histogram.count(), 0);
    QCOMPARE(histogram.percentileMs(95), 0.0);
    QCOMPARE(histogram.meanMs(), 0.0);
    QCOMPARE(histogram.maxMs(), 0.0);
}

void TestLatencyHistogram::uniformSamples()
{
    LatencyHistogram histogram;
    for (int ms = 1; ms <= 10000; ++ms)
        histogram.record(milliseconds(ms));
    QCOMPARE(histogram.count(), 10000);
    QVERIFY(withinOnePercent(histogram.percentileMs(50), 5000));
    QVERIFY(withinOnePercent(histogram.percentileMs(90), 9000));
    QVERIFY(withinOnePercent(histogram.percentileMs(95), 9500));
    QVERIFY(withinOnePercent(histogram.percentileMs(99), 9900));
    QCOMPARE(histogram.percentileMs(100), 10000.0);
    QCOMPARE(histogram.percentileMs(0), 1.0);
    QCOMPARE(histogram.minMs(), 1.0);
    QCOMPARE(histogram.maxMs(), 10000.0);
    QCOMPARE(histogram.meanMs(), 5000.5);
}

void TestLatencyHistogram::skewedSamples()
{
    // 990 fast answers and 10 slow ones: p99 is still fast, p99.5 is slow.
    LatencyHistogram histogram;
    for (int i = 0; i < 990; ++i)
        histogram.record(milliseconds(10));
    for (int i = 0; i < 10; ++i)
        histogram.record(milliseconds(500));
    QVERIFY(withinOnePercent(histogram.percentileMs(50), 10));
    QVERIFY(withinOnePercent(histogram.percentileMs(99), 10));
    QVERIFY(withinOnePercent(histogram.percentileMs(99.5), 500));
    QCOMPARE(histogram.maxMs(), 500.0);
    QCOMPARE(histogram.minMs(), 10.0);
    QVERIFY(withinOnePercent(histogram.meanMs(), (990 * 10 + 10 * 500) / 1000.0));
}

void TestLatencyHistogram::randomSamplesWithinOnePercent()
{
    // Log-normal latencies spanning microseconds to seconds, as real services show.
    std::mt19937_64 generator(20240611);
    std::lognormal_distribution<double> distribution(8.0, 1.5); // median e^8 µs ≈ 3 ms
    std::vector<qint64> samples;
    LatencyHistogram histogram;
    for (int i = 0; i < 200000; ++i) {
        const qint64 value = std::max<qint64>(1, qint64(distribution(generator)));
        samples.push_back(value);
        histogram.record(microseconds(value));
    }
    std::sort(samples.begin(), samples.end());
    for (const double p : {1.0, 10.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9}) {
        const double expected = exactPercentileMs(samples, p);
        const double actual = histogram.percentileMs(p);
        QVERIFY2(
            withinOnePercent(actual, expected),
            qPrintable(
                QStringLiteral("p%1: %2 ms, expected %3 ms").arg(p).arg(actual).arg(expected)));
    }
    QCOMPARE(histogram.maxMs(), double(samples.back()) / 1000.0);
}

void TestLatencyHistogram::longLatenciesClampButKeepExactMaximum()
{
    LatencyHistogram histogram;
    histogram.record(milliseconds(100));
    histogram.record(milliseconds(90'000));
    QCOMPARE(histogram.maxMs(), 90000.0);
    QVERIFY(withinOnePercent(histogram.percentileMs(100), 90000));
    QVERIFY(histogram.percentileMs(99) >= 59000.0);
    QVERIFY(withinOnePercent(histogram.percentileMs(50), 100));
}

void TestLatencyHistogram::mergeEqualsRecordingTogether()
{
    LatencyHistogram a, b, together;
    for (int i = 1; i <= 500; ++i) {
        a.record(microseconds(i * 37));
        together.record(microseconds(i * 37));
        b.record(microseconds(i * 1013));
        together.record(microseconds(i * 1013));
    }
    a.merge(b);
    QCOMPARE(a.count(), together.count());
    for (const double p : {5.0, 50.0, 95.0, 99.0})
        QCOMPARE(a.percentileMs(p), together.percentileMs(p));
    QCOMPARE(a.minMs(), together.minMs());
    QCOMPARE(a.maxMs(), together.maxMs());
    QCOMPARE(a.meanMs(), together.meanMs());
    a.reset();
    QCOMPARE(a.count(), 0);
}

void TestLatencyHistogram::memoryIsBounded()
{
    // Fixed-size counters: a day of samples costs what a second does.
    QVERIFY(sizeof(LatencyHistogram) <= 21 * 1024);
    LatencyHistogram histogram;
    for (int i = 0; i < 2'000'000; ++i)
        histogram.record(microseconds(i % 250'000));
    QCOMPARE(histogram.count(), 2'000'000);
}

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latencyhistogram.moc"
