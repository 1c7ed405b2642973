// Benchmark: requests/s of Launchdeck's load test against wrk's, on the same local nginx with the
// same connections and duration. Prints the figures and the ratio (goal >= 0.7). A round counts
// only when both clients ran and neither saw a failed request; the others are counted and shown.
#include "benchruns.h"
#include "http/loadtest.h"

#include "fakes/localhttpserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

using namespace launchdeck;
using namespace std::chrono_literals;

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QString findTool(const QString& name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(
            name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return path;
}

// nginx with one worker on a loopback port, serving a small static file with keep-alive: the
// server is the same for both clients, and with one worker each side gets one of two cores.
class Nginx final
{
public:
    ~Nginx()
    {
        if (m_process && m_process->state() == QProcess::Running) {
            ::kill(-pid_t(m_process->processId()), SIGKILL);
            m_process->waitForFinished(5000);
        }
    }

    bool start(int workers, QString* error)
    {
        const QString nginx = findTool(QStringLiteral("nginx"));
        if (nginx.isEmpty()) {
            *error = QStringLiteral("nginx not found: install Debian's nginx package");
            return false;
        }
        const QString prefix = m_dir.path();
        QDir(prefix).mkpath(QStringLiteral("www"));
        QDir(prefix).mkpath(QStringLiteral("temp"));
        QFile page(prefix + u"/www/index.html");
        if (!page.open(QIODevice::WriteOnly) || page.write(QByteArray(612, 'x')) != 612) {
            *error = u"cannot write under " + prefix;
            return false;
        }
        page.close();
        for (int attempt = 0; attempt < 5; ++attempt) {
            m_port = test::pickFreeLoopbackPort();
            if (launch(nginx, workers, error))
                return true;
        }
        return false;
    }

    QString url() const { return u"http://127.0.0.1:" + QString::number(m_port) + u"/index.html"; }

private:
    bool launch(const QString& nginx, int workers, QString* error)
    {
        const QString prefix = m_dir.path();
        const QString temp = prefix + u"/temp";
        QString config;
        QTextStream conf(&config);
        conf << "daemon off;\nmaster_process on;\nworker_processes " << workers << ";\n"
             << "pid " << prefix << "/nginx.pid;\nerror_log stderr warn;\n";
        if (::geteuid() == 0)
            conf << "user root;\n"; // the temporary folder is readable by its owner only
        conf << "events { worker_connections 4096; }\n"
             << "http {\n  access_log off;\n  keepalive_requests 10000000;\n"
             << "  open_file_cache max=16;\n"
             << "  client_body_temp_path " << temp << ";\n  proxy_temp_path " << temp << ";\n"
             << "  fastcgi_temp_path " << temp << ";\n  uwsgi_temp_path " << temp << ";\n"
             << "  scgi_temp_path " << temp << ";\n"
             << "  server {\n    listen 127.0.0.1:" << m_port << ";\n    root " << prefix
             << "/www;\n  }\n}\n";
        conf.flush();
        QFile file(prefix + u"/nginx.conf");
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(config.toUtf8()) < 0) {
            *error = u"cannot write " + file.fileName();
            return false;
        }
        file.close();

        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process->setChildProcessModifier([] { ::setsid(); });
        m_process->start(nginx,
                         {QStringLiteral("-e"), QStringLiteral("stderr"), QStringLiteral("-p"),
                          prefix, QStringLiteral("-c"), file.fileName()});
        if (!m_process->waitForStarted(5000)) {
            *error = u"cannot start nginx: " + m_process->errorString();
            return false;
        }
        const QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired() && m_process->state() == QProcess::Running) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(200))
                return true;
            m_process->waitForFinished(50);
        }
        *error = u"nginx did not start on port " + QString::number(m_port);
        return false;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

struct WrkRun
{
    double requestsPerSecond = 0.0; // wrk's own report, "Requests/sec:  12345.67"
    double requests = 0.0;
    qint64 failures = 0; // socket errors and responses other than 2xx or 3xx
    QString error;       // wrk did not run or its report was not understood
};

WrkRun runWrk(const QString& wrk, const QString& url, int connections, int threads, int seconds)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(wrk, {u"-t" + QString::number(threads), u"-c" + QString::number(connections),
                        u"-d" + QString::number(seconds) + u's', url});
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
    parser.addOptions(
        {connectionsOption, durationOption, roundsOption, threadsOption, workersOption});
    parser.process(app);
    const int connections = std::max(1, parser.value(connectionsOption).toInt());
    const int seconds = std::max(1, parser.value(durationOption).toInt());
    const int rounds = std::max(1, parser.value(roundsOption).toInt());
    const int threads = std::clamp(parser.value(threadsOption).toInt(), 1, connections);

    const QString wrk = findTool(QStringLiteral("wrk"));
    if (wrk.isEmpty()) {
        out() << "wrk not found: install Debian's wrk package" << Qt::endl;
        return 1;
    }
    Nginx nginx;
    QString error;
    if (!nginx.start(std::max(1, parser.value(workersOption).toInt()), &error)) {
        out() << error << Qt::endl;
        return 1;
    }

    out() << "server: nginx, " << parser.value(workersOption) << " worker(s), " << nginx.url()
          << "\nclients: " << connections << " connections, " << seconds << " s per run, wrk -t"
          << threads << ", Launchdeck one thread\n"
          << Qt::endl;

    http::LoadTestSpec spec;
    spec.url = nginx.url();
    spec.users = connections;
    spec.duration = std::chrono::seconds(seconds);
    bench::Runs wrkRates, ourRates, wrkCpu, ourCpu, roundRatios;
    http::LoadTestResult last;
    for (int round = 1; round <= rounds; ++round) {
        const double wrkCpuBefore = cpuSeconds(RUSAGE_CHILDREN);
        const WrkRun wrkRun = runWrk(wrk, nginx.url(), connections, threads, seconds);
        const double wrkCpuUsed = cpuSeconds(RUSAGE_CHILDREN) - wrkCpuBefore;
        const double ourCpuBefore = cpuSeconds(RUSAGE_SELF);
        last = http::runLoadTest(spec);
        const double ourCpuUsed = cpuSeconds(RUSAGE_SELF) - ourCpuBefore;
        // Microseconds of client CPU per request: less noisy than rates on a shared machine.
        const double wrkMicros = wrkRun.requests > 0 ? wrkCpuUsed * 1e6 / wrkRun.requests : 0.0;
        const double ourMicros = last.requests > 0 ? ourCpuUsed * 1e6 / double(last.requests) : 0.0;
        // The two runs of a round are back to back, so their ratio shares the machine's load.
        const double roundRatio = bench::ratio(last.requestsPerSecond, wrkRun.requestsPerSecond);
        out() << "round " << round << ": wrk " << QString::number(wrkRun.requestsPerSecond, 'f', 0)
              << " req/s (" << QString::number(wrkMicros, 'f', 1) << " µs CPU/req, "
              << wrkRun.failures << " failures), launchdeck "
              << QString::number(last.requestsPerSecond, 'f', 0) << " req/s ("
              << QString::number(ourMicros, 'f', 1) << " µs CPU/req, " << last.failures
              << " failures, p95 " << QString::number(last.p95Ms, 'f', 2) << " ms), ratio "
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
          << " (goal >= 0.70)\n"
          << "ratio per round:                " << QString::number(roundRatios.min(), 'f', 2)
          << " to " << QString::number(roundRatios.max(), 'f', 2) << Qt::endl;
    return 0;
}
