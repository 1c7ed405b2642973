// Benchmark: requests/s of Launchdeck's load test against wrk's, on the same local nginx with the
// same connections and duration. Prints the figures and the ratio (goal >= 0.9), the latency
// percentiles beside wrk's --latency, and those of a last run paced below the server's capacity,
// timed from each request's due time. A round counts only when both clients ran and neither saw
// a failed request; the others are counted and shown.
#include "benchruns.h"
#include "http/loadtest.h"

#include "fakes/localnginx.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>
#include <vector>

using namespace launchdeck;
using namespace std::chrono_literals;

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct WrkRun
{
    double requestsPerSecond = 0.0; // wrk's own report, "Requests/sec:  12345.67"
    double requests = 0.0;
    qint64 failures = 0; // socket errors and responses other than 2xx or 3xx
    double p50Ms = 0.0, p90Ms = 0.0, p99Ms = 0.0; // its --latency distribution
    QString error; // wrk did not run or its report was not understood
};

// One line of wrk's latency distribution, "     90%  512.00us", in milliseconds; 0 if absent.
double wrkPercentileMs(const QString& output, int percentile)
{
    const QRegularExpression line(
        QStringLiteral(R"(\n\s*%1%\s+([0-9.]+)(us|ms|s)\b)").arg(percentile));
    const QRegularExpressionMatch match = line.match(output);
    if (!match.hasMatch())
        return 0.0;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    return unit == u"us" ? value / 1000.0 : unit == u"ms" ? value : value * 1000.0;
}

WrkRun runWrk(const QString& wrk, const QString& url, int connections, int threads, int seconds)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(wrk, {u"-t" + QString::number(threads), u"-c" + QString::number(connections),
                        u"-d" + QString::number(seconds) + u's', QStringLiteral("--latency"), url});
    WrkRun run;
    if (!process.waitForFinished((seconds + 30) * 1000)) {
        process.kill();
        process.waitForFinished();
        run.error = QStringLiteral("wrk did not end in time");
        return run;
    }
    const QString output = QString::fromLocal8Bit(process.readAll());
    static const QRegularExpression requestsPerSecond(
        QStringLiteral(R"(Requests/sec:\s*([0-9.]+))"));
    static const QRegularExpression requests(QStringLiteral(R"(([0-9]+) requests in)"));
    static const QRegularExpression socketErrors(QStringLiteral(
        R"(Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+))"));
    static const QRegularExpression non2xx(QStringLiteral(R"(Non-2xx or 3xx responses: ([0-9]+))"));
    const QRegularExpressionMatch rate = requestsPerSecond.match(output);
    const QRegularExpressionMatch count = requests.match(output);
    if (process.exitCode() != 0 || !rate.hasMatch() || !count.hasMatch()) {
        out() << "wrk failed:\n" << output << Qt::endl;
        run.error = QStringLiteral("wrk exited %1 without a report").arg(process.exitCode());
        return run;
    }
    run.requestsPerSecond = rate.captured(1).toDouble();
    run.requests = count.captured(1).toDouble();
    if (const QRegularExpressionMatch errors = socketErrors.match(output); errors.hasMatch()) {
        for (int i = 1; i <= 4; ++i)
            run.failures += errors.captured(i).toLongLong();
    }
    if (const QRegularExpressionMatch bad = non2xx.match(output); bad.hasMatch())
        run.failures += bad.captured(1).toLongLong();
    run.p50Ms = wrkPercentileMs(output, 50);
    run.p90Ms = wrkPercentileMs(output, 90);
    run.p99Ms = wrkPercentileMs(output, 99);
    return run;
}

// CPU seconds (user + system) of this process, or of its reaped children (wrk).
double cpuSeconds(int who)
{
    rusage usage{};
    getrusage(who, &usage);
    const auto seconds = [](const timeval& t) {
        return double(t.tv_sec) + double(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// "p50 0.43 / p90 0.53 / p99 0.66 ms"
QString percentiles(double p50, double p90, double p99)
{
    return u"p50 " + QString::number(p50, 'f', 2) + u" / p90 " + QString::number(p90, 'f', 2) +
           u" / p99 " + QString::number(p99, 'f', 2) + u" ms";
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Launchdeck load test against wrk on a local nginx"));
    parser.addHelpOption();
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
                                               QStringLiteral("Concurrent connections (users)."),
                                               QStringLiteral("n"), QStringLiteral("50"));
    const QCommandLineOption durationOption(QStringLiteral("duration"),
                                            QStringLiteral("Seconds per run."), QStringLiteral("s"),
                                            QStringLiteral("5"));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"),
                                          QStringLiteral("Alternating runs of each client."),
                                          QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption threadsOption(QStringLiteral("wrk-threads"),
                                           QStringLiteral("wrk threads (Launchdeck uses one)."),
                                           QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption workersOption(QStringLiteral("nginx-workers"),
                                           QStringLiteral("nginx worker processes."),
                                           QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption engineOption(
        QStringLiteral("engine"),
        QStringLiteral("Launchdeck's engine: builtin (chosen for plain HTTP) or curl."),
        QStringLiteral("name"), QStringLiteral("builtin"));
    const QCommandLineOption pacedOption(
        QStringLiteral("paced-share"),
        QStringLiteral("A last run paced at this share of wrk's median rate, its latency counted "
                       "from each request's due time (0: none)."),
        QStringLiteral("share"), QStringLiteral("0.5"));
    parser.addOptions({connectionsOption, durationOption, roundsOption, threadsOption,
                       workersOption, engineOption, pacedOption});
    parser.process(app);
    const int connections = std::max(1, parser.value(connectionsOption).toInt());
    const int seconds = std::max(1, parser.value(durationOption).toInt());
    const int rounds = std::max(1, parser.value(roundsOption).toInt());
    const int threads = std::clamp(parser.value(threadsOption).toInt(), 1, connections);
    const int workers = std::max(1, parser.value(workersOption).toInt());
    const bool curlOnly = parser.value(engineOption) == u"curl";
    const double pacedShare = std::max(0.0, parser.value(pacedOption).toDouble());

    const QString wrk = QStandardPaths::findExecutable(QStringLiteral("wrk"));
    if (wrk.isEmpty()) {
        out() << "wrk not found: install Debian's wrk package" << Qt::endl;
        return 1;
    }
    test::LocalNginx nginx;
    QString error;
    if (!nginx.start(workers, 10'000'000, &error)) {
        out() << error << Qt::endl;
        return 1;
    }

    out() << "server: nginx, " << workers << " worker(s), " << nginx.url()
          << "\nclients: " << connections << " connections, " << seconds << " s per run, wrk -t"
          << threads << ", Launchdeck one thread (" << (curlOnly ? "libcurl" : "built-in engine")
          << ")\n"
          << Qt::endl;

    http::LoadTestSpec spec;
    spec.url = nginx.url();
    spec.users = connections;
    spec.duration = std::chrono::seconds(seconds);
    spec.allowBuiltinEngine = !curlOnly;
    bench::Runs wrkRates, ourRates, wrkCpu, ourCpu, roundRatios;
    http::LoadTestResult last;
    WrkRun lastWrk;
    for (int round = 1; round <= rounds; ++round) {
        const double wrkCpuBefore = cpuSeconds(RUSAGE_CHILDREN);
        const WrkRun wrkRun = runWrk(wrk, nginx.url(), connections, threads, seconds);
        const double wrkCpuUsed = cpuSeconds(RUSAGE_CHILDREN) - wrkCpuBefore;
        const double ourCpuBefore = cpuSeconds(RUSAGE_SELF);
        last = http::runLoadTest(spec);
        const double ourCpuUsed = cpuSeconds(RUSAGE_SELF) - ourCpuBefore;
        lastWrk = wrkRun;
        // Microseconds of client CPU per request: less noisy than rates on a shared machine.
        const double wrkMicros = wrkRun.requests > 0 ? wrkCpuUsed * 1e6 / wrkRun.requests : 0.0;
        const double ourMicros = last.requests > 0 ? ourCpuUsed * 1e6 / double(last.requests) : 0.0;
        // The two runs of a round are back to back, so their ratio shares the machine's load.
        const double roundRatio = bench::ratio(last.requestsPerSecond, wrkRun.requestsPerSecond);
        out() << "round " << round << ": wrk " << QString::number(wrkRun.requestsPerSecond, 'f', 0)
              << " req/s (" << QString::number(wrkMicros, 'f', 1) << " µs CPU/req, "
              << wrkRun.failures << " failures, "
              << percentiles(wrkRun.p50Ms, wrkRun.p90Ms, wrkRun.p99Ms) << "), launchdeck "
              << QString::number(last.requestsPerSecond, 'f', 0) << " req/s ("
              << QString::number(ourMicros, 'f', 1) << " µs CPU/req, " << last.failures
              << " failures, " << percentiles(last.p50Ms, last.p90Ms, last.p99Ms) << "), ratio "
              << QString::number(roundRatio, 'f', 2) << Qt::endl;
        QString failure;
        if (!wrkRun.error.isEmpty())
            failure = wrkRun.error;
        else if (!last.error.isEmpty())
            failure = u"launchdeck: " + last.error;
        else if (wrkRun.failures > 0 || last.failures > 0 || last.requests == 0)
            failure = QStringLiteral("failed requests (wrk %1, launchdeck %2)")
                          .arg(wrkRun.failures)
                          .arg(last.failures);
        else if ((last.engine == http::LoadEngine::Curl) != curlOnly)
            failure = QStringLiteral("launchdeck ran the other engine");
        if (!failure.isEmpty()) {
            for (bench::Runs* runs : {&wrkRates, &ourRates, &wrkCpu, &ourCpu, &roundRatios})
                runs->fail(failure);
            continue;
        }
        wrkRates.add(wrkRun.requestsPerSecond);
        ourRates.add(last.requestsPerSecond);
        wrkCpu.add(wrkMicros);
        ourCpu.add(ourMicros);
        roundRatios.add(roundRatio);
    }
    out() << "\nlast Launchdeck run:\n" << http::formatLoadTestSummary(spec, last) << Qt::endl;

    const double wrkMedian = wrkRates.median();
    const double ourMedian = ourRates.median();
    const double ratio = bench::ratio(ourMedian, wrkMedian);
    out() << "rounds counted: " << wrkRates.count() << '\n'
          << "wrk CPU per request (median):        " << QString::number(wrkCpu.median(), 'f', 1)
          << " µs\n"
          << "launchdeck CPU per request (median): " << QString::number(ourCpu.median(), 'f', 1)
          << " µs\n"
          << "wrk requests/s (median):        " << QString::number(wrkMedian, 'f', 0) << '\n'
          << "launchdeck requests/s (median): " << QString::number(ourMedian, 'f', 0) << '\n'
          << "ratio launchdeck/wrk:           " << QString::number(ratio, 'f', 2)
          << " (goal >= 0.90)\n"
          << "ratio per round:                " << QString::number(roundRatios.min(), 'f', 2)
          << " to " << QString::number(roundRatios.max(), 'f', 2) << '\n'
          << "latency, last round, wrk --latency:  "
          << percentiles(lastWrk.p50Ms, lastWrk.p90Ms, lastWrk.p99Ms) << '\n'
          << "latency, last round, launchdeck:     "
          << percentiles(last.p50Ms, last.p90Ms, last.p99Ms) << ", p95 "
          << QString::number(last.p95Ms, 'f', 2) << " ms" << Qt::endl;

    // Flat out, both clients time each request from when it was sent, so a stall delays the
    // requests behind it unseen. Paced, a request's latency runs from when it was due (as wrk2
    // counts it), which keeps those delays in the percentiles.
    if (pacedShare > 0 && wrkMedian > 0) {
        http::LoadTestSpec paced = spec;
        paced.rate = pacedShare * wrkMedian;
        const http::LoadTestResult result = http::runLoadTest(paced);
        out() << "paced at " << QString::number(*paced.rate, 'f', 0) << " req/s ("
              << QString::number(pacedShare, 'f', 2)
              << " of wrk's median): " << QString::number(result.requestsPerSecond, 'f', 0)
              << " req/s, " << result.failures << " failures, from the due time "
              << percentiles(result.p50Ms, result.p90Ms, result.p99Ms) << ", p95 "
              << QString::number(result.p95Ms, 'f', 2) << " ms"
              << (result.error.isEmpty() ? QString() : u" (" + result.error + u')') << Qt::endl;
    }
    return 0;
}
