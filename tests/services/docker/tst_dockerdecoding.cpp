// The Docker client's decoders without a daemon: log frames, stats arithmetic, event lines,
// endpoint parsing and the wording of errors.
#include "docker/dockerendpoint.h"
#include "docker/dockerjson.h"
#include "docker/dockerjsonlines.h"
#include "docker/dockerlogdemuxer.h"
#include "docker/dockerstatsmath.h"
#include "docker/dockertransport.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <limits>

using namespace launchdeck;

namespace {

QByteArray frame(quint8 type, const QByteArray& payload)
{
    QByteArray header(8, '\0');
    header[0] = char(type);
    qToBigEndian<quint32>(quint32(payload.size()), header.data() + 4);
    return header + payload;
}

QJsonObject json(const char* text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

class TestDockerDecoding final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demuxesFramesSplitAtEveryOffset()
    {
        const QByteArray body = frame(1, "out one\nout ") + frame(2, "err one\n") +
                                frame(1, "two\n") + frame(2, "") + frame(2, "err\r\n");
        for (qsizetype cut = 0; cut <= body.size(); ++cut) {
            DockerLogDemuxer demuxer;
            QList<DockerLogLine> lines = demuxer.feed(QByteArrayView(body).first(cut));
            lines += demuxer.feed(QByteArrayView(body).sliced(cut));
            QCOMPARE(lines.size(), 4);
            QCOMPARE(lines.at(0).stream, DockerLogStream::Stdout);
            QCOMPARE(lines.at(0).text, QByteArray("out one"));
            QCOMPARE(lines.at(1).stream, DockerLogStream::Stderr);
            QCOMPARE(lines.at(1).text, QByteArray("err one"));
            QCOMPARE(lines.at(2).text, QByteArray("out two"));
            QCOMPARE(lines.at(2).stream, DockerLogStream::Stdout);
            QCOMPARE(lines.at(3).text, QByteArray("err"));
            QCOMPARE(lines.at(3).stream, DockerLogStream::Stderr);
            QCOMPARE(demuxer.pendingBytes(), 0);
        }
    }

    void demuxesByteByByte()
    {
        const QByteArray body = frame(2, "a\nb\n") + frame(1, "c\n");
        DockerLogDemuxer demuxer;
        QList<DockerLogLine> lines;
        for (char byte : body)
            lines += demuxer.feed(QByteArrayView(&byte, 1));
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(2).stream, DockerLogStream::Stdout);
        QCOMPARE(lines.at(2).text, QByteArray("c"));
    }

    void demuxesSeveralFramesInOneRead()
    {
        QByteArray body;
        for (int i = 0; i < 100; ++i)
            body += frame(i % 2 ? 2 : 1, QByteArray::number(i) + '\n');
        DockerLogDemuxer demuxer;
        const QList<DockerLogLine> lines = demuxer.feed(body);
        QCOMPARE(lines.size(), 100);
        QCOMPARE(lines.at(41).text, QByteArray("41"));
        QCOMPARE(lines.at(41).stream, DockerLogStream::Stderr);
        QCOMPARE(lines.at(42).stream, DockerLogStream::Stdout);
    }

    void reportsDaemonErrorFrames()
    {
        DockerLogDemuxer demuxer;
        const QList<DockerLogLine> lines = demuxer.feed(
            QByteArray(frame(1, "partial") + frame(3, "error from daemon in stream\n")));
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.at(0).stream, DockerLogStream::DaemonError);
        QCOMPARE(lines.at(0).text, QByteArray("error from daemon in stream"));
        const QList<DockerLogLine> rest = demuxer.flush();
        QCOMPARE(rest.size(), 1);
        QCOMPARE(rest.at(0).text, QByteArray("partial"));
    }

    void splitsTimestampsAndRawTtyStreams()
    {
        DockerLogDemuxer withTimestamps(true, true);
        const QList<DockerLogLine> lines =
            withTimestamps.feed(frame(1, "2024-05-01T10:20:30.123456789Z hello world\n"));
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.at(0).text, QByteArray("hello world"));
        QCOMPARE(lines.at(0).timestamp.toUTC().time(), QTime(10, 20, 30, 123));

        DockerLogDemuxer tty(false);
        QList<DockerLogLine> raw = tty.feed("one\ntw");
        raw += tty.feed("o\n");
        QCOMPARE(raw.size(), 2);
        QCOMPARE(raw.at(1).text, QByteArray("two"));
    }

    void computesCpuPercentLikeTheCli()
    {
        // The first streamed frame: precpu is zeroed, so no CPU figure yet.
        QCOMPARE(docker::cpuPercent(json(R"({"cpu_stats":{"cpu_usage":{"total_usage":5000},
            "system_cpu_usage":100000,"online_cpus":2},"precpu_stats":{"cpu_usage":
            {"total_usage":0}}})")),
                 0.0);
        // 1 core busy out of 4 for the interval: system delta counts all cores.
        const double busy = docker::cpuPercent(json(R"({"cpu_stats":{"cpu_usage":
            {"total_usage":2000000000},"system_cpu_usage":14000000000,"online_cpus":4},
            "precpu_stats":{"cpu_usage":{"total_usage":1000000000},
            "system_cpu_usage":10000000000}})"));
        QCOMPARE(busy, 100.0);
        // Without online_cpus the per-CPU list counts the cores.
        const double perCpu = docker::cpuPercent(json(R"({"cpu_stats":{"cpu_usage":
            {"total_usage":300,"percpu_usage":[1,1]},"system_cpu_usage":2000},
            "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000}})"));
        QCOMPARE(perCpu, 40.0);
    }

    void subtractsThePageCache()
    {
        QCOMPARE(docker::memoryUsedBytes(json(R"({"memory_stats":{"usage":1000,
            "stats":{"total_inactive_file":300}}})")),
                 700u);
        QCOMPARE(docker::memoryUsedBytes(json(R"({"memory_stats":{"usage":1000,
            "stats":{"inactive_file":400}}})")),
                 600u);
        QCOMPARE(docker::memoryUsedBytes(json(R"({"memory_stats":{"usage":1000,
            "stats":{"inactive_file":4000}}})")),
                 1000u);
        QCOMPARE(docker::memoryUsedBytes(json(R"({"memory_stats":{"usage":1000}})")), 1000u);
    }

    void sumsNetworkAndBlockIo()
    {
        const QJsonObject frameAt1 = json(R"({"read":"2024-05-01T10:00:01.000Z",
            "memory_stats":{"usage":200,"limit":1000},
            "networks":{"eth0":{"rx_bytes":100,"tx_bytes":10},"eth1":{"rx_bytes":50,"tx_bytes":5}},
            "blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":7},
            {"op":"Write","value":3},{"op":"read","value":1}]},"pids_stats":{"current":4}})");
        const QJsonObject frameAt3 = json(R"({"read":"2024-05-01T10:00:03.000Z",
            "networks":{"eth0":{"rx_bytes":350,"tx_bytes":30},"eth1":{"rx_bytes":100,"tx_bytes":5}}})");
        DockerStatsSample first = docker::statsSampleFromJson(frameAt1, QStringLiteral("c1"));
        QCOMPARE(first.networkRxBytes, 150u);
        QCOMPARE(first.networkTxBytes, 15u);
        QCOMPARE(first.blockReadBytes, 8u);
        QCOMPARE(first.blockWriteBytes, 3u);
        QCOMPARE(first.pids, 4u);
        QCOMPARE(first.memoryPercent, 20.0);
        docker::applyRates(DockerStatsSample(), first);
        QCOMPARE(first.networkRxBytesPerSecond, 0.0);
        DockerStatsSample second = docker::statsSampleFromJson(frameAt3, QStringLiteral("c1"));
        docker::applyRates(first, second);
        QCOMPARE(second.networkRxBytesPerSecond, 150.0);
        QCOMPARE(second.networkTxBytesPerSecond, 10.0);
    }

    void saturatesCountersBeyondTheirRange()
    {
        // No daemon sends these, but a broken proxy may: a counter past 2^64 reads as the largest
        // one, not as whatever an out-of-range conversion leaves (0 on x86-64).
        constexpr quint64 largest = std::numeric_limits<quint64>::max();
        const DockerStatsSample sample =
            docker::statsSampleFromJson(json(R"({"memory_stats":{"usage":1e30,"limit":1e300},
            "networks":{"eth0":{"rx_bytes":1e20,"tx_bytes":-5}},"pids_stats":{"current":1e19}})"),
                                        QStringLiteral("c1"));
        QCOMPARE(sample.memoryUsedBytes, largest);
        QCOMPARE(sample.memoryLimitBytes, largest);
        QCOMPARE(sample.memoryPercent, 100.0);
        QCOMPARE(sample.networkRxBytes, largest);
        QCOMPARE(sample.networkTxBytes, 0u);
        QCOMPARE(sample.pids, quint64(1e19));
    }

    void splitsEventLines()
    {
        const QByteArray body =
            R"({"Type":"container","Action":"create","Actor":{"ID":"abc","Attributes":)"
            R"({"name":"web","image":"busybox:local"}},"time":1700000000,"timeNano":1700000000123456789})"
            "\n"
            R"({"Type":"container","Action":"health_status: healthy","Actor":{"ID":"abc"},"time":1700000001})"
            "\n";
        for (qsizetype cut = 0; cut <= body.size(); ++cut) {
            DockerJsonLineSplitter splitter;
            QList<QByteArray> lines = splitter.feed(QByteArrayView(body).first(cut));
            lines += splitter.feed(QByteArrayView(body).sliced(cut));
            QCOMPARE(lines.size(), 2);
            QVERIFY(splitter.takeRest().isEmpty());
        }
        DockerJsonLineSplitter splitter;
        const QList<QByteArray> lines = splitter.feed(body);
        const Result<DockerEvent> create = parseDockerEvent(lines.at(0));
        QVERIFY(create.ok());
        QCOMPARE(create->action, QStringLiteral("create"));
        QCOMPARE(create->attributes.value(QStringLiteral("name")), QStringLiteral("web"));
        QCOMPARE(create->time.toMSecsSinceEpoch(), 1700000000123);
        const Result<DockerEvent> health = parseDockerEvent(lines.at(1));
        QVERIFY(health.ok());
        QCOMPARE(health->action, QStringLiteral("health_status: healthy"));
        QVERIFY(!parseDockerEvent("{not json").ok());
        QVERIFY(!parseDockerEvent(R"({"Type":"container"})").ok());
    }

    void parsesEndpoints()
    {
        const Result<DockerEndpoint> local =
            DockerEndpoint::parse(QStringLiteral("unix:///var/run/docker.sock"));
        QVERIFY(local.ok());
        QCOMPARE(local->kind, DockerEndpoint::Kind::Unix);
        QCOMPARE(local->url(QStringLiteral("1.41"), QStringLiteral("/_ping")),
                 QByteArray("http://localhost/v1.41/_ping"));
        QCOMPARE(local->toString(), QStringLiteral("unix:///var/run/docker.sock"));

        const Result<DockerEndpoint> tcp = DockerEndpoint::parse(QStringLiteral("tcp://10.1.2.3"));
        QVERIFY(tcp.ok());
        QCOMPARE(tcp->port, 2375);
        QCOMPARE(tcp->url({}, QStringLiteral("/version")),
                 QByteArray("http://10.1.2.3:2375/version"));

        QTemporaryDir certs;
        for (const char* name : {"ca.pem", "cert.pem", "key.pem"}) {
            QFile file(certs.filePath(QLatin1String(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        const Result<DockerEndpoint> secure =
            DockerEndpoint::parse(QStringLiteral("tcp://docker.example:2376"), true, certs.path());
        QVERIFY2(secure.ok(), qPrintable(secure.ok() ? QString() : secure.error().toString()));
        QVERIFY(secure->tls);
        QCOMPARE(secure->caFile, certs.filePath(QStringLiteral("ca.pem")));
        QCOMPARE(secure->url(QStringLiteral("1.41"), QStringLiteral("/info")),
                 QByteArray("https://docker.example:2376/v1.41/info"));

        const Result<DockerEndpoint> missingCerts =
            DockerEndpoint::parse(QStringLiteral("tcp://docker.example:2376"), true,
                                  certs.filePath(QStringLiteral("no")));
        QVERIFY(!missingCerts.ok());
        QVERIFY(missingCerts.error().message.contains(QStringLiteral("ca.pem")));
        QVERIFY(!DockerEndpoint::parse(QStringLiteral("ssh://host")).ok());
        QVERIFY(!DockerEndpoint::parse(QStringLiteral("unix://relative.sock")).ok());
        QVERIFY(!DockerEndpoint::parse(u"unix:///" + QString(120, u'x')).ok());
    }

    void readsTheEnvironment()
    {
        qputenv("DOCKER_HOST", "tcp://127.0.0.1:12375");
        qunsetenv("DOCKER_TLS_VERIFY");
        const Result<DockerEndpoint> endpoint = DockerEndpoint::fromEnvironment();
        qunsetenv("DOCKER_HOST");
        QVERIFY(endpoint.ok());
        QCOMPARE(endpoint->port, 12375);
        QVERIFY(!endpoint->tls);
        const Result<DockerEndpoint> fallback = DockerEndpoint::fromEnvironment();
        QVERIFY(fallback.ok());
        QCOMPARE(fallback->socketPath, QStringLiteral("/var/run/docker.sock"));
    }

    void wordsErrorsWithTheDaemonsMessage()
    {
        const Error notFound = docker::detail::httpError(
            404, R"({"message":"No such container: web"})", QStringLiteral("start container web"),
            QStringLiteral("unix:///run/d.sock POST /containers/web/start"));
        QCOMPARE(notFound.message,
                 QStringLiteral("cannot start container web: No such container: web (HTTP 404)"));
        QVERIFY(notFound.toString().startsWith(QStringLiteral("unix:///run/d.sock POST")));
        const Error plain = docker::detail::httpError(500, "boom\n", QStringLiteral("list images"),
                                                      QStringLiteral("x"));
        QCOMPARE(plain.message, QStringLiteral("cannot list images: boom (HTTP 500)"));
    }

    void buildsTheCreateBody()
    {
        DockerContainerSpec spec;
        spec.image = QStringLiteral("busybox:local");
        spec.cmd = {QStringLiteral("sleep"), QStringLiteral("60")};
        spec.env.insert(QStringLiteral("MODE"), QStringLiteral("test"));
        spec.ports.append(DockerPortMapping{80, QStringLiteral("tcp"), {}, 8080});
        spec.healthcheck =
            DockerHealthcheck{{QStringLiteral("CMD"), QStringLiteral("true")}, 1500, 2000, 0, 3};
        spec.memoryBytes = 64 * 1024 * 1024;
        spec.cpus = 0.5;
        spec.restartPolicy = QStringLiteral("on-failure");
        spec.restartMaxRetries = 2;
        const QJsonObject body = docker::containerCreateBody(spec);
        QCOMPARE(body.value(QStringLiteral("Env")).toArray().first().toString(),
                 QStringLiteral("MODE=test"));
        QCOMPARE(body[QStringLiteral("Healthcheck")][QStringLiteral("Interval")].toInteger(),
                 1500000000);
        const QJsonObject host = body.value(QStringLiteral("HostConfig")).toObject();
        QCOMPARE(host[QStringLiteral("PortBindings")][QStringLiteral("80/tcp")][0]
                     [QStringLiteral("HostPort")]
                         .toString(),
                 QStringLiteral("8080"));
        QCOMPARE(host.value(QStringLiteral("NanoCpus")).toInteger(), 500000000);
        QCOMPARE(host[QStringLiteral("RestartPolicy")][QStringLiteral("MaximumRetryCount")].toInt(),
                 2);
        QVERIFY(body.value(QStringLiteral("ExposedPorts"))
                    .toObject()
                    .contains(QStringLiteral("80/tcp")));
    }
};

QTEST_GUILESS_MAIN(TestDockerDecoding)
#include "tst_dockerdecoding.moc"
