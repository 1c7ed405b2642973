// The Prometheus client and server object against servers that fail: a refused port, bytes that
// are not HTTP, a server that never answers, an answer far over the size limit, answers of the
// wrong shape, Prometheus's error envelope with HTTP 422, and a TLS server with a self-signed
// certificate. Also what reaches the wire for sign-in, and that credentials never reach a
// message.
#include "prometheus/prometheusclient.h"
#include "prometheus/prometheusserver.h"

#include "fakes/localhttpserver.h"
#include "fakes/misbehavingserver.h"
#include "fakes/processmemory.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace launchdeck;
using namespace launchdeck::prometheus;
using launchdeck::test::MisbehavingServer;
using namespace std::chrono_literals;

namespace {

const QByteArray kEmptyVector =
    R"({"status":"success","data":{"resultType":"vector","result":[]}})";

ServerEndpoint endpointAt(const QString& url)
{
    ServerEndpoint endpoint;
    endpoint.url = url;
    endpoint.timeout = 5s;
    return endpoint;
}

QString errorOf(const auto& result)
{
    return result ? QStringLiteral("(no error)") : result.error().toString();
}

} // namespace

class TestPromClientFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void refusedPortNamesTheServer();
    void refusesGarbage();
    void timesOutOnSilence();
    void refusesAHugeAnswerAsItArrives();
    void refusesWrongShapes_data();
    void refusesWrongShapes();
    void readsTheEnvelopeOfA422();
    void sendsBearerAndBasicButNeverShowsThem();
    void postsLongQueries();
    void refusesAStepOverTheLimitBeforeAsking();
    void verifiesTls();
    void serverGoesDisconnectedAndBacksOff();
    void serverJoinsPromptlyWhileARequestHangs();

private:
    MisbehavingServer m_garbage{MisbehavingServer::Behaviour::AnswerGarbage};
    MisbehavingServer m_silent{MisbehavingServer::Behaviour::NeverAnswer};
    MisbehavingServer m_given{MisbehavingServer::Behaviour::AnswerGiven};
    MisbehavingServer m_huge{MisbehavingServer::Behaviour::AnswerHuge};
};

void TestPromClientFaults::initTestCase()
{
    QString error;
    QVERIFY2(m_garbage.start(&error), qPrintable(error));
    QVERIFY2(m_silent.start(&error), qPrintable(error));
    QVERIFY2(m_given.start(&error), qPrintable(error));
    QVERIFY2(m_huge.start(&error), qPrintable(error));
}

void TestPromClientFaults::refusedPortNamesTheServer()
{
    const QString url = u"http://127.0.0.1:" + QString::number(test::pickFreeLoopbackPort());
    const PrometheusClient client(endpointAt(url));
    const Result<QueryResult> result = client.query(QStringLiteral("up"));
    QVERIFY(!result);
    const QString message = result.error().toString();
    QVERIFY2(message.startsWith(u"Prometheus at " + url + u": connection refused"),
             qPrintable(message));
    QVERIFY2(message.endsWith(QStringLiteral("(/api/v1/query)")), qPrintable(message));
    QVERIFY(client.lastCallUnreachable());
    QVERIFY(client.lastQueryError().errorType.isEmpty());
}

void TestPromClientFaults::refusesGarbage()
{
    const PrometheusClient client(endpointAt(m_garbage.url(QString())));
    const Result<QStringList> names = client.labels();
    QVERIFY(!names);
    QVERIFY2(names.error().toString().contains(m_garbage.url(QString())),
             qPrintable(errorOf(names)));
    QVERIFY2(names.error().message.contains(QStringLiteral("not HTTP")),
             qPrintable(errorOf(names)));
}

void TestPromClientFaults::timesOutOnSilence()
{
    ServerEndpoint endpoint = endpointAt(m_silent.url(QString()));
    endpoint.timeout = 300ms;
    const PrometheusClient client(endpoint);
    QElapsedTimer timer;
    timer.start();
    const Result<QueryResult> result = client.query(QStringLiteral("up"));
    const qint64 elapsed = timer.elapsed();
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("timed out after 300 ms")),
             qPrintable(errorOf(result)));
    QVERIFY2(elapsed < 10'000, qPrintable(QString::number(elapsed) + u" ms"));
    QVERIFY(client.lastCallUnreachable());
}

void TestPromClientFaults::refusesAHugeAnswerAsItArrives()
{
    // The server would send 200 MiB without announcing a length: the limit applies to what
    // arrives, and the transfer stops there.
    ServerEndpoint endpoint = endpointAt(m_huge.url(QString()));
    endpoint.maxAnswerBytes = 8ll * 1024 * 1024;
    endpoint.timeout = 60s;
    const PrometheusClient client(endpoint);
    test::resetPeakResident();
    const qint64 before = test::peakResidentKiB();
    const Result<QueryResult> result =
        client.queryRange(QStringLiteral("huge"), QDateTime::fromSecsSinceEpoch(1700000000),
                          QDateTime::fromSecsSinceEpoch(1700003600), 15);
    const qint64 grown = test::peakResidentKiB() - before;
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(
                 QStringLiteral("the answer is larger than the limit of 8 MiB")),
             qPrintable(errorOf(result)));
    QVERIFY2(result.error().message.contains(QStringLiteral("(/api/v1/query_range)")),
             qPrintable(errorOf(result)));
    QVERIFY(!client.lastCallUnreachable());
    QVERIFY2(grown < 64 * 1024, qPrintable(QString::number(grown) + u" KiB more at the peak"));
    // The server stopped once the client let go (it queues a few pieces ahead).
    QTRY_VERIFY2(m_huge.hugeBytesSent() < MisbehavingServer::hugeAnswerBytes(),
                 qPrintable(QString::number(m_huge.hugeBytesSent())));

    // The default limit (64 MiB) holds as well.
    const PrometheusClient standard(endpointAt(m_huge.url(QString())));
    const Result<QueryResult> again = standard.query(QStringLiteral("huge"));
    QVERIFY(!again);
    QVERIFY2(again.error().message.contains(QStringLiteral("limit of 64 MiB")),
             qPrintable(errorOf(again)));
}

void TestPromClientFaults::refusesWrongShapes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("call");
    QTest::addColumn<QString>("expected");
    QTest::newRow("html") << 200 << QByteArray("text/html") << QByteArray("<html>hi</html>")
                          << "query"
                          << "the answer is not Prometheus's JSON (expected a JSON object at "
                             "byte 0) (/api/v1/query)";
    QTest::newRow("truncated") << 200 << QByteArray("application/json") << kEmptyVector.left(30)
                               << "query"
                               << "the answer is not Prometheus's JSON (the answer ends early";
    QTest::newRow("502 text") << 502 << QByteArray("text/plain; charset=utf-8")
                              << QByteArray("bad gateway\n") << "query"
                              << "answered HTTP 502 (bad gateway) (/api/v1/query)";
    QTest::newRow("404 html") << 404 << QByteArray("text/html") << QByteArray("<h1>no</h1>")
                              << "labels"
                              << "answered HTTP 404 (/api/v1/labels)";
    QTest::newRow("labels object")
        << 200 << QByteArray("application/json")
        << QByteArray(R"({"status":"success","data":{"a":1}})") << "labels"
        << "the answer is not Prometheus's JSON (\"data\" is not a list of names)";
    QTest::newRow("labels numbers")
        << 200 << QByteArray("application/json")
        << QByteArray(R"({"status":"success","data":[1,2]})") << "labels"
        << "a name that is not a string";
    QTest::newRow("labels not json")
        << 200 << QByteArray("application/json") << QByteArray("{\"status\":") << "labels"
        << "the answer is not Prometheus's JSON (";
    QTest::newRow("targets without list")
        << 200 << QByteArray("application/json") << QByteArray(R"({"status":"success","data":{}})")
        << "targets"
        << "no \"activeTargets\" list";
    QTest::newRow("metadata array") << 200 << QByteArray("application/json")
                                    << QByteArray(R"({"status":"success","data":[]})") << "metadata"
                                    << "\"data\" is not an object";
    QTest::newRow("series strings")
        << 200 << QByteArray("application/json")
        << QByteArray(R"({"status":"success","data":["a"]})") << "series"
        << "a series that is not an object";
}

void TestPromClientFaults::refusesWrongShapes()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, call);
    QFETCH(QString, expected);
    m_given.setAnswer(status, contentType, body);
    const PrometheusClient client(endpointAt(m_given.url(QString())));
    QString message;
    if (call == QLatin1String("query")) {
        const auto result = client.query(QStringLiteral("up"));
        QVERIFY(!result);
        message = result.error().toString();
    } else if (call == QLatin1String("labels")) {
        const auto result = client.labels();
        QVERIFY(!result);
        message = result.error().toString();
    } else if (call == QLatin1String("targets")) {
        const auto result = client.targets();
        QVERIFY(!result);
        message = result.error().toString();
    } else if (call == QLatin1String("metadata")) {
        const auto result = client.metadata();
        QVERIFY(!result);
        message = result.error().toString();
    } else {
        const auto result = client.series({QStringLiteral("up")});
        QVERIFY(!result);
        message = result.error().toString();
    }
    QVERIFY2(message.startsWith(u"Prometheus at " + m_given.url(QString()) + u": "),
             qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(!client.lastCallUnreachable());
}

void TestPromClientFaults::readsTheEnvelopeOfA422()
{
    m_given.setAnswer(
        422, "application/json",
        R"({"status":"error","errorType":"execution","error":"expanding series: query processing would load too many samples into memory"})");
    const PrometheusClient client(endpointAt(m_given.url(QString())));
    const Result<QueryResult> result = client.query(QStringLiteral("sum(up)"));
    QVERIFY(!result);
    QCOMPARE(result.error().toString(),
             u"Prometheus at " + m_given.url(QString()) +
                 u": execution: expanding series: query processing would load too many samples "
                 u"into memory (/api/v1/query)");
    QCOMPARE(client.lastQueryError().errorType, QStringLiteral("execution"));

    // The envelope of a small endpoint reads the same.
    m_given.setAnswer(400, "application/json",
                      R"({"status":"error","errorType":"bad_data","error":"1:3: parse error: x"})");
    const Result<QList<Labels>> series = client.series({QStringLiteral("up{")});
    QVERIFY(!series);
    QVERIFY2(series.error().message.startsWith(QStringLiteral("bad_data: 1:3: parse error: x")),
             qPrintable(errorOf(series)));
    QCOMPARE(client.lastQueryError().column, 3);
}

void TestPromClientFaults::sendsBearerAndBasicButNeverShowsThem()
{
    const QString token = QStringLiteral("t0ken-that-must-not-show");
    ServerEndpoint bearer = endpointAt(m_given.url(QString()));
    bearer.auth = ServerEndpoint::Auth::Bearer;
    bearer.secret = token;
    m_given.setAnswer(200, "application/json", kEmptyVector);
    QVERIFY(PrometheusClient(bearer).query(QStringLiteral("up")));
    QVERIFY2(m_given.lastRequest().contains(
                 QByteArray("\r\nAuthorization: Bearer " + token.toUtf8() + "\r\n")),
             m_given.lastRequest().constData());

    ServerEndpoint basic = endpointAt(m_given.url(QString()));
    basic.auth = ServerEndpoint::Auth::Basic;
    basic.username = QStringLiteral("ops");
    basic.secret = QStringLiteral("pa55-word-hidden");
    QVERIFY(PrometheusClient(basic).query(QStringLiteral("up")));
    const QByteArray encoded = QByteArray("ops:pa55-word-hidden").toBase64();
    QVERIFY2(
        m_given.lastRequest().contains(QByteArray("\r\nAuthorization: Basic " + encoded + "\r\n")),
        m_given.lastRequest().constData());

    // Whatever fails, no message holds the secret or its encoding.
    const QString refused = u"http://127.0.0.1:" + QString::number(test::pickFreeLoopbackPort());
    QStringList messages;
    for (ServerEndpoint endpoint : {bearer, basic}) {
        // A server that echoes what it was sent, as some proxies' error pages do.
        const QByteArray echoed =
            endpoint.auth == ServerEndpoint::Auth::Bearer
                ? QByteArray("Authorization: Bearer " + token.toUtf8())
                : QByteArray("Authorization: Basic " + encoded + " pa55-word-hidden");
        m_given.setAnswer(500, "text/plain", echoed);
        messages << PrometheusClient(endpoint).query(QStringLiteral("up")).error().toString();
        m_given.setAnswer(401, "application/json",
                          R"({"status":"error","errorType":"unauthorized","error":"no"})");
        messages << PrometheusClient(endpoint).labels().error().toString();
        endpoint.url = refused;
        messages << PrometheusClient(endpoint).ready().error().toString();
        endpoint.url = m_silent.url(QString());
        endpoint.timeout = 200ms;
        messages << PrometheusClient(endpoint).query(QStringLiteral("up")).error().toString();
    }
    for (const QString& message : std::as_const(messages)) {
        QVERIFY(!message.isEmpty());
        QVERIFY2(!message.contains(token), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("pa55-word-hidden")), qPrintable(message));
        QVERIFY2(!message.contains(QString::fromLatin1(encoded)), qPrintable(message));
    }
}

void TestPromClientFaults::postsLongQueries()
{
    m_given.setAnswer(200, "application/json", kEmptyVector);
    const PrometheusClient client(endpointAt(m_given.url(QString())));
    QVERIFY(client.query(QStringLiteral("up")));
    QVERIFY2(m_given.lastRequest().startsWith("GET /api/v1/query?query=up "),
             m_given.lastRequest().constData());

    QString longQuery = QStringLiteral("up");
    while (longQuery.size() < 5000)
        longQuery += QStringLiteral(" or up{job=\"j%1\"}").arg(longQuery.size());
    QVERIFY(client.query(longQuery));
    const QByteArray request = m_given.lastRequest();
    QVERIFY2(request.startsWith("POST /api/v1/query "), request.left(200).constData());
    QVERIFY(request.contains("\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
    QVERIFY(request.contains(QByteArray("\r\n\r\nquery=" + QUrl::toPercentEncoding(longQuery))));
}

void TestPromClientFaults::refusesAStepOverTheLimitBeforeAsking()
{
    const PrometheusClient client(endpointAt(m_given.url(QString())));
    const int before = m_given.connections();
    const QDateTime end = QDateTime::fromSecsSinceEpoch(1700000000);
    const Result<QueryResult> result =
        client.queryRange(QStringLiteral("up"), end.addDays(-30), end, 1);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(
                 QStringLiteral("a step of 1s over 30 days gives 2592001 points per series, over "
                                "Prometheus's limit of 11000; not asked")),
             qPrintable(errorOf(result)));
    QVERIFY(!client.queryRange(QStringLiteral("up"), end, end.addSecs(-1), 15));
    QVERIFY(!client.queryRange(QStringLiteral("up"), end.addSecs(-60), end, 0));
    QCOMPARE(m_given.connections(), before);
    // Exactly at the limit is asked.
    m_given.setAnswer(200, "application/json",
                      R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
    QVERIFY(client.queryRange(QStringLiteral("up"), end.addSecs(-10999), end, 1));
    QCOMPARE(m_given.connections(), before + 1);
}

void TestPromClientFaults::verifiesTls()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   key, QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                   QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    // packaging/install-deps.sh installs openssl: its absence is a broken machine, not a skip.
    QVERIFY2(openssl.waitForStarted(), "openssl could not be started; install-deps installs it");
    QVERIFY(openssl.waitForFinished(60'000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAllStandardError().constData());

    // openssl's own TLS server answers 200 with a status page to any GET.
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(QStringLiteral("openssl"),
                 {QStringLiteral("s_server"), QStringLiteral("-accept"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("-cert"), cert,
                  QStringLiteral("-key"), key, QStringLiteral("-www")});
    QVERIFY(server.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += server.readAll()).contains("ACCEPT"), 20'000);
    const QByteArray address =
        output.mid(output.indexOf("ACCEPT") + 7).split('\n').value(0).trimmed();
    const QString url = u"https://" + QString::fromLatin1(address);
    const auto stop = qScopeGuard([&server] {
        server.kill();
        server.waitForFinished();
    });

    ServerEndpoint endpoint = endpointAt(url);
    const Result<bool> refused = PrometheusClient(endpoint).ready();
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(QStringLiteral("TLS certificate is not trusted")),
             qPrintable(errorOf(refused)));
    QVERIFY2(refused.error().toString().contains(url), qPrintable(errorOf(refused)));

    endpoint.caFile = cert;
    const Result<bool> trusted = PrometheusClient(endpoint).ready();
    QVERIFY2(trusted, qPrintable(errorOf(trusted)));

    endpoint.caFile = dir.filePath(QStringLiteral("missing.pem"));
    const Result<bool> missing = PrometheusClient(endpoint).ready();
    QVERIFY(!missing);
    QVERIFY2(missing.error().message.contains(QStringLiteral("missing.pem")),
             qPrintable(errorOf(missing)));

    endpoint.caFile.clear();
    endpoint.verifyTls = false;
    const Result<bool> unverified = PrometheusClient(endpoint).ready();
    QVERIFY2(unverified, qPrintable(errorOf(unverified)));
}

void TestPromClientFaults::serverGoesDisconnectedAndBacksOff()
{
    const QString url = u"http://127.0.0.1:" + QString::number(test::pickFreeLoopbackPort());
    ServerOptions options;
    options.firstBackoffMs = 50;
    options.maxBackoffMs = 200;
    PrometheusServer server(QStringLiteral("staging"), endpointAt(url), options);
    QSignalSpy statuses(&server, &PrometheusServer::statusChanged);
    server.start();
    QTRY_VERIFY(server.status().attempt >= 4);
    const ServerStatus status = server.status();
    QVERIFY(status.state == ServerState::Disconnected || status.state == ServerState::Connecting);
    QVERIFY2(status.error.contains(url) && status.error.contains(QStringLiteral("refused")),
             qPrintable(status.error));
    QList<int> delays;
    for (const QList<QVariant>& signal : std::as_const(statuses)) {
        const auto one = signal.at(0).value<ServerStatus>();
        if (one.state == ServerState::Disconnected)
            delays.append(one.retryInMs);
    }
    QVERIFY(delays.size() >= 3);
    QCOMPARE(delays.mid(0, 4), (QList<int>{50, 100, 200, 200}).mid(0, qMin(4, delays.size())));

    // A query answers with the same kind of message and its own request id.
    QSignalSpy answers(&server, &PrometheusServer::queryAnswered);
    const quint64 request = server.query(QStringLiteral("up"));
    QTRY_COMPARE(answers.size(), 1);
    const auto answer = answers.at(0).at(0).value<QueryAnswer>();
    QCOMPARE(answer.request, request);
    QVERIFY(!answer.result);
    QVERIFY2(answer.error.contains(url), qPrintable(answer.error));
}

void TestPromClientFaults::serverJoinsPromptlyWhileARequestHangs()
{
    ServerEndpoint endpoint = endpointAt(m_silent.url(QString()));
    endpoint.timeout = 120s;
    auto server = std::make_unique<PrometheusServer>(QStringLiteral("silent"), endpoint);
    server->start();
    server->query(QStringLiteral("up"));
    server->labelValues(QStringLiteral("__name__"));
    QTRY_VERIFY(m_silent.connections() >= 3);
    QElapsedTimer timer;
    timer.start();
    server.reset();
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed < 5'000, qPrintable(QString::number(elapsed) + u" ms to join"));
}

QTEST_GUILESS_MAIN(TestPromClientFaults)
#include "tst_promclientfaults.moc"
