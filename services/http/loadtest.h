// The load_test step: virtual users hammer a URL for a while, the latencies and failures are
// measured, and thresholds (p95, error rate, requests/s) decide whether it passed.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

namespace launchdeck::http {

// As in k6: over `duration` the number of users moves linearly from the previous stage's
// target (0 before the first stage) to `target`.
struct LoadStage
{
    std::chrono::milliseconds duration{0};
    int target = 0;
};

// Which engine sends a load test's requests.
enum class LoadEngine {
    Builtin, // keep-alive HTTP/1.1 on non-blocking sockets, for plain-HTTP URLs without a proxy
    Curl,    // libcurl: every URL, HTTPS, proxies and HTTP/2 included
};

struct LoadThresholds
{
    std::optional<std::chrono::milliseconds> p95; // passes when p95 <= this
    std::optional<double> maxErrorRate;           // 0..1; passes when failures/requests <= this
    std::optional<double> minRequestsPerSecond;   // passes when requests/s >= this

    bool isEmpty() const { return !p95 && !maxErrorRate && !minRequestsPerSecond; }
};

struct LoadTestSpec
{
    QString url;
    QString method = QStringLiteral("GET");
    QByteArray body;
    int users = 10;                            // constant users, when `stages` is empty
    std::chrono::milliseconds duration{10000}; // when `stages` is empty
    QList<LoadStage> stages;
    LoadThresholds thresholds;
    std::chrono::milliseconds requestTimeout{10000};
    // A request fails on a transport error, or on a status other than this one when it is set,
    // else on a status >= 400.
    std::optional<int> expectStatus;
    // Requests still running when the time is up may finish for this long; later ones are
    // abandoned and not counted.
    std::chrono::milliseconds gracefulStop{5000};
    // Requests per second over all users (an open model): the users share it, each sending on a
    // fixed schedule, and a request's latency counts from when it was due rather than from when
    // a late user got round to it, so a server that stalls shows in the percentiles instead of
    // in fewer, faster requests. None: each user sends again as soon as its answer arrives.
    std::optional<double> rate;
    // Off: libcurl sends every request, even where the built-in engine could.
    bool allowBuiltinEngine = true;
};

struct LoadTestProgress
{
    std::chrono::milliseconds elapsed{0};
    std::chrono::milliseconds total{0};
    qint64 requests = 0;
    qint64 failures = 0;
    int users = 0;                  // with a request in flight or about to start one
    int targetUsers = 0;            // what the ramp asks for now
    double requestsPerSecond = 0.0; // since the previous report
};

struct ThresholdOutcome
{
    QString name;   // "p95 <= 200 ms"
    QString actual; // "p95 = 12.3 ms"
    bool passed = false;
};

struct LoadTestResult
{
    qint64 requests = 0; // completed, failed ones included
    qint64 failures = 0;
    double successRate = 0.0; // 0..1
    double requestsPerSecond = 0.0;
    double minMs = 0.0, meanMs = 0.0, p50Ms = 0.0, p90Ms = 0.0, p95Ms = 0.0, p99Ms = 0.0,
           maxMs = 0.0;
    qint64 bytesReceived = 0;
    int peakUsers = 0;
    std::chrono::milliseconds elapsed{0};
    QMap<int, qint64> statusCounts;    // HTTP status -> responses
    QMap<QString, qint64> errorCounts; // transport error -> requests (at most 16 kinds)
    QList<ThresholdOutcome> thresholdOutcomes;
    LoadEngine engine = LoadEngine::Curl; // the one that ran
    bool cancelled = false;
    bool passed = false;
    QString error; // why it could not run or cannot pass, naming the URL; empty otherwise
};

using LoadTestProgressCallback = std::function<void(const LoadTestProgress&)>;

// Blocks for the test's duration (plus at most `gracefulStop`) on the calling thread, with one
// keep-alive connection per user: the built-in engine's for a plain-HTTP URL, else libcurl's
// multi handle with one reused easy handle per user. `cancel` is noticed within about 20 ms
// (while the URL's name resolves, too). `progress` is called on the calling thread about every
// 250 ms.
LoadTestResult runLoadTest(const LoadTestSpec& spec, const std::atomic_bool* cancel = nullptr,
                           const LoadTestProgressCallback& progress = {});

// Length of the whole test: the sum of the stages, or `duration` without stages.
std::chrono::milliseconds plannedDuration(const LoadTestSpec& spec);
// How many users the ramp asks for `elapsed` into the test (rounded up, so a ramp starts at once).
int plannedUsers(const LoadTestSpec& spec, std::chrono::milliseconds elapsed);

// Judges the measured figures against the thresholds; fills thresholdOutcomes and passed.
void evaluateThresholds(const LoadThresholds& thresholds, LoadTestResult& result);

// A k6-style end-of-test summary, several lines, for logs and the command line.
QString formatLoadTestSummary(const LoadTestSpec& spec, const LoadTestResult& result);

} // namespace launchdeck::http
