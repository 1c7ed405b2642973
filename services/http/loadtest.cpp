// The load test engine: one thread, one libcurl multi handle, one reused easy handle per user.
#include "http/loadtest.h"

#include "http/curlsupport.h"
#include "http/latencyhistogram.h"
#include "http/multisocketdriver.h"

#include <QLoggingCategory>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

Q_LOGGING_CATEGORY(lcLoadTest, "launchdeck.http.load", QtWarningMsg)

namespace launchdeck::http {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr auto kProgressInterval = 250ms;
// The longest the loop sleeps: it bounds how late a cancel, a ramp step or the end is noticed.
constexpr auto kMaxPoll = 20ms;
constexpr int kMaxErrorKinds = 16;

struct VirtualUser
{
    detail::EasyHandle handle;
    char errorBuffer[CURL_ERROR_SIZE];
    bool inFlight = false;
    bool retiring = false; // finishes its request, then rests
};

class LoadRunner final
{
public:
    LoadRunner(const LoadTestSpec& spec, const std::atomic_bool* cancel,
               const LoadTestProgressCallback& progress)
        : m_spec(spec)
        , m_cancel(cancel)
        , m_progress(progress)
    {
        m_request.url = spec.url.toUtf8();
        m_request.method = spec.method.toUtf8();
        m_request.body = &m_spec.body;
        m_request.timeout = spec.requestTimeout;
        // Parsed once for all requests, with the flags libcurl uses for CURLOPT_URL. A URL that
        // does not parse is left to each request, which then fails with libcurl's reason.
        m_url.reset(curl_url());
        char* scheme = nullptr;
        if (m_url &&
            curl_url_set(m_url.get(), CURLUPART_URL, m_request.url.constData(),
                         CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
            curl_url_get(m_url.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
            m_proxy = detail::proxyFromEnvironment(QByteArray(scheme));
        } else {
            m_url.reset();
        }
        curl_free(scheme);
    }

    ~LoadRunner()
    {
        // Handles must leave the multi handle before either is cleaned up.
        for (const auto& user : m_users) {
            if (user->inFlight)
                curl_multi_remove_handle(m_driver.multi(), user->handle.get());
        }
        m_users.clear();
    }

    LoadTestResult run();

private:
    QString what() const { return m_spec.method.toUpper() + u' ' + m_spec.url; }
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    bool startRequest(VirtualUser* user);
    bool adjustUsers(int target);
    bool collectFinished(bool draining);
    void record(VirtualUser* user, CURLcode code);
    void countError(const QString& kind);
    void reportProgress(Clock::time_point now, milliseconds elapsed, int target);

    const LoadTestSpec& m_spec;
    const std::atomic_bool* m_cancel;
    const LoadTestProgressCallback& m_progress;
    detail::RequestOptions m_request;
    detail::UrlHandle m_url;
    detail::ProxyChoice m_proxy; // when m_url is set
    detail::MultiSocketDriver m_driver;
    std::vector<std::unique_ptr<VirtualUser>> m_users;
    std::vector<VirtualUser*> m_resting;
    int m_active = 0;   // in flight and not retiring: what the ramp counts
    int m_inFlight = 0; // retiring ones included
    LatencyHistogram m_latencies;
    LoadTestResult m_result;
    QString m_firstFailure;
    Clock::time_point m_lastReport;
    qint64 m_requestsAtLastReport = 0;
};

bool LoadRunner::startRequest(VirtualUser* user)
{
    if (curl_multi_add_handle(m_driver.multi(), user->handle.get()) != CURLM_OK)
        return false;
    user->inFlight = true;
    user->retiring = false;
    ++m_inFlight;
    ++m_active;
    m_result.peakUsers = std::max(m_result.peakUsers, m_inFlight);
    return true;
}

bool LoadRunner::adjustUsers(int target)
{
    // Retiring users still hold a connection: bringing one back is cheaper than a new one.
    for (auto it = m_users.begin(); m_active < target && it != m_users.end(); ++it) {
        if ((*it)->inFlight && (*it)->retiring) {
            (*it)->retiring = false;
            ++m_active;
        }
    }
    while (m_active < target) {
        VirtualUser* user = nullptr;
        if (!m_resting.empty()) {
            user = m_resting.back();
            m_resting.pop_back();
        } else {
            auto fresh = std::make_unique<VirtualUser>();
            fresh->handle.reset(curl_easy_init());
            if (!fresh->handle)
                return false;
            detail::configureRequest(fresh->handle.get(), m_request, fresh->errorBuffer);
            m_driver.attach(fresh->handle.get());
            // Spares libcurl parsing the URL and reading the proxy variables for every request.
            if (m_url) {
                curl_easy_setopt(fresh->handle.get(), CURLOPT_CURLU, m_url.get());
                detail::pinProxy(fresh->handle.get(), m_proxy);
            }
            curl_easy_setopt(fresh->handle.get(), CURLOPT_PRIVATE, fresh.get());
            user = fresh.get();
            m_users.push_back(std::move(fresh));
        }
        if (!startRequest(user))
            return false;
    }
    for (auto it = m_users.rbegin(); m_active > target && it != m_users.rend(); ++it) {
        if ((*it)->inFlight && !(*it)->retiring) {
            (*it)->retiring = true;
            --m_active;
        }
    }
    return true;
}

bool LoadRunner::collectFinished(bool draining)
{
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(m_driver.multi(), &queued)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result; // the message dies with the removal below
        VirtualUser* user = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &user);
        curl_multi_remove_handle(m_driver.multi(), easy);
        user->inFlight = false;
        --m_inFlight;
        record(user, code);
        if (user->retiring || draining) {
            if (!user->retiring)
                --m_active;
            user->retiring = false;
            m_resting.push_back(user);
            continue;
        }
        // The easy handle goes back in at once; the multi handle's connection cache keeps the
        // connection alive, so the next request does not connect again.
        --m_active;
        if (!startRequest(user))
            return false;
    }
    return true;
}

void LoadRunner::record(VirtualUser* user, CURLcode code)
{
    CURL* easy = user->handle.get();
    curl_off_t totalMicroseconds = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &totalMicroseconds);
    m_latencies.record(std::chrono::microseconds(totalMicroseconds));
    ++m_result.requests;

    if (code != CURLE_OK) {
        ++m_result.failures;
        countError(detail::curlErrorKind(code, user->errorBuffer, m_spec.requestTimeout));
        if (m_firstFailure.isEmpty())
            m_firstFailure =
                detail::describeCurlError(code, user->errorBuffer, m_spec.requestTimeout);
        return;
    }
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t bytes = 0;
    curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &bytes);
    m_result.bytesReceived += bytes;
    ++m_result.statusCounts[int(status)];
    const bool failed = m_spec.expectStatus ? status != *m_spec.expectStatus : status >= 400;
    if (failed) {
        ++m_result.failures;
        if (m_firstFailure.isEmpty())
            m_firstFailure = u"answered HTTP " + QString::number(status);
    }
}

void LoadRunner::countError(const QString& kind)
{
    auto it = m_result.errorCounts.find(kind);
    if (it != m_result.errorCounts.end())
        ++*it;
    else if (m_result.errorCounts.size() < kMaxErrorKinds - 1)
        m_result.errorCounts.insert(kind, 1);
    else
        ++m_result.errorCounts[QStringLiteral("other errors")];
}

void LoadRunner::reportProgress(Clock::time_point now, milliseconds elapsed, int target)
{
    const double seconds = std::chrono::duration<double>(now - m_lastReport).count();
    LoadTestProgress progress;
    progress.elapsed = elapsed;
    progress.total = plannedDuration(m_spec);
    progress.requests = m_result.requests;
    progress.failures = m_result.failures;
    progress.users = m_inFlight;
    progress.targetUsers = target;
    progress.requestsPerSecond =
        seconds > 0 ? double(m_result.requests - m_requestsAtLastReport) / seconds : 0.0;
    m_lastReport = now;
    m_requestsAtLastReport = m_result.requests;
    if (m_progress)
        m_progress(progress);
}

LoadTestResult LoadRunner::run()
{
    const milliseconds total = plannedDuration(m_spec);
    if (m_spec.url.isEmpty()) {
        m_result.error = QStringLiteral("load test: no URL given");
        return m_result;
    }
    if (total <= 0ms) {
        m_result.error = what() + u": the load test has no duration";
        return m_result;
    }
    if (!m_driver.isValid()) {
        m_result.error = what() + u": cannot set up libcurl's multi handle and epoll";
        return m_result;
    }

    const auto started = Clock::now();
    m_lastReport = started;
    auto nextReport = started + kProgressInterval;
    bool draining = false;
    Clock::time_point drainUntil;
    int target = 0;
    bool healthy = true;
    while (healthy) {
        const auto now = Clock::now();
        const auto elapsed = duration_cast<milliseconds>(now - started);
        if (cancelled()) {
            m_result.cancelled = true;
            break;
        }
        if (!draining && elapsed >= total) {
            draining = true;
            drainUntil = now + m_spec.gracefulStop;
            target = 0;
        }
        if (draining && (m_inFlight == 0 || now >= drainUntil))
            break;
        if (!draining) {
            target = plannedUsers(m_spec, elapsed);
            healthy = adjustUsers(target);
        }
        auto wait = std::min<Clock::duration>(kMaxPoll, nextReport - now);
        if (!draining)
            wait = std::min<Clock::duration>(wait, started + total - now);
        m_driver.runOnce(std::max(0ms, duration_cast<milliseconds>(wait)));
        healthy = healthy && collectFinished(draining);
        // Reported as of the loop's start, the moment `target` was computed for.
        if (now >= nextReport) {
            reportProgress(now, elapsed, target);
            nextReport = now + kProgressInterval;
        }
    }
    m_result.elapsed = duration_cast<milliseconds>(Clock::now() - started);
    if (!healthy)
        m_result.error = what() + u": libcurl could not start a request";

    const double seconds = std::chrono::duration<double>(m_result.elapsed).count();
    m_result.requestsPerSecond = seconds > 0 ? double(m_result.requests) / seconds : 0.0;
    m_result.successRate = m_result.requests > 0 ? double(m_result.requests - m_result.failures) /
                                                       double(m_result.requests)
                                                 : 0.0;
    m_result.minMs = m_latencies.minMs();
    m_result.meanMs = m_latencies.meanMs();
    m_result.p50Ms = m_latencies.percentileMs(50);
    m_result.p90Ms = m_latencies.percentileMs(90);
    m_result.p95Ms = m_latencies.percentileMs(95);
    m_result.p99Ms = m_latencies.percentileMs(99);
    m_result.maxMs = m_latencies.maxMs();
    evaluateThresholds(m_spec.thresholds, m_result);

    if (!m_result.error.isEmpty()) {
        m_result.passed = false;
    } else if (m_result.cancelled) {
        m_result.passed = false;
        m_result.error =
            what() + u": cancelled after " + QString::number(m_result.elapsed.count()) + u" ms";
    } else if (m_result.requests == 0) {
        m_result.passed = false;
        m_result.error = what() + u": no request completed";
    } else if (m_result.failures == m_result.requests) {
        m_result.passed = false;
        m_result.error = what() + u": every request failed, the first one: " + m_firstFailure;
    }
    qCDebug(lcLoadTest) << what() << m_result.requests << "requests," << m_result.failures
                        << "failures in" << m_result.elapsed.count() << "ms";
    return m_result;
}

} // namespace

milliseconds plannedDuration(const LoadTestSpec& spec)
{
    if (spec.stages.isEmpty())
        return std::max(0ms, spec.duration);
    milliseconds total{0};
    for (const LoadStage& stage : spec.stages)
        total += std::max(0ms, stage.duration);
    return total;
}

int plannedUsers(const LoadTestSpec& spec, milliseconds elapsed)
{
    if (spec.stages.isEmpty())
        return elapsed < spec.duration ? std::max(0, spec.users) : 0;
    int from = 0;
    milliseconds stageStart{0};
    for (const LoadStage& stage : spec.stages) {
        const int to = std::max(0, stage.target);
        if (elapsed < stageStart + stage.duration) {
            const double fraction =
                double((elapsed - stageStart).count()) / double(stage.duration.count());
            return int(std::ceil(double(from) + (double(to) - double(from)) * fraction));
        }
        stageStart += std::max(0ms, stage.duration);
        from = to;
    }
    return 0;
}

LoadTestResult runLoadTest(const LoadTestSpec& spec, const std::atomic_bool* cancel,
                           const LoadTestProgressCallback& progress)
{
    detail::ensureCurlInitialised();
    LoadRunner runner(spec, cancel, progress);
    return runner.run();
}

} // namespace launchdeck::http
