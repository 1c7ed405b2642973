// The load test's loop: the ramp of virtual users, their requests through one of two engines,
// and the figures measured on the way.
#include "http/loadtest.h"

#include "http/curlloadtransport.h"
#include "http/curlsupport.h"
#include "http/keepalivetransport.h"
#include "http/latencyhistogram.h"

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
    bool inFlight = false;
    bool retiring = false;       // finishes its request, then rests
    bool waiting = false;        // with a rate: until `scheduled`
    Clock::time_point scheduled; // with a rate: when its request is due
    Clock::duration lag{0};      // how late its request started after it was due
};

class LoadRunner final
{
public:
    LoadRunner(const LoadTestSpec& spec, const std::atomic_bool* cancel,
               const LoadTestProgressCallback& progress)
        : m_spec(spec)
        , m_cancel(cancel)
        , m_progress(progress)
    {}

    LoadTestResult run();

private:
    QString what() const { return m_spec.method.toUpper() + u' ' + m_spec.url; }
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    bool paced() const { return m_spec.rate && *m_spec.rate > 0; }
    void chooseTransport();
    Clock::duration interval() const;
    bool startRequest(int user, Clock::time_point now);
    bool adjustUsers(int target, Clock::time_point now);
    bool startDueUsers(Clock::time_point now, Clock::time_point* nextDue);
    void restWaitingUsers();
    bool collectFinished(milliseconds maxWait, bool draining);
    void record(const detail::RequestOutcome& outcome, Clock::duration lag);
    void countError(const QString& kind);
    void reportProgress(Clock::time_point now, milliseconds elapsed, int target);

    const LoadTestSpec& m_spec;
    const std::atomic_bool* m_cancel;
    const LoadTestProgressCallback& m_progress;
    std::unique_ptr<detail::LoadTransport> m_transport;
    std::vector<VirtualUser> m_users; // indexed by the number the transport knows them by
    std::vector<int> m_resting;
    std::vector<detail::RequestOutcome> m_finished;
    int m_active = 0;   // in flight and not retiring: what the ramp counts
    int m_inFlight = 0; // retiring ones included
    int m_target = 0;   // what the ramp asks for now
    LatencyHistogram m_latencies;
    LoadTestResult m_result;
    QString m_firstFailure;
    Clock::time_point m_lastReport;
    qint64 m_requestsAtLastReport = 0;
};

void LoadRunner::chooseTransport()
{
    const QByteArray url = m_spec.url.toUtf8();
    const QByteArray method = m_spec.method.toUtf8();
    if (m_spec.allowBuiltinEngine) {
        if (auto target = detail::plainHttpTarget(url, m_spec.requestTimeout, m_cancel)) {
            m_transport = std::make_unique<detail::KeepAliveTransport>(
                std::move(*target), method, m_spec.body, m_spec.requestTimeout);
            m_result.engine = LoadEngine::Builtin;
            return;
        }
    }
    detail::RequestOptions options;
    options.url = url;
    options.method = method;
    options.body = &m_spec.body;
    options.timeout = m_spec.requestTimeout;
    m_transport = std::make_unique<detail::CurlLoadTransport>(options);
    m_result.engine = LoadEngine::Curl;
}

Clock::duration LoadRunner::interval() const
{
    // The users share the rate: each sends once per `users / rate` seconds.
    const double seconds = double(std::max(1, m_target)) / *m_spec.rate;
    return duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

bool LoadRunner::startRequest(int user, Clock::time_point now)
{
    VirtualUser& state = m_users[std::size_t(user)];
    // With a rate, latency counts from when the request was due: a server that stalls the
    // users shows in the percentiles rather than in fewer, faster requests.
    state.lag = paced() ? std::max(Clock::duration::zero(), now - state.scheduled)
                        : Clock::duration::zero();
    if (!m_transport->start(user))
        return false;
    state.inFlight = true;
    state.retiring = false;
    state.waiting = false;
    ++m_inFlight;
    m_result.peakUsers = std::max(m_result.peakUsers, m_inFlight);
    return true;
}

bool LoadRunner::adjustUsers(int target, Clock::time_point now)
{
    m_target = target;
    // Retiring users still hold a connection: bringing one back is cheaper than a new one.
    for (auto it = m_users.begin(); m_active < target && it != m_users.end(); ++it) {
        if (it->inFlight && it->retiring) {
            it->retiring = false;
            ++m_active;
        }
    }
    while (m_active < target) {
        int user = 0;
        if (!m_resting.empty()) {
            user = m_resting.back();
            m_resting.pop_back();
        } else {
            user = int(m_users.size());
            m_users.emplace_back();
        }
        m_users[std::size_t(user)].scheduled = now;
        ++m_active;
        if (!startRequest(user, now))
            return false;
    }
    for (int user = int(m_users.size()) - 1; m_active > target && user >= 0; --user) {
        VirtualUser& state = m_users[std::size_t(user)];
        if (state.inFlight && !state.retiring) {
            state.retiring = true;
            --m_active;
        } else if (state.waiting) {
            state.waiting = false;
            --m_active;
            m_resting.push_back(user);
        }
    }
    return true;
}

bool LoadRunner::startDueUsers(Clock::time_point now, Clock::time_point* nextDue)
{
    *nextDue = Clock::time_point::max();
    for (std::size_t user = 0; user < m_users.size(); ++user) {
        if (!m_users[user].waiting)
            continue;
        if (m_users[user].scheduled > now)
            *nextDue = std::min(*nextDue, m_users[user].scheduled);
        else if (!startRequest(int(user), now))
            return false;
    }
    return true;
}

void LoadRunner::restWaitingUsers()
{
    for (std::size_t user = 0; user < m_users.size(); ++user) {
        if (m_users[user].waiting) {
            m_users[user].waiting = false;
            --m_active;
            m_resting.push_back(int(user));
        }
    }
}

bool LoadRunner::collectFinished(milliseconds maxWait, bool draining)
{
    m_finished.clear();
    m_transport->poll(maxWait, m_finished);
    const auto now = Clock::now();
    for (const detail::RequestOutcome& outcome : m_finished) {
        VirtualUser& user = m_users[std::size_t(outcome.user)];
        user.inFlight = false;
        --m_inFlight;
        record(outcome, user.lag);
        if (user.retiring || draining) {
            if (!user.retiring)
                --m_active;
            user.retiring = false;
            m_resting.push_back(outcome.user);
            continue;
        }
        // The user goes again at once, or when its next request is due, on the connection its
        // last request kept alive.
        if (paced()) {
            user.scheduled += interval();
            if (user.scheduled > now) {
                user.waiting = true;
                continue;
            }
        }
        if (!startRequest(outcome.user, now))
            return false;
    }
    return true;
}

void LoadRunner::record(const detail::RequestOutcome& outcome, Clock::duration lag)
{
    m_latencies.record(outcome.latency + duration_cast<std::chrono::microseconds>(lag));
    ++m_result.requests;

    if (outcome.code != CURLE_OK) {
        ++m_result.failures;
        countError(detail::curlErrorKind(outcome.code, outcome.detail, m_spec.requestTimeout));
        if (m_firstFailure.isEmpty())
            m_firstFailure =
                detail::describeCurlError(outcome.code, outcome.detail, m_spec.requestTimeout);
        return;
    }
    const int status = outcome.status;
    m_result.bytesReceived += outcome.bodyBytes;
    ++m_result.statusCounts[status];
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
    chooseTransport();
    if (cancelled()) {
        m_result.cancelled = true;
        m_result.error = what() + u": cancelled before the first request";
        return m_result;
    }
    if (!m_transport->isValid()) {
        m_result.error = what() + (m_result.engine == LoadEngine::Curl
                                       ? u": cannot set up libcurl's multi handle and epoll"
                                       : u": cannot set up epoll");
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
            restWaitingUsers();
        }
        if (draining && (m_inFlight == 0 || now >= drainUntil))
            break;
        if (!draining) {
            target = plannedUsers(m_spec, elapsed);
            healthy = adjustUsers(target, now);
        }
        auto wait = std::min<Clock::duration>(kMaxPoll, nextReport - now);
        if (!draining)
            wait = std::min<Clock::duration>(wait, started + total - now);
        if (paced() && !draining) {
            Clock::time_point nextDue;
            healthy = healthy && startDueUsers(now, &nextDue);
            wait = std::min<Clock::duration>(wait, nextDue - now);
        }
        healthy =
            healthy && collectFinished(std::max(0ms, duration_cast<milliseconds>(wait)), draining);
        // Reported as of the loop's start, the moment `target` was computed for.
        if (now >= nextReport) {
            reportProgress(now, elapsed, target);
            nextReport = now + kProgressInterval;
        }
    }
    m_result.elapsed = duration_cast<milliseconds>(Clock::now() - started);
    if (!healthy)
        m_result.error =
            what() + (m_result.engine == LoadEngine::Curl ? u": libcurl could not start a request"
                                                          : u": could not start a request");

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
