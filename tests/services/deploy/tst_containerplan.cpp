// Tests of the container plan: the revision configuration's JSON, the configuration drawn from a
// workspace, Docker names, identity labels, create specs and the configuration diff.
#include "deploy/containerplan.h"
#include "docker/dockerjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::deploy;

namespace {

// RevisionConfig's defaulted operator== is deleted while DockerPortMapping and DockerHealthcheck
// have none, so configurations are compared field by field; the first difference is named.
QString firstDifference(const RevisionConfig& a, const RevisionConfig& b)
{
    if (a.image != b.image)
        return QStringLiteral("image");
    if (a.env != b.env)
        return QStringLiteral("env");
    if (a.secretNames != b.secretNames)
        return QStringLiteral("secretNames");
    if (a.ports.size() != b.ports.size())
        return QStringLiteral("ports.size");
    for (qsizetype i = 0; i < a.ports.size(); ++i) {
        const DockerPortMapping& p = a.ports[i];
        const DockerPortMapping& q = b.ports[i];
        if (p.containerPort != q.containerPort || p.protocol != q.protocol ||
            p.hostIp != q.hostIp || p.hostPort != q.hostPort || p.publish != q.publish)
            return QStringLiteral("ports[%1]").arg(i);
    }
    if (a.healthcheck.has_value() != b.healthcheck.has_value())
        return QStringLiteral("healthcheck presence");
    if (a.healthcheck) {
        const DockerHealthcheck& h = *a.healthcheck;
        const DockerHealthcheck& k = *b.healthcheck;
        if (h.test != k.test || h.intervalMs != k.intervalMs || h.timeoutMs != k.timeoutMs ||
            h.startPeriodMs != k.startPeriodMs || h.retries != k.retries)
            return QStringLiteral("healthcheck");
    }
    if (a.healthPath != b.healthPath)
        return QStringLiteral("healthPath");
    if (a.healthPort != b.healthPort)
        return QStringLiteral("healthPort");
    if (a.memoryBytes != b.memoryBytes)
        return QStringLiteral("memoryBytes");
    if (a.cpus != b.cpus)
        return QStringLiteral("cpus");
    if (a.replicas != b.replicas)
        return QStringLiteral("replicas");
    if (a.network != b.network)
        return QStringLiteral("network");
    return {};
}

RevisionConfig webConfig()
{
    RevisionConfig config;
    config.image = QStringLiteral("shop/web:1.4.2");
    config.env = {{QStringLiteral("LOG_LEVEL"), QStringLiteral("info")},
                  {QStringLiteral("OLD"), QStringLiteral("1")}};
    config.secretNames = {QStringLiteral("SIGNING_KEY"), QStringLiteral("API_TOKEN")};
    config.ports = {DockerPortMapping{80, QStringLiteral("tcp"), {}, 0, false},
                    DockerPortMapping{9090, QStringLiteral("udp"), {}, 0, false}};
    config.healthcheck = DockerHealthcheck{
        {QStringLiteral("CMD-SHELL"),
         QStringLiteral("wget -q -O /dev/null http://127.0.0.1:80/healthz || exit 1")},
        5000,
        2000,
        0,
        3};
    config.healthPath = QStringLiteral("/healthz");
    config.healthPort = 80;
    config.memoryBytes = 268435456;
    config.cpus = 0.5;
    config.replicas = 2;
    config.network = QStringLiteral("launchdeck-production");
    return config;
}

ContainerIdentity webIdentity()
{
    return ContainerIdentity{QStringLiteral("web"),    QStringLiteral("production"), 7,
                             QStringLiteral("dep-42"), QStringLiteral("green"),      2};
}

const QByteArray kWorkspace = R"(version: 1
targets:
  local:
    type: docker
environments:
  production:
    target: local
    traffic: {listen: 127.0.0.1:8080}
    env:
      LOG_LEVEL: warn
      REGION: eu-west
applications:
  web:
    image: shop/web
    version: "1.4.2"
    ports: ["8080:80", "8081:80", "9090:9090/udp"]
    env:
      LOG_LEVEL: info
      CHECKOUT_URL: http://checkout.internal/
    secrets: [SIGNING_KEY]
    health_check: {http: /healthz, port: 80, interval: 5s, timeout: 3s, retries: 4, start_period: 10s}
    replicas: 2
    resources: {cpu: 500m, memory: 256Mi}
  api:
    image: shop/api
    ports: ["3000"]
    health_check: {http: "/ready?deep=1&fast=1"}
  worker:
    image: shop/worker
    health_check: {command: [pg_isready, -q]}
)";

} // namespace

class TestContainerPlan final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip_data()
    {
        QTest::addColumn<bool>("withHealthcheck");
        QTest::newRow("with healthcheck") << true;
        QTest::newRow("without healthcheck") << false;
    }
    void jsonRoundTrip()
    {
        QFETCH(bool, withHealthcheck);
        RevisionConfig config = webConfig();
        config.cpus = 0.25;
        config.memoryBytes = (qint64(1) << 40) + 3;
        config.env.insert(QStringLiteral("MULTI"), QStringLiteral("a\nb \"c\""));
        if (!withHealthcheck) {
            config.healthcheck.reset();
            config.healthPath.clear();
        }
        // Through text, as the ledger stores it.
        const QByteArray text = QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact);
        const auto back = RevisionConfig::fromJson(QJsonDocument::fromJson(text).object());
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().toString()));
        const QString difference = firstDifference(*back, config);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(back->toJson(), config.toJson());
    }

    void jsonKeys()
    {
        const QJsonObject object = webConfig().toJson();
        QStringList keys = object.keys();
        keys.sort();
        QCOMPARE(keys, (QStringList{QStringLiteral("cpus"), QStringLiteral("env"),
                                    QStringLiteral("health_path"), QStringLiteral("health_port"),
                                    QStringLiteral("healthcheck"), QStringLiteral("image"),
                                    QStringLiteral("memory_bytes"), QStringLiteral("network"),
                                    QStringLiteral("ports"), QStringLiteral("replicas"),
                                    QStringLiteral("secrets")}));
        QCOMPARE(object.value(u"memory_bytes").toInteger(), 268435456);
        const QJsonObject port = object.value(u"ports").toArray().at(1).toObject();
        QCOMPARE(port.value(u"container").toInt(), 9090);
        QCOMPARE(port.value(u"protocol").toString(), QStringLiteral("udp"));
        const QJsonObject check = object.value(u"healthcheck").toObject();
        QCOMPARE(check.value(u"interval_ms").toInteger(), 5000);
        QCOMPARE(check.value(u"retries").toInt(), 3);
        QCOMPARE(check.value(u"test").toArray().at(0).toString(), QStringLiteral("CMD-SHELL"));
    }

    void fromJsonErrors_data()
    {
        QTest::addColumn<QByteArray>("change"); // JSON object merged over a valid config
        QTest::addColumn<QString>("removed");   // key taken away first
        QTest::addColumn<QString>("field");
        QTest::newRow("missing image")
            << QByteArray("{}") << QStringLiteral("image") << QStringLiteral("image");
        QTest::newRow("image number")
            << QByteArray(R"({"image": 3})") << QString() << QStringLiteral("image");
        QTest::newRow("env value number")
            << QByteArray(R"({"env": {"A": 1}})") << QString() << QStringLiteral("env");
        QTest::newRow("secrets object")
            << QByteArray(R"({"secrets": {}})") << QString() << QStringLiteral("secrets");
        QTest::newRow("ports object")
            << QByteArray(R"({"ports": {}})") << QString() << QStringLiteral("ports");
        QTest::newRow("port container text")
            << QByteArray(R"({"ports": [{"container": 80}, {"container": "81"}]})") << QString()
            << QStringLiteral("ports[1].container");
        QTest::newRow("port container missing")
            << QByteArray(R"({"ports": [{"protocol": "tcp"}]})") << QString()
            << QStringLiteral("ports[0].container");
        QTest::newRow("port entry string")
            << QByteArray(R"({"ports": ["80"]})") << QString() << QStringLiteral("ports[0]");
        QTest::newRow("healthcheck retries fraction")
            << QByteArray(R"({"healthcheck": {"test": ["CMD", "true"], "retries": 2.5}})")
            << QString() << QStringLiteral("healthcheck.retries");
        QTest::newRow("healthcheck test strings")
            << QByteArray(R"({"healthcheck": {"test": ["CMD", 1]}})") << QString()
            << QStringLiteral("healthcheck.test");
        QTest::newRow("health port text")
            << QByteArray(R"({"health_port": "80"})") << QString() << QStringLiteral("health_port");
        QTest::newRow("memory negative")
            << QByteArray(R"({"memory_bytes": -1})") << QString() << QStringLiteral("memory_bytes");
        QTest::newRow("cpus text")
            << QByteArray(R"({"cpus": "0.5"})") << QString() << QStringLiteral("cpus");
        QTest::newRow("replicas text")
            << QByteArray(R"({"replicas": "two"})") << QString() << QStringLiteral("replicas");
        QTest::newRow("network bool")
            << QByteArray(R"({"network": true})") << QString() << QStringLiteral("network");
    }
    void fromJsonErrors()
    {
        QFETCH(QByteArray, change);
        QFETCH(QString, removed);
        QFETCH(QString, field);
        QJsonObject object = webConfig().toJson();
        object.remove(removed);
        const QJsonObject overlay = QJsonDocument::fromJson(change).object();
        for (auto it = overlay.begin(); it != overlay.end(); ++it)
            object.insert(it.key(), it.value());
        const auto result = RevisionConfig::fromJson(object);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(u"field '" + field + u'\''),
                 qPrintable(result.error().message));
        QCOMPARE(result.error().where, QStringLiteral("revision config"));
    }

    void fromJsonDefaults()
    {
        const auto result =
            RevisionConfig::fromJson(QJsonObject{{QStringLiteral("image"), QStringLiteral("a:1")}});
        QVERIFY(result.ok());
        QCOMPARE(result->image, QStringLiteral("a:1"));
        QCOMPARE(result->replicas, 1);
        QVERIFY(!result->healthcheck);
        QVERIFY(result->ports.isEmpty());
    }

    void configFromWorkspace()
    {
        Diagnostics out;
        const auto workspace = parseWorkspace(QStringLiteral("launchdeck.yaml"), kWorkspace, out);
        QVERIFY(workspace);
        QVERIFY2(out.isEmpty(), qPrintable(out.isEmpty() ? QString() : out[0].message));
        const Environment* production = workspace->environment(u"production");
        QVERIFY(production);

        const RevisionConfig web = revisionConfigFor(*workspace->application(u"web"), *production,
                                                     QStringLiteral("shop/web:1.5.0"));
        QCOMPARE(web.image, QStringLiteral("shop/web:1.5.0"));
        const QMap<QString, QString> env{
            {QStringLiteral("LOG_LEVEL"), QStringLiteral("info")}, // the application's wins
            {QStringLiteral("REGION"), QStringLiteral("eu-west")},
            {QStringLiteral("CHECKOUT_URL"), QStringLiteral("http://checkout.internal/")}};
        QCOMPARE(web.env, env);
        QCOMPARE(web.secretNames, QStringList{QStringLiteral("SIGNING_KEY")});
        QCOMPARE(web.ports.size(), 2); // 80 published twice is exposed once
        QCOMPARE(web.ports[0].containerPort, 80);
        QCOMPARE(web.ports[0].protocol, QStringLiteral("tcp"));
        QCOMPARE(web.ports[0].hostPort, 0);
        QCOMPARE(web.ports[1].containerPort, 9090);
        QCOMPARE(web.ports[1].protocol, QStringLiteral("udp"));
        QCOMPARE(web.healthPath, QStringLiteral("/healthz"));
        QCOMPARE(web.healthPort, 80);
        QVERIFY(web.healthcheck);
        QCOMPARE(web.healthcheck->test,
                 (QStringList{QStringLiteral("CMD-SHELL"),
                              QStringLiteral(
                                  "wget -q -O /dev/null http://127.0.0.1:80/healthz || exit 1")}));
        QCOMPARE(web.healthcheck->intervalMs, 5000);
        QCOMPARE(web.healthcheck->timeoutMs, 3000);
        QCOMPARE(web.healthcheck->startPeriodMs, 10000);
        QCOMPARE(web.healthcheck->retries, 4);
        QCOMPARE(web.memoryBytes, qint64(268435456));
        QCOMPARE(web.cpus, 0.5);
        QCOMPARE(web.replicas, 2);
        QCOMPARE(web.network, QStringLiteral("launchdeck-production"));

        // No health port: the first container port; a path the shell would split is quoted.
        const RevisionConfig api = revisionConfigFor(*workspace->application(u"api"), *production,
                                                     QStringLiteral("shop/api:2"));
        QCOMPARE(api.healthPort, 3000);
        QCOMPARE(api.healthPath, QStringLiteral("/ready?deep=1&fast=1"));
        QVERIFY(api.healthcheck);
        QCOMPARE(api.healthcheck->test.at(1),
                 QStringLiteral(
                     "wget -q -O /dev/null 'http://127.0.0.1:3000/ready?deep=1&fast=1' || exit 1"));
        QCOMPARE(api.healthcheck->intervalMs, 10000); // HealthCheck's defaults
        QCOMPARE(api.healthcheck->retries, 3);
        QCOMPARE(api.memoryBytes, qint64(0));
        QCOMPARE(api.cpus, 0.0);
        QCOMPARE(api.replicas, 1);
        QCOMPARE(api.env,
                 (QMap<QString, QString>{{QStringLiteral("LOG_LEVEL"), QStringLiteral("warn")},
                                         {QStringLiteral("REGION"), QStringLiteral("eu-west")}}));

        const RevisionConfig worker = revisionConfigFor(
            *workspace->application(u"worker"), *production, QStringLiteral("shop/worker:1"));
        QVERIFY(worker.healthPath.isEmpty());
        QVERIFY(worker.healthcheck);
        QCOMPARE(worker.healthcheck->test,
                 (QStringList{QStringLiteral("CMD"), QStringLiteral("pg_isready"),
                              QStringLiteral("-q")}));
        QVERIFY(worker.ports.isEmpty());
    }

    void containerNames_data()
    {
        QTest::addColumn<QString>("application");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << QStringLiteral("web") << QStringLiteral("production")
                               << QStringLiteral("web-production-r7-green2");
        QTest::newRow("space slash accent")
            << QStringLiteral("web app/\u00e9") << QStringLiteral("prod")
            << QStringLiteral("web-app---prod-r7-green2");
        QTest::newRow("kept punctuation") << QStringLiteral("my_app.v2") << QStringLiteral("qa")
                                          << QStringLiteral("my_app.v2-qa-r7-green2");
        QTest::newRow("leading underscore") << QStringLiteral("_svc") << QStringLiteral("dev")
                                            << QStringLiteral("svc-dev-r7-green2");
        QTest::newRow("percent") << QStringLiteral("a%1") << QStringLiteral("e%2")
                                 << QStringLiteral("a-1-e-2-r7-green2");
    }
    void containerNames()
    {
        QFETCH(QString, application);
        QFETCH(QString, environment);
        QFETCH(QString, expected);
        ContainerIdentity identity = webIdentity();
        identity.application = application;
        identity.environment = environment;
        const QString name = containerName(identity);
        QCOMPARE(name, expected);
        static const QRegularExpression docker(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$"));
        QVERIFY(docker.match(name).hasMatch());
        QVERIFY(docker.match(environmentNetwork(environment)).hasMatch());
    }

    void networkName()
    {
        QCOMPARE(environmentNetwork(QStringLiteral("production")),
                 QStringLiteral("launchdeck-production"));
    }

    void labelsRoundTrip()
    {
        const ContainerIdentity identity = webIdentity();
        QMap<QString, QString> map = identityLabels(identity);
        QCOMPARE(map.size(), 6);
        QCOMPARE(map.value(QStringLiteral("launchdeck.revision")), QStringLiteral("7"));
        QCOMPARE(map.value(QStringLiteral("launchdeck.replica")), QStringLiteral("2"));
        QCOMPARE(map.value(QStringLiteral("launchdeck.group")), QStringLiteral("green"));
        QCOMPARE(map.value(QStringLiteral("launchdeck.deployment")), QStringLiteral("dep-42"));
        map.insert(QStringLiteral("com.example.other"), QStringLiteral("x"));
        const auto back = identityFromLabels(map);
        QVERIFY(back);
        QCOMPARE(*back, identity);
    }

    void labelsMissing()
    {
        const QMap<QString, QString> full = identityLabels(webIdentity());
        for (const QString& key : full.keys()) {
            QMap<QString, QString> partial = full;
            partial.remove(key);
            QVERIFY2(!identityFromLabels(partial), qPrintable(key));
        }
        QMap<QString, QString> badNumber = full;
        badNumber.insert(QStringLiteral("launchdeck.revision"), QStringLiteral("seven"));
        QVERIFY(!identityFromLabels(badNumber));
        QVERIFY(!identityFromLabels({}));
    }

    void filter()
    {
        const QJsonObject filter = pairFilter(QStringLiteral("web"), QStringLiteral("production"));
        QCOMPARE(QJsonDocument(filter).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"label":["launchdeck.application=web",)"
                            R"("launchdeck.environment=production"]})"));
    }

    void specOnLoopback()
    {
        const RevisionConfig config = webConfig();
        const QMap<QString, QString> secrets{
            {QStringLiteral("SIGNING_KEY"), QStringLiteral("s3cret")},
            {QStringLiteral("UNRELATED"), QStringLiteral("x")}};
        const DockerContainerSpec spec =
            containerSpec(config, webIdentity(), secrets, true, {{80, 8080}});
        QCOMPARE(spec.name, QStringLiteral("web-production-r7-green2"));
        QCOMPARE(spec.image, config.image);
        QCOMPARE(spec.env.value(QStringLiteral("SIGNING_KEY")), QStringLiteral("s3cret"));
        QCOMPARE(spec.env.value(QStringLiteral("LOG_LEVEL")), QStringLiteral("info"));
        QVERIFY(!spec.env.contains(QStringLiteral("API_TOKEN"))); // no value known
        QVERIFY(!spec.env.contains(QStringLiteral("UNRELATED"))); // not a secret of the config
        QCOMPARE(spec.env.size(), config.env.size() + 1);
        QCOMPARE(spec.labels, identityLabels(webIdentity()));
        QCOMPARE(spec.ports.size(), 2);
        for (const DockerPortMapping& port : spec.ports) {
            QCOMPARE(port.hostIp, QStringLiteral("127.0.0.1"));
            QCOMPARE(port.hostPort, 0);
            QVERIFY(port.publish);
        }
        QCOMPARE(spec.ports[1].protocol, QStringLiteral("udp"));
        QVERIFY(spec.healthcheck);
        QCOMPARE(spec.healthcheck->test, config.healthcheck->test);
        QCOMPARE(spec.memoryBytes, config.memoryBytes);
        QCOMPARE(spec.cpus, 0.5);
        QCOMPARE(spec.restartPolicy, QStringLiteral("unless-stopped"));
        QCOMPARE(spec.networkMode, QStringLiteral("launchdeck-production"));

        // On the wire: every port bound on loopback with the host port left to the daemon.
        const QJsonObject host = docker::containerCreateBody(spec).value(u"HostConfig").toObject();
        const QJsonObject bindings = host.value(u"PortBindings").toObject();
        QCOMPARE(bindings.size(), 2);
        const QJsonObject binding = bindings.value(u"80/tcp").toArray().at(0).toObject();
        QCOMPARE(binding.value(u"HostIp").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(binding.value(u"HostPort").toString(), QString());
        QCOMPARE(host.value(u"NetworkMode").toString(), QStringLiteral("launchdeck-production"));
    }

    void specAsDeclared()
    {
        const DockerContainerSpec spec =
            containerSpec(webConfig(), webIdentity(), {}, false, {{80, 8080}});
        QCOMPARE(spec.ports.size(), 2);
        QCOMPARE(spec.ports[0].containerPort, 80);
        QCOMPARE(spec.ports[0].hostPort, 8080);
        QVERIFY(spec.ports[0].hostIp.isEmpty());
        QVERIFY(!spec.ports[0].publish);
        QCOMPARE(spec.ports[1].containerPort, 9090);
        QCOMPARE(spec.ports[1].hostPort, 0);
        QVERIFY(!spec.ports[1].publish);
        QVERIFY(!spec.env.contains(QStringLiteral("SIGNING_KEY")));

        const QJsonObject body = docker::containerCreateBody(spec);
        const QJsonObject bindings =
            body.value(u"HostConfig").toObject().value(u"PortBindings").toObject();
        QCOMPARE(bindings.keys(), QStringList{QStringLiteral("80/tcp")});
        QCOMPARE(bindings.value(u"80/tcp").toArray().at(0).toObject().value(u"HostPort").toString(),
                 QStringLiteral("8080"));
        QVERIFY(body.value(u"ExposedPorts").toObject().contains(u"9090/udp"));
    }

    void diffImageAndEnv()
    {
        const RevisionConfig from = webConfig();
        RevisionConfig to = webConfig();
        to.image = QStringLiteral("shop/web:1.5.0");
        to.env.insert(QStringLiteral("LOG_LEVEL"), QStringLiteral("debug"));
        to.env.remove(QStringLiteral("OLD"));
        to.env.insert(QStringLiteral("NEW"), QStringLiteral("x"));
        const QStringList expected{
            QStringLiteral("- image: shop/web:1.4.2"),
            QStringLiteral("+ image: shop/web:1.5.0"),
            QStringLiteral("  replicas: 2"),
            QStringLiteral("  ports: 80/tcp, 9090/udp"),
            QStringLiteral("- env LOG_LEVEL=info"),
            QStringLiteral("+ env LOG_LEVEL=debug"),
            QStringLiteral("+ env NEW=x"),
            QStringLiteral("- env OLD=1"),
            QStringLiteral("  secret API_TOKEN"),
            QStringLiteral("  secret SIGNING_KEY"),
            QStringLiteral("  health: GET :80/healthz, every 5s, timeout 2s, start period 0s, 3 "
                           "retries"),
            QStringLiteral("  memory: 256Mi"),
            QStringLiteral("  cpus: 0.5"),
            QStringLiteral("  network: launchdeck-production"),
        };
        QCOMPARE(configDiff(from, to), expected);
    }

    void diffOtherFields()
    {
        const RevisionConfig from = webConfig();
        RevisionConfig to = webConfig();
        to.replicas = 3;
        to.secretNames = QStringList{QStringLiteral("SIGNING_KEY"), QStringLiteral("DB_PASSWORD")};
        to.memoryBytes = qint64(1) << 30;
        to.healthcheck.reset();
        to.healthPath.clear();
        const QStringList lines = configDiff(from, to);
        QVERIFY(lines.contains(QStringLiteral("- replicas: 2")));
        QVERIFY(lines.contains(QStringLiteral("+ replicas: 3")));
        QVERIFY(lines.contains(QStringLiteral("- secret API_TOKEN")));
        QVERIFY(lines.contains(QStringLiteral("+ secret DB_PASSWORD")));
        QVERIFY(lines.contains(QStringLiteral("  secret SIGNING_KEY")));
        QVERIFY(lines.contains(QStringLiteral("+ health: none")));
        QVERIFY(lines.contains(QStringLiteral("+ memory: 1Gi")));
        QVERIFY(lines.contains(QStringLiteral("  cpus: 0.5")));
        // Unchanged configurations diff to unchanged lines only.
        for (const QString& line : configDiff(to, to))
            QVERIFY2(line.startsWith(u"  "), qPrintable(line));
    }

    void diffFirstDeployment()
    {
        RevisionConfig config;
        config.image = QStringLiteral("shop/worker:1");
        config.env = {{QStringLiteral("MODE"), QStringLiteral("a\nb")}};
        config.secretNames = {QStringLiteral("TOKEN")};
        config.healthcheck = DockerHealthcheck{
            {QStringLiteral("CMD"), QStringLiteral("pg_isready"), QStringLiteral("-q")},
            10000,
            2000,
            5000,
            3};
        const QStringList expected{
            QStringLiteral("+ image: shop/worker:1"),
            QStringLiteral("+ replicas: 1"),
            QStringLiteral("+ ports: none"),
            QStringLiteral("+ env MODE=a\\nb"),
            QStringLiteral("+ secret TOKEN"),
            QStringLiteral("+ health: command 'pg_isready -q', every 10s, timeout 2s, start "
                           "period 5s, 3 retries"),
            QStringLiteral("+ memory: unlimited"),
            QStringLiteral("+ cpus: unlimited"),
            QStringLiteral("+ network: default"),
        };
        QCOMPARE(configDiff(std::nullopt, config), expected);
    }
};

QTEST_GUILESS_MAIN(TestContainerPlan)
#include "tst_containerplan.moc"
