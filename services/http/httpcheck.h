// The http_check step: a smoke test that asks a URL and expects a status, with retries.
#pragma once

#include <QString>

#include <atomic>
#include <chrono>

namespace launchdeck::http {

struct HttpCheckSpec
{
    QString url;
    int expectStatus = 200;
    std::chrono::milliseconds timeout{5000}; // per attempt, connection included
    int retries = 0;                         // attempts after the first one
    std::chrono::milliseconds retryDelay{1000};
    QString method = QStringLiteral("GET");
    bool followRedirects = false;
};

struct HttpCheckResult
{
    bool passed = false;
    bool cancelled = false;
    int status = 0;                       // of the last attempt; 0 when no HTTP answer came
    std::chrono::milliseconds elapsed{0}; // the last attempt's response time
    int attempts = 0;
    QString error; // names the method, URL, and the status or transport error; empty on success
};

// Blocks until the check passes, runs out of attempts, or `cancel` turns true (noticed within
// about 50 ms, also during a request or a retry delay). Safe to call from any thread.
HttpCheckResult runHttpCheck(const HttpCheckSpec& spec, const std::atomic_bool* cancel = nullptr);

// One line for a log: "PASS GET http://… 200 in 12 ms (1 attempt)" or "FAIL …: error".
QString formatHttpCheckResult(const HttpCheckSpec& spec, const HttpCheckResult& result);

} // namespace launchdeck::http
