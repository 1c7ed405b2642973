// Tests of Compose validation: schema findings at their lines, semantics, policies and levels.
#include "compose/composeinterpolation.h"
#include "compose/composevalidator.h"
#include "compose/yamljson.h"
#include "core/yamlsource.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace launchdeck;

namespace {

// A file every check accepts at the strict level.
const char cleanCompose[] = // moc of Qt 6.4 loses its way in raw string literals
    "services:\n"
    "  web:\n"
    "    image: shop/web:1.4.2\n"
    "    read_only: true\n"
    "    tmpfs: [/tmp]\n"
    "    ports:\n"
    "      - \"8080:80\"\n"
    "    environment:\n"
    "      DATABASE_HOST: db\n"
    "      DATABASE_PASSWORD: ${DB_PASSWORD}\n"
    "    depends_on:\n"
    "      db:\n"
    "        condition: service_healthy\n"
    "    networks: [backend]\n"
    "    healthcheck:\n"
    "      test: [\"CMD\", \"wget\", \"-q\", \"-O-\", \"http://localhost/healthz\"]\n"
    "      interval: 10s\n"
    "      retries: 3\n"
    "    deploy:\n"
    "      resources:\n"
    "        limits: {cpus: \"0.5\", memory: 256M}\n"
    "  db:\n"
    "    image: postgres:15.4\n"
    "    read_only: true\n"
    "    restart: unless-stopped\n"
    "    volumes:\n"
    "      - dbdata:/var/lib/postgresql/data\n"
    "      - ./init:/docker-entrypoint-initdb.d:ro\n"
    "    networks: [backend]\n"
    "    healthcheck:\n"
    "      test: [\"CMD-SHELL\", \"pg_isready -U app\"]\n"
    "    cpus: 1\n"
    "    mem_limit: 512m\n"
    "networks:\n"
    "  backend: {internal: true}\n"
    "volumes:\n"
    "  dbdata: {}\n";

Diagnostics validate(const QByteArray& text, ValidationLevel level = ValidationLevel::Strict)
{
    Diagnostics out;
    const YamlFile file = parseYaml(QStringLiteral("compose.yaml"), text, out);
    validateCompose(file, level, out);
    return out;
}

// A service body that passes every standard check, for tests that change one thing.
QByteArray service(const QByteArray& extra, const QByteArray& image = "busybox:1.36")
{
    return "services:\n  app:\n    image: " + image + "\n    cpus: 1\n    mem_limit: 64m\n" + extra;
}

QList<Diagnostic> withRule(const Diagnostics& all, const QString& rule)
{
    QList<Diagnostic> found;
    for (const Diagnostic& d : all) {
        if (d.rule == rule)
            found.append(d);
    }
    return found;
}

QString dump(const Diagnostics& all)
{
    QStringList lines;
    for (const Diagnostic& d : all)
        lines.append(formatDiagnostic(d));
    return lines.join(u'\n');
}

} // namespace

class TestCompose final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void yamlTyping()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("t.yaml"),
                                        "a: 12\nb: 1.5\nc: true\nd: ~\ne:\nf: '12'\ng: \"true\"\n"
                                        "h: yes\ni: 0x1F\nj: [1, x]\nk: !!str 7\nl: 1e3\n",
                                        out);
        QVERIFY(out.isEmpty());
        const YamlJson json = yamlToJson(file.documents.first().root);
        const QJsonObject o = json.value.toObject();
        QCOMPARE(o.value(u"a"), QJsonValue(12));
        QCOMPARE(o.value(u"b"), QJsonValue(1.5));
        QCOMPARE(o.value(u"c"), QJsonValue(true));
        QVERIFY(o.value(u"d").isNull());
        QVERIFY(o.value(u"e").isNull());
        QCOMPARE(o.value(u"f"), QJsonValue(QStringLiteral("12")));
        QCOMPARE(o.value(u"g"), QJsonValue(QStringLiteral("true")));
        QCOMPARE(o.value(u"h"), QJsonValue(QStringLiteral("yes"))); // YAML 1.1 only
        QCOMPARE(o.value(u"i"), QJsonValue(31));
        QCOMPARE(o.value(u"j").toArray().at(1), QJsonValue(QStringLiteral("x")));
        QCOMPARE(o.value(u"k"), QJsonValue(QStringLiteral("7")));
        QCOMPARE(o.value(u"l"), QJsonValue(1000.0));
        QCOMPARE(yamlLine(json.nodes.value(QStringLiteral("/j/1"))), 10);
        QCOMPARE(jsonPointer({QStringLiteral("a/b"), QStringLiteral("c~")}), u"/a~1b/c~0");
        QCOMPARE(jsonPointerSegments(QStringLiteral("/a~1b/c~0")),
                 QStringList({QStringLiteral("a/b"), QStringLiteral("c~")}));
    }

    // The keys of every mapping are kept while its values are converted, which adds the keys of
    // the mappings inside them to the same table: a mapping's own keys must all be there
    // however much the table grew meanwhile (it once wrote through a stale reference).
    void keysSurviveNestedMappings()
    {
        QByteArray text = "first:\n";
        for (int i = 0; i < 300; ++i)
            text += "  m" + QByteArray::number(i) + ": {a: 1}\n";
        text += "second: 2\nthird: 3\n";
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("t.yaml"), text, out);
        QVERIFY(out.isEmpty());
        const YamlJson json = yamlToJson(file.documents.first().root);
        const QHash<QString, YAML::Node> top = json.keys.value(QString());
        QCOMPARE(top.size(), 3);
        QVERIFY(top.contains(QStringLiteral("second")) && top.contains(QStringLiteral("third")));
        QCOMPARE(json.keys.value(QStringLiteral("/first")).size(), 300);
        QCOMPARE(json.keys.value(QStringLiteral("/first/m299")).size(), 1);
    }

    void cleanFilePasses()
    {
        const Diagnostics found = validate(cleanCompose);
        QVERIFY2(found.isEmpty(), qPrintable(dump(found)));
    }

    void unknownServiceKey()
    {
        const Diagnostics found = validate(service("    enviroment:\n      A: b\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 6);
        QCOMPARE(schema[0].column, 5);
        QCOMPARE(schema[0].severity, Severity::High);
        QCOMPARE(schema[0].message,
                 u"unknown key 'enviroment' in services.app (did you mean 'environment'?)");
    }

    void unknownTopLevelKey()
    {
        const Diagnostics found = validate(service("servces: {}\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 6);
        QCOMPARE(schema[0].message,
                 u"unknown key 'servces' in the top level (did you mean 'services'?)");
    }

    void portsOfWrongType()
    {
        const Diagnostics found = validate(service("    ports: \"8080:80\"\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 6);
        QCOMPARE(schema[0].column, 12);
        QCOMPARE(schema[0].message, u"services.app.ports must be a list, not the string '8080:80'");
    }

    void portItemOfWrongType()
    {
        const Diagnostics found = validate(service("    ports:\n      - [8080, 80]\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 7);
        QCOMPARE(schema[0].message,
                 u"services.app.ports[0] must be a number, a string or a mapping, not a list");
    }

    void unknownKeyInLongPortSyntax()
    {
        const Diagnostics found =
            validate(service("    ports:\n      - target: 80\n        publishd: 8080\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 8);
        QCOMPARE(schema[0].message,
                 u"unknown key 'publishd' in services.app.ports[0] (did you mean 'published'?)");
    }

    void badRestartValue()
    {
        const Diagnostics typed = validate(service("    restart: 5\n"));
        const auto schema = withRule(typed, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 6);
        QCOMPARE(schema[0].message, u"services.app.restart must be a string, not the number 5");

        const Diagnostics word = validate(service("    restart: sometimes\n"));
        const auto restart = withRule(word, QStringLiteral("invalid-restart"));
        QCOMPARE(restart.size(), 1);
        QCOMPARE(restart[0].line, 6);
        QVERIFY(restart[0].message.contains(u"'sometimes'"));
        QVERIFY(withRule(validate(service("    restart: on-failure:3\n")),
                         QStringLiteral("invalid-restart"))
                    .isEmpty());
    }

    void enumAndRequired()
    {
        const Diagnostics found =
            validate(service("    depends_on:\n      db: {condition: started}\n      cache: {}\n"
                             "  db: {image: 'postgres:15', cpus: 1, mem_limit: 1g}\n"
                             "  cache: {image: 'redis:7', cpus: 1, mem_limit: 1g}\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 2);
        QCOMPARE(schema[0].line, 7);
        QCOMPARE(schema[0].message,
                 u"services.app.depends_on.db.condition must be one of service_started, "
                 u"service_healthy, service_completed_successfully, not the string 'started'");
        QCOMPARE(schema[1].line, 8);
        QCOMPARE(schema[1].message,
                 u"services.app.depends_on.cache is missing the required key 'condition'");
    }

    void everyServiceAndKeyIsReported()
    {
        // valijson stops at the first failing service and the first unknown key of a mapping;
        // the validator must still report all of them.
        const Diagnostics found =
            validate("services:\n  a:\n    image: x:1\n    foo: 1\n  b:\n    image: y:1\n"
                     "    bar: 1\n    baz: 2\n  c:\n    image: z:1\n    restart: 5\n"
                     "networks:\n  n1: {driver: 3}\n  n2: {drivr: x}\n");
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QStringList lines;
        for (const Diagnostic& d : schema)
            lines.append(QString::number(d.line));
        QCOMPARE(lines.join(u','), u"4,7,8,11,13,14");
    }

    void quotedScalarsStayStrings()
    {
        const Diagnostics found = validate(service("    init: true\n    use_api_socket: 'true'\n"));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 7);
        QCOMPARE(schema[0].message,
                 u"services.app.use_api_socket must be true or false, not the string 'true'");
    }

    void interpolatedValuesAreNotTypeChecked()
    {
        const Diagnostics found = validate(
            service("    healthcheck:\n      test: [CMD, 'true']\n      retries: ${RETRIES}\n"
                    "    ports: [\"${WEB_PORT:-8080}:80\"]\n"));
        QVERIFY2(withRule(found, QStringLiteral("compose-schema")).isEmpty(),
                 qPrintable(dump(found)));
        QVERIFY(withRule(found, QStringLiteral("invalid-port")).isEmpty());
    }

    void invalidServiceName()
    {
        const Diagnostics found = validate("services:\n  my app:\n    image: busybox:1.36\n");
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QCOMPARE(schema.size(), 1);
        QCOMPARE(schema[0].line, 2);
        QVERIFY(schema[0].message.startsWith(u"'my app' is not a valid name in services"));
    }

    void unknownService()
    {
        const Diagnostics found =
            validate(service("    depends_on: [db, cache]\n    links: ['db:database']\n"
                             "  db: {image: 'postgres:15', cpus: 1, mem_limit: 1g}\n"),
                     ValidationLevel::Standard);
        const auto unknown = withRule(found, QStringLiteral("unknown-service"));
        QCOMPARE(unknown.size(), 1);
        QCOMPARE(unknown[0].line, 6);
        QCOMPARE(unknown[0].column, 22);
        QCOMPARE(unknown[0].message, u"service \"app\" depends on undefined service \"cache\"");
    }

    void undeclaredNetworkAndVolume()
    {
        const Diagnostics found =
            validate(service("    networks: [front, default]\n    volumes:\n      - data:/data\n"
                             "      - ./conf:/etc/app:ro\n      - /srv/cache:/cache\n"
                             "      - type: volume\n        source: logs\n        target: /logs\n"
                             "      - /scratch\n"
                             "networks:\n  back: {}\nvolumes:\n  logs: {}\n"),
                     ValidationLevel::Standard);
        const auto networks = withRule(found, QStringLiteral("undeclared-network"));
        QCOMPARE(networks.size(), 1);
        QCOMPARE(networks[0].line, 6);
        QVERIFY(
            networks[0].message.startsWith(u"service \"app\" refers to undefined network front"));
        const auto volumes = withRule(found, QStringLiteral("undeclared-volume"));
        QCOMPARE(volumes.size(), 1);
        QCOMPARE(volumes[0].line, 8);
        QVERIFY(volumes[0].message.startsWith(u"service \"app\" refers to undefined volume data"));
    }

    void invalidPorts()
    {
        const Diagnostics found = validate(
            service("    ports:\n      - \"8080:80\"\n      - \"70000:80\"\n      - \"80/icmp\"\n"
                    "      - \"9000-9002:9000-9002\"\n      - \"9100-9101:80-85\"\n"
                    "      - target: 0\n    expose: [\"53/udp\", \"1:2\"]\n"),
            ValidationLevel::Standard);
        const auto invalid = withRule(found, QStringLiteral("invalid-port"));
        QStringList lines;
        for (const Diagnostic& d : invalid)
            lines.append(QString::number(d.line));
        QCOMPARE(lines.join(u','), u"8,9,11,12,13");
    }

    void portConflicts()
    {
        const Diagnostics found =
            validate(service("    ports: [\"8080:80\", \"127.0.0.1:9000:9000\", \"5353:53/udp\"]\n"
                             "  other:\n    image: busybox:1.36\n    cpus: 1\n    mem_limit: 64m\n"
                             "    ports:\n      - \"8080:8080\"\n      - \"127.0.0.2:9000:9000\"\n"
                             "      - \"5353:53\"\n      - \"8079-8081:8079-8081\"\n"),
                     ValidationLevel::Standard);
        const auto conflicts = withRule(found, QStringLiteral("port-conflict"));
        QCOMPARE(conflicts.size(), 2);
        QCOMPARE(conflicts[0].line, 12);
        QCOMPARE(conflicts[0].message,
                 u"host port 8080/tcp is published twice: by service 'app' at line 6 and by "
                 u"service 'other'");
        QCOMPARE(conflicts[1].line, 15);
    }

    void duplicateEnvironment()
    {
        const Diagnostics found =
            validate(service("    environment:\n      - MODE=a\n      - LEVEL=1\n      - MODE=b\n"),
                     ValidationLevel::Standard);
        const auto duplicates = withRule(found, QStringLiteral("duplicate-env-var"));
        QCOMPARE(duplicates.size(), 1);
        QCOMPARE(duplicates[0].line, 9);
        QVERIFY(duplicates[0].message.contains(u"first at line 7"));
    }

    void interpolationSyntax()
    {
        QVERIFY(!checkComposeInterpolation(u"a $$ b ${X} $Y ${Z:-d${W}} ${Q:?must} ${R+x}"));
        QCOMPARE(checkComposeInterpolation(u"price: 5$")->offset, 8);
        QCOMPARE(checkComposeInterpolation(u"${1X}")->offset, 0);
        QCOMPARE(checkComposeInterpolation(u"x ${A")->offset, 2);
        QCOMPARE(checkComposeInterpolation(u"${A:-${B}")->offset, 0);
        QCOMPARE(checkComposeInterpolation(u"${A*}")->offset, 0);
        QVERIFY(hasComposeInterpolation(u"a${B}"));
        QVERIFY(!hasComposeInterpolation(u"a$$B"));

        const Diagnostics found =
            validate(service("    command: [\"echo\", \"${NAME\"]\n"), ValidationLevel::Standard);
        const auto bad = withRule(found, QStringLiteral("invalid-interpolation"));
        QCOMPARE(bad.size(), 1);
        QCOMPARE(bad[0].line, 6);
        QCOMPARE(bad[0].column, 23);
    }

    void policies_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("line");
        QTest::addColumn<Severity>("severity");
        QTest::newRow("latest-tag")
            << service("", "shop/web") << "latest-tag" << 3 << Severity::High;
        QTest::newRow("latest-tag explicit")
            << service("", "shop/web:latest") << "latest-tag" << 3 << Severity::High;
        QTest::newRow("privileged") << service("    privileged: true\n") << "privileged-container"
                                    << 6 << Severity::Critical;
        QTest::newRow("docker-sock")
            << service("    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n")
            << "docker-sock" << 6 << Severity::Critical;
        QTest::newRow("sensitive mount")
            << service(
                   "    volumes:\n      - type: bind\n        source: /etc\n        target: /h\n")
            << "sensitive-host-mounts" << 7 << Severity::Critical;
        QTest::newRow("host-network")
            << service("    network_mode: host\n") << "host-network" << 6 << Severity::Critical;
        QTest::newRow("host-pid") << service("    pid: host\n") << "host-pid" << 6
                                  << Severity::Critical;
        QTest::newRow("host-ipc") << service("    ipc: host\n") << "host-ipc" << 6
                                  << Severity::High;
        QTest::newRow("env-var-secret")
            << service("    environment:\n      LOG_LEVEL: info\n      DB_PASSWORD: hunter2\n")
            << "env-var-secret" << 8 << Severity::High;
        QTest::newRow("env-var-secret list") << service("    environment: [API_TOKEN=abc]\n")
                                             << "env-var-secret" << 6 << Severity::High;
        QTest::newRow("ssh-port") << service("    ports: [\"2222:22\"]\n") << "ssh-port" << 6
                                  << Severity::Medium;
        QTest::newRow("unset cpu")
            << QByteArray("services:\n  app:\n    image: a:1\n    mem_limit: 1g\n")
            << "unset-cpu-requirements" << 2 << Severity::Medium;
        QTest::newRow("unset memory")
            << QByteArray("services:\n  app:\n    image: a:1\n    deploy:\n      resources:\n"
                          "        limits: {cpus: '1'}\n")
            << "unset-memory-requirements" << 2 << Severity::Medium;
        QTest::newRow("read-only root")
            << service("") << "no-read-only-root-fs" << 2 << Severity::Low;
        QTest::newRow("healthcheck") << service("") << "no-healthcheck" << 2 << Severity::Low;
    }

    void policies()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, rule);
        QFETCH(int, line);
        QFETCH(Severity, severity);
        const Diagnostics found = validate(text);
        const auto hits = withRule(found, rule);
        QVERIFY2(hits.size() == 1, qPrintable(dump(found)));
        QCOMPARE(hits[0].line, line);
        QCOMPARE(hits[0].severity, severity);
        QVERIFY(hits[0].message.startsWith(u"service 'app' "));
        // Every other policy stays quiet about the same text.
        for (const Diagnostic& d : found) {
            QVERIFY2(d.rule == rule || d.rule == u"no-read-only-root-fs" ||
                         d.rule == u"no-healthcheck",
                     qPrintable(dump(found)));
        }
    }

    void mergeKeysShareExtensionBlocks()
    {
        const Diagnostics found = validate("x-common: &common\n"
                                           "  image: shop/web\n"
                                           "  cpus: 1\n"
                                           "  mem_limit: 64m\n"
                                           "  enviroment: {A: b}\n"
                                           "services:\n"
                                           "  app:\n"
                                           "    <<: *common\n"
                                           "    read_only: true\n"
                                           "  worker:\n"
                                           "    <<: *common\n"
                                           "    image: shop/worker:2.1\n");
        for (const Diagnostic& d : found)
            QVERIFY2(!d.message.contains(u"'<<'"), qPrintable(dump(found)));
        // The merged image of app is checked, and the finding points where it is written.
        const auto latest = withRule(found, QStringLiteral("latest-tag"));
        QVERIFY2(latest.size() == 1, qPrintable(dump(found)));
        QCOMPARE(latest[0].line, 2);
        QVERIFY(latest[0].message.startsWith(u"service 'app' "));
        const auto schema = withRule(found, QStringLiteral("compose-schema"));
        QVERIFY2(schema.size() == 2, qPrintable(dump(found)));
        QCOMPARE(schema[0].line, 5);
        QCOMPARE(schema[1].line, 5);
    }

    void secretsFromTheEnvironmentAreFine()
    {
        const Diagnostics found = validate(
            service("    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n      API_TOKEN:\n"),
            ValidationLevel::Standard);
        QVERIFY2(found.isEmpty(), qPrintable(dump(found)));
    }

    void levels()
    {
        const QByteArray text = service("    privileged: true\n    restart: sometimes\n"
                                        "    enviroment: {}\n",
                                        "shop/web");
        const auto rules = [&](ValidationLevel level) {
            QStringList names;
            for (const Diagnostic& d : validate(text, level))
                names.append(d.rule);
            names.sort();
            return names.join(u',');
        };
        QCOMPARE(rules(ValidationLevel::Basic), u"compose-schema,privileged-container");
        QCOMPARE(rules(ValidationLevel::Standard),
                 u"compose-schema,invalid-restart,latest-tag,privileged-container");
        QCOMPARE(rules(ValidationLevel::Strict),
                 u"compose-schema,invalid-restart,latest-tag,no-healthcheck,"
                 u"no-read-only-root-fs,privileged-container");
    }

    void unreadableFileIsLeftToTheLoader()
    {
        Diagnostics out;
        const YamlFile file = parseYaml(QStringLiteral("c.yaml"), "services: [\n", out);
        const qsizetype before = out.size();
        validateCompose(file, ValidationLevel::Strict, out);
        QCOMPARE(out.size(), before);
    }
};

QTEST_GUILESS_MAIN(TestCompose)
#include "tst_compose.moc"
