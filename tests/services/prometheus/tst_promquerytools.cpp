// Tests of the step of range queries (never over Prometheus's point limit, never under the
// minimum, tidy), of query variables, and of endpoints made from the workspace's servers.
#include "prometheus/querystep.h"
#include "prometheus/serverendpoints.h"

#include <QTest>

#include <cmath>

using namespace launchdeck;
using namespace launchdeck::prometheus;
using namespace std::chrono_literals;

class TestPromQueryTools final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stepStaysWithinTheLimit();
    void stepFollowsTheWidth();
    void expandsVariables();
    void makesEndpoints();
    void refusesMissingSecrets();
};

namespace {

bool isTidy(double step)
{
    static const QList<double> tidy{1,     2,     5,     10,    15,     30,    60,
                                    120,   300,   600,   900,   1800,   3600,  7200,
                                    10800, 21600, 43200, 86400, 172800, 604800};
    return tidy.contains(step) || (step > 604800 && std::fmod(step, 86400) == 0);
}

} // namespace

void TestPromQueryTools::stepStaysWithinTheLimit()
{
    const QList<std::chrono::milliseconds> windows{1min,     5min,      15min,    1h,
                                                   6h,       24h,       7 * 24h,  30 * 24h,
                                                   90 * 24h, 365 * 24h, 123457ms, 10 * 365 * 24h};
    const QList<int> widths{1, 2, 3, 100, 399, 800, 1600, 1920, 3840, 7999, 8000};
    const QList<double> minimums{0, 0.5, 1, 7, 15, 60};
    for (const auto window : windows) {
        for (const int width : widths) {
            for (const double minimum : minimums) {
                const double step = chooseStep(window, width, minimum);
                const double points = std::floor(double(window.count()) / 1000.0 / step) + 1;
                const QString what = QStringLiteral("window %1 ms, %2 px, minimum %3 s: step %4 s")
                                         .arg(window.count())
                                         .arg(width)
                                         .arg(minimum)
                                         .arg(step);
                QVERIFY2(points <= kMaxPointsPerSeries, qPrintable(what));
                QVERIFY2(step >= minimum, qPrintable(what));
                QVERIFY2(isTidy(step), qPrintable(what));
            }
        }
    }
}

void TestPromQueryTools::stepFollowsTheWidth()
{
    // About one point per two pixels, rounded up to a tidy value.
    QCOMPARE(chooseStep(1h, 1600), 5.0);    // 4.5 s wanted
    QCOMPARE(chooseStep(1h, 800), 10.0);    // 9 s
    QCOMPARE(chooseStep(24h, 1600), 120.0); // 108 s
    QCOMPARE(chooseStep(5min, 1600), 1.0);
    QCOMPARE(chooseStep(5min, 1600, 15), 15.0);
    QCOMPARE(chooseStep(30 * 24h, 8000, 1), 900.0); // 648 s
    // Wider than two pixels per allowed point, the limit decides: 2592000 s ÷ 10999 ≈ 236 s.
    QCOMPARE(chooseStep(30 * 24h, 100'000, 1), 300.0);
}

void TestPromQueryTools::expandsVariables()
{
    const QMap<QString, QString> values{{QStringLiteral("app"), QStringLiteral("web")},
                                        {QStringLiteral("env"), QStringLiteral("staging")},
                                        {QStringLiteral("application"), QStringLiteral("long")},
                                        {QStringLiteral("pod"), QStringLiteral("$env")}};
    QCOMPARE(
        expandVariables(QStringLiteral(R"(rate(http_total{app="$app",env="${env}"}[5m]))"), values),
        QStringLiteral(R"(rate(http_total{app="web",env="staging"}[5m]))"));
    QCOMPARE(expandVariables(QStringLiteral("$application $app"), values),
             QStringLiteral("long web"));
    // Names not given stay; a value holding a variable is not expanded again.
    QCOMPARE(expandVariables(QStringLiteral("$revision ${namespace} $app_x $ $pod"), values),
             QStringLiteral("$revision ${namespace} $app_x $ $env"));
    QCOMPARE(expandVariables(QStringLiteral("${app"), values), QStringLiteral("${app"));
    QCOMPARE(expandVariables(QStringLiteral("up$"), values), QStringLiteral("up$"));
}

void TestPromQueryTools::makesEndpoints()
{
    MonitoringServer server;
    server.url = QStringLiteral("https://prom.example:9090/prefix");
    server.auth.kind = ServerAuth::Kind::Basic;
    server.auth.username = QStringLiteral("ops");
    server.auth.secret = QStringLiteral("PROM_PASSWORD");
    server.tls.caFile = QStringLiteral("ca.pem");
    server.tls.certFile = QStringLiteral("client.pem");
    server.tls.keyFile = QStringLiteral("client.key");
    server.tls.verify = false;
    const Result<ServerEndpoint> endpoint = endpointOf(server, [](const QString& name) {
        return name == QLatin1String("PROM_PASSWORD")
                   ? std::optional<QString>(QStringLiteral("s3cret"))
                   : std::nullopt;
    });
    QVERIFY2(endpoint, qPrintable(endpoint ? QString() : endpoint.error().toString()));
    QCOMPARE(endpoint->url, server.url);
    QCOMPARE(endpoint->auth, ServerEndpoint::Auth::Basic);
    QCOMPARE(endpoint->username, QStringLiteral("ops"));
    QCOMPARE(endpoint->secret, QStringLiteral("s3cret"));
    QCOMPARE(endpoint->caFile, QStringLiteral("ca.pem"));
    QCOMPARE(endpoint->certFile, QStringLiteral("client.pem"));
    QCOMPARE(endpoint->keyFile, QStringLiteral("client.key"));
    QCOMPARE(endpoint->verifyTls, false);

    MonitoringServer bearer;
    bearer.url = QStringLiteral("http://127.0.0.1:9090");
    bearer.auth.kind = ServerAuth::Kind::Bearer;
    bearer.auth.secret = QStringLiteral("TOKEN");
    const Result<ServerEndpoint> withToken = endpointOf(
        bearer, [](const QString&) { return std::optional<QString>(QStringLiteral("t0ken")); });
    QVERIFY(withToken);
    QCOMPARE(withToken->auth, ServerEndpoint::Auth::Bearer);
    QCOMPARE(withToken->secret, QStringLiteral("t0ken"));
    QVERIFY(withToken->verifyTls);

    MonitoringServer plain;
    plain.url = QStringLiteral("http://127.0.0.1:9090");
    const Result<ServerEndpoint> none = endpointOf(plain, {});
    QVERIFY(none);
    QCOMPARE(none->auth, ServerEndpoint::Auth::None);
    QVERIFY(none->secret.isEmpty());
}

void TestPromQueryTools::refusesMissingSecrets()
{
    MonitoringServer server;
    server.url = QStringLiteral("http://user:pw@127.0.0.1:9090");
    server.auth.kind = ServerAuth::Kind::Bearer;
    server.auth.secret = QStringLiteral("PROM_TOKEN");
    const Result<ServerEndpoint> missing =
        endpointOf(server, [](const QString&) { return std::optional<QString>(); });
    QVERIFY(!missing);
    const QString message = missing.error().toString();
    QVERIFY2(message.contains(QStringLiteral("PROM_TOKEN")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("http://127.0.0.1:9090")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("pw")), qPrintable(message));

    server.auth.kind = ServerAuth::Kind::Basic;
    const Result<ServerEndpoint> noUser = endpointOf(
        server, [](const QString&) { return std::optional<QString>(QStringLiteral("x")); });
    QVERIFY(!noUser);
    QVERIFY2(noUser.error().message.contains(QStringLiteral("username")),
             qPrintable(noUser.error().message));

    MonitoringServer unnamed;
    unnamed.url = QStringLiteral("http://127.0.0.1:9090");
    unnamed.auth.kind = ServerAuth::Kind::Bearer;
    const Result<ServerEndpoint> noName = endpointOf(
        unnamed, [](const QString&) { return std::optional<QString>(QStringLiteral("x")); });
    QVERIFY(!noName);
    QVERIFY2(noName.error().message.contains(QStringLiteral("token")),
             qPrintable(noName.error().message));
}

QTEST_GUILESS_MAIN(TestPromQueryTools)
#include "tst_promquerytools.moc"
