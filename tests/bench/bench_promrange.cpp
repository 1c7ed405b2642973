// Benchmark: a query_range answer of 50 series × 11,000 points (as Prometheus writes it) served
// from a loopback HTTP server, (a) merely received into a buffer by the client's transport and
// (b) received and decoded into a QueryResult by PrometheusClient::queryRange; the real curl
// command line receives it as well, when installed. Prints the medians and the ratio b/a (goal
// ≤ 1.5); a run that failed is counted and shown, never averaged in. --decode-only times the
// decoder alone, with the CPU time of all threads (large answers decode on two), for profiling.
#include "benchruns.h"
#include "prometheus/prometheusclient.h"
#include "prometheus/serverrequest.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <time.h>

using namespace launchdeck;
using namespace launchdeck::prometheus;
using namespace std::chrono_literals;

namespace {

constexpr int kSeries = 50;
constexpr int kPoints = 11'000;
constexpr double kStep = 15;
constexpr qint64 kStartMs = 1'700'000'000'123; // a window ending "now", as a chart asks

// The answer as Prometheus 2.42 writes it: compact JSON, timestamps as numbers with their
// milliseconds, values as the shortest decimal that reads back ('f' form, like Go's
// FormatFloat(v, 'f', -1, 64)). A third of the series are byte gauges (integers), a third rates
// (long fractions), a third latencies in seconds (short decimals).
QByteArray rangeAnswer()
{
    std::mt19937_64 random(14);
    std::uniform_real_distribution<double> unit(0, 1);
    std::string body = R"({"status":"success","data":{"resultType":"matrix","result":[)";
    char number[64];
    const auto append = [&](double value) {
        const auto end =
            std::to_chars(number, number + sizeof number, value, std::chars_format::fixed);
        body.append(number, end.ptr);
    };
    // Seconds, then the milliseconds as three digits when there are any (marshalTimestamp).
    const auto appendTimestamp = [&](qint64 ms) {
        body += std::to_string(ms / 1000);
        if (ms % 1000) {
            const std::string fraction = std::to_string(ms % 1000);
            body += '.' + std::string(3 - fraction.size(), '0') + fraction;
        }
    };
    for (int s = 0; s < kSeries; ++s) {
        if (s)
            body += ',';
        body += R"({"metric":{"__name__":"http_requests_total","code":"200","instance":"10.0.3.)" +
                std::to_string(s) + R"(:8080","job":"web","method":"GET","pod":"web-7d9f8b6c4-)" +
                std::to_string(10000 + s) + R"("},"values":[)";
        double level = 1e8 * (1 + s);
        for (int i = 0; i < kPoints; ++i) {
            if (i)
                body += ',';
            body += '[';
            appendTimestamp(kStartMs + qint64(i) * qint64(kStep) * 1000);
            body += ",\"";
            switch (s % 3) {
            case 0:
                level += std::floor(unit(random) * 4096);
                append(level);
                break;
            case 1:
                append(std::floor(unit(random) * 600) / 60 / 7);
                break;
            default:
                append(std::round(unit(random) * 1000) / 1000);
                break;
            }
            body += "\"]";
        }
        body += "]}";
    }
    body += "]}}";
    return QByteArray(body.data(), qsizetype(body.size()));
}

// A plain HTTP/1.1 server on a loopback port, in a thread: reads a request's head, writes the
// answer with its length, closes.
class AnswerServer final
{
public:
    explicit AnswerServer(QByteArray body)
        : m_answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                   QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body)
    {}
    ~AnswerServer()
    {
        m_stop = true;
        if (m_listener >= 0)
            ::shutdown(m_listener, SHUT_RDWR);
        if (m_thread.joinable())
            m_thread.join();
        if (m_listener >= 0)
            ::close(m_listener);
    }

    bool start()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) ||
            ::listen(m_listener, 16) ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length))
            return false;
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
        return true;
    }
    QString url() const { return u"http://127.0.0.1:" + QString::number(m_port); }

private:
    void serve()
    {
        while (!m_stop) {
            const int client = ::accept(m_listener, nullptr, nullptr);
            if (client < 0)
                return;
            std::string head;
            char buffer[4096];
            while (head.find("\r\n\r\n") == std::string::npos) {
                const ssize_t got = ::read(client, buffer, sizeof buffer);
                if (got <= 0)
                    break;
                head.append(buffer, size_t(got));
            }
            qsizetype sent = 0;
            while (sent < m_answer.size()) {
                const ssize_t wrote =
                    ::write(client, m_answer.constData() + sent, size_t(m_answer.size() - sent));
                if (wrote <= 0)
                    break;
                sent += wrote;
            }
            ::close(client);
        }
    }

    QByteArray m_answer;
    int m_listener = -1;
    quint16 m_port = 0;
    std::atomic_bool m_stop{false};
    std::thread m_thread;
};

double millisecondsOf(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

// This thread's CPU time: the client's own work, whatever else the machine runs meanwhile.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// The CPU time of all the process's threads (the decoder's second thread included).
double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A Prometheus range answer of 50 series x 11,000 points: receiving against decoding."));
    parser.addHelpOption();
    const QCommandLineOption roundsOption(QStringLiteral("rounds"),
                                          QStringLiteral("Rounds of each (default 15)."),
                                          QStringLiteral("n"), QStringLiteral("15"));
    parser.addOption(roundsOption);
    const QCommandLineOption decodeOnlyOption(
        QStringLiteral("decode-only"),
        QStringLiteral("Only decode the answer from memory, to profile the decoder."));
    parser.addOption(decodeOnlyOption);
    parser.process(app);
    const int rounds = std::max(1, parser.value(roundsOption).toInt());

    const QByteArray body = rangeAnswer();
    if (parser.isSet(decodeOnlyOption)) {
        bench::Runs decodeOnly;
        bench::Runs decodeCpu;
        bench::Runs processCpu;
        for (int round = 0; round < rounds; ++round) {
            QElapsedTimer timer;
            timer.start();
            const double cpu = threadCpuMs();
            const double allCpu = processCpuMs();
            const Result<QueryResult> decoded = decodeQueryAnswer(body);
            const double ms = millisecondsOf(timer);
            decodeCpu.add(threadCpuMs() - cpu);
            processCpu.add(processCpuMs() - allCpu);
            if (decoded)
                decodeOnly.add(ms);
            else
                decodeOnly.fail(decoded.error().message);
        }
        std::printf("decode only, from memory: median %.2f ms (min %.2f); CPU time of this "
                    "thread: median %.2f ms (min %.2f), of all threads: median %.2f ms\n",
                    decodeOnly.median(), decodeOnly.min(), decodeCpu.median(), decodeCpu.min(),
                    processCpu.median());
        return decodeOnly.anySucceeded() ? 0 : 1;
    }
    AnswerServer server(body);
    if (!server.start()) {
        std::fprintf(stderr, "cannot listen on a loopback port\n");
        return 1;
    }
    ServerEndpoint endpoint;
    endpoint.url = server.url();
    endpoint.timeout = 60s;
    const PrometheusClient client(endpoint);
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(kStartMs);
    const QDateTime end = start.addSecs(qint64(kStep) * (kPoints - 1));
    const QString path = QStringLiteral("/api/v1/query_range?query=http_requests_total");

    std::printf("query_range answer: %d series x %d points, %.1f MB, %d rounds\n", kSeries, kPoints,
                double(body.size()) / 1e6, rounds);

    bench::Runs receiving;
    bench::Runs decoding;
    bench::Runs receivingCpu;
    bench::Runs decodingCpu;
    bench::Runs decodeOnly;
    bench::Runs decodeOnlyCpu;
    bench::Runs curlCommand;
    const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    for (int round = 0; round < rounds; ++round) {
        // Alternating the order keeps a slow moment of the machine from favouring either side.
        for (int side = 0; side < 2; ++side) {
            QElapsedTimer timer;
            if ((side + round) % 2 == 0) {
                timer.start();
                const double cpu = threadCpuMs();
                const Result<ServerAnswer> answer = requestServer(endpoint, "GET", path);
                const double ms = millisecondsOf(timer);
                receivingCpu.add(threadCpuMs() - cpu);
                if (!answer)
                    receiving.fail(answer.error().toString());
                else if (answer->body.size() != body.size())
                    receiving.fail(QStringLiteral("received %1 bytes").arg(answer->body.size()));
                else
                    receiving.add(ms);
            } else {
                timer.start();
                const double cpu = threadCpuMs();
                const Result<QueryResult> result =
                    client.queryRange(QStringLiteral("http_requests_total"), start, end, kStep);
                const double ms = millisecondsOf(timer);
                decodingCpu.add(threadCpuMs() - cpu);
                if (!result)
                    decoding.fail(result.error().toString());
                else if (result->series.size() != kSeries ||
                         result->series.back().samples.size() != size_t(kPoints))
                    decoding.fail(QStringLiteral("decoded %1 series").arg(result->series.size()));
                else
                    decoding.add(ms);
            }
        }
        QElapsedTimer timer;
        timer.start();
        const double allCpu = processCpuMs(); // the server thread waits meanwhile
        const Result<QueryResult> decoded = decodeQueryAnswer(body);
        const double ms = millisecondsOf(timer);
        decodeOnlyCpu.add(processCpuMs() - allCpu);
        if (decoded)
            decodeOnly.add(ms);
        else
            decodeOnly.fail(decoded.error().message);

        if (!curl.isEmpty()) {
            QProcess process;
            process.start(curl,
                          {QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                           QStringLiteral("-w"), QStringLiteral("%{time_total} %{size_download}"),
                           server.url() + path});
            const bool finished = process.waitForFinished(60'000);
            const QList<QByteArray> figures = process.readAllStandardOutput().split(' ');
            if (!finished || process.exitCode() != 0 || figures.size() != 2)
                curlCommand.fail(QStringLiteral("curl failed"));
            else if (figures[1].toLongLong() != body.size())
                curlCommand.fail(u"curl received " + QString::fromLatin1(figures[1]) + u" bytes");
            else
                curlCommand.add(figures[0].toDouble() * 1000);
        }
    }

    const auto report = [](const char* what, const bench::Runs& runs) {
        std::printf("%-46s median %8.2f ms  (min %8.2f, max %8.2f; %s)\n", what, runs.median(),
                    runs.min(), runs.max(), qPrintable(runs.count()));
    };
    report("(a) receive only (client transport)", receiving);
    report("(b) queryRange: receive + decode", decoding);
    report("    decode only, from memory", decodeOnly);
    report("    (a) CPU time of the client thread", receivingCpu);
    report("    (b) CPU time of the client thread", decodingCpu);
    report("    decode only, CPU time of all threads", decodeOnlyCpu);
    if (curl.isEmpty())
        std::printf("    curl command line: not installed\n");
    else
        report("    curl command line (time_total)", curlCommand);
    std::printf("ratio b/a: %.2f (goal <= 1.5); in CPU time of the client thread: %.2f\n",
                bench::ratio(decoding.median(), receiving.median()),
                bench::ratio(decodingCpu.median(), receivingCpu.median()));
    if (!curl.isEmpty())
        std::printf("ratio b/curl: %.2f\n", bench::ratio(decoding.median(), curlCommand.median()));
    return receiving.anySucceeded() && decoding.anySucceeded() ? 0 : 1;
}
