// The http_check step on libcurl's multi interface, so a cancel is noticed mid-request.
#include "http/httpcheck.h"

#include "http/curlsupport.h"

#include <QLoggingCategory>

#include <thread>

Q_LOGGING_CATEGORY(lcHttpCheck, "launchdeck.http", QtWarningMsg)

namespace launchdeck::http {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool isCancelled(const std::atomic_bool* cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

struct Attempt
{
    int status = 0;
    std::chrono::milliseconds elapsed{0};
    QString transportError; // empty when an HTTP answer came
    bool cancelled = false;
};

Attempt attemptOnce(const HttpCheckSpec& spec, const std::atomic_bool* cancel)
{
    Attempt attempt;
    detail::EasyHandle easy(curl_easy_init());
    detail::MultiHandle multi(curl_multi_init());
    if (!easy || !multi) {
        attempt.transportError = QStringLiteral("libcurl could not allocate a handle");
        return attempt;
    }
    char errorBuffer[CURL_ERROR_SIZE];
    detail::RequestOptions options;
    options.url = spec.url.toUtf8();
    options.method = spec.method.toUtf8();
    options.timeout = spec.timeout;
    options.followRedirects = spec.followRedirects;
    detail::configureRequest(easy.get(), options, errorBuffer);

    const auto started = Clock::now();
    const std::optional<CURLcode> result =
        detail::performCancellable(multi.get(), easy.get(), cancel);
    attempt.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    attempt.cancelled = !result;
    if (attempt.cancelled)
        return attempt;
    const CURLcode code = *result;

    if (code == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
        attempt.status = static_cast<int>(status);
    } else {
        attempt.transportError = detail::describeCurlError(code, errorBuffer, spec.timeout);
    }
    return attempt;
}

// Sleeps in short slices so that a cancel during a long retry delay is not kept waiting.
bool waitUnlessCancelled(std::chrono::milliseconds delay, const std::atomic_bool* cancel)
{
    const auto until = Clock::now() + delay;
    while (Clock::now() < until) {
        if (isCancelled(cancel))
            return false;
        std::this_thread::sleep_for(std::min<Clock::duration>(20ms, until - Clock::now()));
    }
    return !isCancelled(cancel);
}

} // namespace

HttpCheckResult runHttpCheck(const HttpCheckSpec& spec, const std::atomic_bool* cancel)
{
    detail::ensureCurlInitialised();
    HttpCheckResult result;
    const QString what = spec.method.toUpper() + u' ' + spec.url;
    if (spec.url.isEmpty()) {
        result.error = QStringLiteral("http check: no URL given");
        return result;
    }

    const int attempts = 1 + std::max(0, spec.retries);
    for (int i = 1; i <= attempts; ++i) {
        const Attempt attempt = attemptOnce(spec, cancel);
        result.attempts = i;
        result.status = attempt.status;
        result.elapsed = attempt.elapsed;
        if (attempt.cancelled) {
            result.cancelled = true;
            result.error = what + u": cancelled";
            return result;
        }
        if (attempt.transportError.isEmpty() && attempt.status == spec.expectStatus) {
            result.passed = true;
            result.error.clear();
            return result;
        }
        if (attempt.transportError.isEmpty()) {
            result.error = what + u": answered HTTP " + QString::number(attempt.status) +
                           u", expected " + QString::number(spec.expectStatus);
        } else {
            result.error = what + u": " + attempt.transportError;
        }
        qCDebug(lcHttpCheck) << "attempt" << i << "of" << attempts << "failed:" << result.error;
        if (i < attempts && !waitUnlessCancelled(spec.retryDelay, cancel)) {
            result.cancelled = true;
            result.error = what + u": cancelled";
            return result;
        }
    }
    if (attempts > 1)
        result.error += u" (after " + QString::number(attempts) + u" attempts)";
    return result;
}

QString formatHttpCheckResult(const HttpCheckSpec& spec, const HttpCheckResult& result)
{
    const QString attempts =
        QString::number(result.attempts) +
        (result.attempts == 1 ? QStringLiteral(" attempt") : QStringLiteral(" attempts"));
    if (result.passed) {
        return u"PASS " + spec.method.toUpper() + u' ' + spec.url + u' ' +
               QString::number(result.status) + u" in " + QString::number(result.elapsed.count()) +
               u" ms (" + attempts + u')';
    }
    return u"FAIL " + result.error;
}

} // namespace launchdeck::http
