// Tests of the Compose Specification additions to the schema (each accepted, as docker compose
// accepts it) and of the loader's refusals the schema cannot express.
#include "compose/composevalidator.h"
#include "core/yamlsource.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

Diagnostics validate(const QByteArray& text, const QString& path = QStringLiteral("compose.yaml"))
{
    Diagnostics out;
    const YamlFile file = parseYaml(path, text, out);
    validateCompose(file, ValidationLevel::Standard, out);
    return out;
}

QByteArray service(const QByteArray& extra, const QByteArray& tail = {})
{
    return "services:\n  app:\n    image: busybox:1.36\n    cpus: 1\n    mem_limit: 64m\n" + extra +
           tail;
}

// Findings that say docker compose refuses the file; the policies are Launchdeck's opinions.
Diagnostics refusals(const Diagnostics& all)
{
    static const QStringList policies = {
        QStringLiteral("latest-tag"),   QStringLiteral("privileged-container"),
        QStringLiteral("docker-sock"),  QStringLiteral("sensitive-host-mounts"),
        QStringLiteral("host-network"), QStringLiteral("host-pid"),
        QStringLiteral("host-ipc"),     QStringLiteral("env-var-secret")};
    Diagnostics found;
    for (const Diagnostic& d : all) {
        if ((d.severity == Severity::High || d.severity == Severity::Critical) &&
            !policies.contains(d.rule))
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

class TestComposeSpec final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void additionAccepted_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("top-level name") << service("", "name: shop\n");
        QTest::newRow("develop watch") << service(
            "    develop:\n      watch:\n        - path: ./src\n          action: sync\n"
            "          target: /app/src\n          ignore: [node_modules/]\n"
            "        - path: package.json\n          action: rebuild\n"
            "        - path: ./conf\n          action: sync+restart\n          target: /etc/app\n");
        QTest::newRow("develop sync+exec") << service(
            "    develop:\n      watch:\n        - path: ./web\n          action: sync+exec\n"
            "          target: /srv\n          initial_sync: true\n"
            "          exec:\n            command: [nginx, -s, reload]\n");
        QTest::newRow("healthcheck start_interval")
            << service("    healthcheck:\n      test: [CMD, 'true']\n      start_period: 30s\n"
                       "      start_interval: 2s\n");
        QTest::newRow("configs content and environment, secrets environment")
            << service("    configs: [motd, site]\n    secrets:\n      - source: token\n"
                       "        mode: \"0440\"\n",
                       "configs:\n  motd:\n    content: hello $${USER}\n"
                       "  site:\n    environment: SITE_CONFIG\n"
                       "secrets:\n  token:\n    environment: API_TOKEN\n");
        QTest::newRow("published port as a string")
            << service("    ports:\n      - target: 80\n        published: \"8080\"\n"
                       "      - target: 9000\n        published: 9000-9010\n");
        QTest::newRow("include") << service(
            "", "include:\n  - common.yaml\n  - path: [db.yaml, db.override.yaml]\n"
                "    project_directory: db\n    env_file: db.env\n");
        QTest::newRow("post_start and pre_stop hooks")
            << service("    post_start:\n      - command: chown -R app /data\n        user: root\n"
                       "        privileged: true\n    pre_stop:\n      - command: [./drain.sh]\n"
                       "        environment: {GRACE: 10}\n");
        QTest::newRow("pre_start hook")
            << service("    pre_start:\n      - image: migrate:4\n        command: [migrate, up]\n"
                       "        per_replica: false\n");
        QTest::newRow("models") << service(
            "    models:\n      llm:\n        endpoint_var: AI_URL\n        model_var: AI_MODEL\n",
            "models:\n  llm:\n    model: ai/smollm2\n    context_size: 4096\n"
            "    runtime_flags: [--verbose]\n");
        QTest::newRow("provider") << QByteArray(
            "services:\n  db:\n    provider:\n      type: awesomecloud\n"
            "      options:\n        type: mysql\n        size: 256\n        tags: [a, 1, true]\n");
        QTest::newRow("gpus") << service("    gpus: all\n  trainer:\n    image: t:1\n    cpus: 1\n"
                                         "    mem_limit: 1g\n    gpus:\n      - driver: nvidia\n"
                                         "        count: 2\n");
        QTest::newRow("label_file") << service("    label_file: [./app.labels]\n");
        QTest::newRow("env_file objects")
            << service("    env_file:\n      - .env\n      - path: ./override.env\n"
                       "        required: false\n      - path: ./raw.env\n        format: raw\n");
        QTest::newRow("build additions") << service(
            "    build:\n      context: .\n      additional_contexts:\n        base: service:base\n"
            "        resources: ./res\n      ssh: [default]\n      secrets: [npmrc]\n"
            "      privileged: true\n      entitlements: [network.host]\n      tags: [shop/app:2]\n"
            "      platforms: [linux/amd64, linux/arm64]\n      cache_to: [type=inline]\n"
            "      no_cache: true\n      pull: true\n      provenance: mode=max\n      sbom: true\n"
            "      no_cache_filter: [deps]\n      ulimits: {nofile: 65535}\n"
            "      extra_hosts: {registry: 10.0.0.5}\n"
            "  base:\n    build:\n      context: ./base\n      dockerfile_inline: |\n"
            "        FROM busybox:1.36\n    cpus: 1\n    mem_limit: 64m\n",
            "secrets:\n  npmrc:\n    file: ./.npmrc\n");
        QTest::newRow("ulimits") << service(
            "    ulimits:\n      nproc: 65535\n      nofile:\n        soft: 20000\n"
            "        hard: \"40000\"\n");
        QTest::newRow("volume mount options") << service(
            "    volumes:\n      - type: bind\n        source: ./data\n        target: /data\n"
            "        bind:\n          create_host_path: true\n          selinux: z\n"
            "          recursive: readonly\n      - type: volume\n        source: cache\n"
            "        target: /cache\n        volume:\n          subpath: app\n"
            "      - type: image\n        source: shop/assets:3\n        target: /assets\n"
            "        image:\n          subpath: static\n      - type: tmpfs\n        target: /tmp\n"
            "        tmpfs:\n          size: 64m\n          mode: 1777\n",
            "volumes:\n  cache: {}\n");
        QTest::newRow("long port syntax") << service(
            "    ports:\n      - name: web\n        target: 80\n        host_ip: 127.0.0.1\n"
            "        published: \"8080\"\n        protocol: tcp\n        app_protocol: http\n");
        QTest::newRow("service network options") << service(
            "    networks:\n      front:\n        interface_name: eth1\n        gw_priority: 10\n"
            "        mac_address: 02:42:ac:11:00:02\n        driver_opts: {mtu: 1400}\n",
            "networks:\n  front:\n    enable_ipv4: true\n");
        QTest::newRow("device reservations and pids") << service(
            "    deploy:\n      resources:\n        limits: {pids: 100}\n        reservations:\n"
            "          devices:\n            - capabilities: [gpu]\n              driver: nvidia\n"
            "              count: all\n");
        QTest::newRow("namespaces and attach") << service(
            "    cgroup: private\n    uts: host\n    attach: false\n    use_api_socket: true\n"
            "    annotations: {com.example.team: shop}\n    pull_policy: refresh\n"
            "    pull_refresh_after: 12h\n");
        QTest::newRow("pull_policy daily") << service("    pull_policy: daily\n");
        QTest::newRow("pull_policy weekly") << service("    pull_policy: weekly\n");
        QTest::newRow("pull_policy every") << service("    pull_policy: every_12h\n");
        QTest::newRow("pull_policy missing") << service("    pull_policy: missing\n");
        QTest::newRow("depends_on required and restart")
            << service("    depends_on:\n      db:\n        condition: service_healthy\n        "
                       "restart: true\n"
                       "        required: false\n  db:\n    image: postgres:16\n    cpus: 1\n"
                       "    mem_limit: 1g\n    healthcheck:\n      test: [CMD, pg_isready]\n");
        QTest::newRow("external resources with name")
            << service("    networks: [edge]\n    volumes: [certs:/certs]\n",
                       "networks:\n  edge:\n    external: true\n    name: proxy_edge\n"
                       "volumes:\n  certs:\n    external: \"true\"\n    name: shared-certs\n");
        QTest::newRow("command and entrypoint reset")
            << service("    command: null\n    entrypoint:\n");
        QTest::newRow("quoted numbers and booleans")
            << service("    privileged: \"false\"\n    healthcheck:\n      test: [CMD, 'true']\n"
                       "      retries: '3'\n    deploy:\n      replicas: \"2\"\n");
        QTest::newRow("extra_hosts with several addresses")
            << service("    extra_hosts:\n      db: [10.0.0.7, \"::1\"]\n");
        QTest::newRow("devices long syntax")
            << service("    devices:\n      - source: /dev/ttyUSB0\n        target: /dev/ttyUSB0\n"
                       "        permissions: rwm\n");
        QTest::newRow("boolean environment values")
            << service("    environment:\n      DEBUG: true\n");
    }

    void additionAccepted()
    {
        QFETCH(QByteArray, text);
        const Diagnostics found = refusals(validate(text));
        QVERIFY2(found.isEmpty(), qPrintable(dump(found)));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("pull_policy pattern")
            << service("    pull_policy: sometimes\n") << "compose-schema" << 6
            << "services.app.pull_policy must match the pattern";
        QTest::newRow("cgroup enum") << service("    cgroup: shared\n") << "compose-schema" << 6
                                     << "must be one of host, private";
        QTest::newRow("device without capabilities")
            << service("    deploy:\n      resources:\n        reservations:\n          devices:\n"
                       "            - driver: nvidia\n")
            << "compose-schema" << 10 << "missing the required key 'capabilities'";
        QTest::newRow("watch without action")
            << service("    develop:\n      watch:\n        - path: ./src\n") << "compose-schema"
            << 8 << "missing the required key 'action'";
        QTest::newRow("depends_on cycle")
            << service("    depends_on: [db]\n  db:\n    image: postgres:16\n    cpus: 1\n"
                       "    mem_limit: 1g\n    depends_on: [app]\n")
            << "depends-on-cycle" << 11 << "dependency cycle detected: app -> db -> app";
        QTest::newRow("cycle through links")
            << service("    links: [db]\n  db:\n    image: postgres:16\n    cpus: 1\n"
                       "    mem_limit: 1g\n    volumes_from: [app]\n")
            << "depends-on-cycle" << 11 << "dependency cycle detected: app -> db -> app";
        QTest::newRow("self dependency") << service("    depends_on: [app]\n") << "depends-on-cycle"
                                         << 6 << "dependency cycle detected: app -> app";
        QTest::newRow("ipc of an unknown service")
            << service("    ipc: service:vpn\n") << "unknown-service" << 6
            << "service \"app\" depends on undefined service \"vpn\" (through ipc)";
        QTest::newRow("extends an unknown service")
            << service("    extends: base\n") << "unknown-service" << 6
            << "cannot extend service \"app\" in compose.yaml: service \"base\" not found";
        QTest::newRow("additional context of an unknown service")
            << service("    build:\n      context: .\n      additional_contexts:\n"
                       "        deps: service:deps\n")
            << "unknown-service" << 9
            << "service \"app\" declares unknown service \"deps\" as additional contexts deps";
        QTest::newRow("undeclared config")
            << service("    configs:\n      - source: nginx\n        target: /etc/nginx.conf\n")
            << "undeclared-config" << 7 << "service \"app\" refers to undefined config nginx";
        QTest::newRow("undeclared secret")
            << service("    secrets: [db_password]\n") << "undeclared-secret" << 6
            << "refers to undefined secret db_password";
        QTest::newRow("undeclared build secret")
            << service("    build:\n      context: .\n      secrets: [npmrc]\n")
            << "undeclared-secret" << 8 << "refers to undefined build secret npmrc";
        QTest::newRow("undeclared model") << service("    models: [llm]\n") << "undeclared-model"
                                          << 6 << "refers to undefined model llm";
        QTest::newRow("secret with two sources")
            << service("", "secrets:\n  token:\n    file: ./token\n    environment: TOKEN\n")
            << "invalid-secret-source" << 9
            << "secrets.token: file|environment attributes are mutually exclusive";
        QTest::newRow("secret without a source")
            << service("", "secrets:\n  token:\n    name: api-token\n") << "invalid-secret-source"
            << 7 << "secrets.token: one of file|environment must be set";
        QTest::newRow("secret with a driver only")
            << service("", "secrets:\n  token:\n    driver: vault\n") << "invalid-secret-source"
            << 7 << "secret \"token\" must declare either `file` or `environment`";
        QTest::newRow("config with two sources")
            << service("", "configs:\n  site:\n    file: ./site.conf\n    content: x\n")
            << "invalid-config-source" << 9
            << "configs.site: file|environment|content attributes are mutually exclusive";
        QTest::newRow("value docker compose cannot convert")
            << service("    healthcheck:\n      test: [CMD, 'true']\n      retries: 'three'\n")
            << "invalid-value" << 8
            << "error while interpolating services.app.healthcheck.retries: failed to cast to "
               "expected type: strconv.Atoi: parsing \"three\": invalid syntax";
        QTest::newRow("boolean docker compose cannot convert")
            << service("    tty: 'maybe'\n") << "invalid-value" << 6 << "invalid boolean: maybe";
        QTest::newRow("network_mode and networks")
            << service("    network_mode: bridge\n    networks: [default]\n")
            << "conflicting-attributes" << 7
            << "service app declares mutually exclusive `network_mode` and `networks`";
        QTest::newRow("dockerfile and dockerfile_inline")
            << service("    build:\n      context: .\n      dockerfile: Dockerfile\n"
                       "      dockerfile_inline: FROM busybox\n")
            << "conflicting-attributes" << 9
            << "mutually exclusive dockerfile and dockerfile_inline";
        QTest::newRow("external volume with a driver")
            << service("", "volumes:\n  data:\n    external: true\n    driver: local\n")
            << "conflicting-attributes" << 9
            << "volumes.data: conflicting parameters \"external\" and \"driver\" specified";
        QTest::newRow("gpu count and device_ids")
            << service("    gpus:\n      - count: 1\n        device_ids: ['0']\n")
            << "conflicting-attributes" << 8
            << "services.app.gpus[0]: \"count\" and \"device_ids\" attributes are exclusive";
        QTest::newRow("scale and replicas")
            << service("    scale: 2\n    deploy:\n      replicas: 3\n") << "conflicting-attributes"
            << 6 << "can't set distinct values on 'scale' and 'deploy.replicas'";
        QTest::newRow("neither image nor build")
            << QByteArray("services:\n  app:\n    command: [sleep, '1']\n") << "missing-image" << 2
            << "service \"app\" has neither an image nor a build context specified";
        QTest::newRow("watch sync without target")
            << service(
                   "    develop:\n      watch:\n        - path: ./src\n          action: sync\n")
            << "invalid-watch" << 9
            << "services.app.develop.watch: target is required for non-rebuild actions";
        QTest::newRow("healthcheck test form")
            << service("    healthcheck:\n      test: [curl, -f, http://localhost]\n")
            << "invalid-healthcheck" << 7 << "healthcheck.test must start either by \"CMD\"";
    }

    void refused()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, rule);
        QFETCH(int, line);
        QFETCH(QString, message);
        const Diagnostics found = refusals(validate(text));
        QVERIFY2(found.size() == 1, qPrintable(dump(found)));
        QCOMPARE(found[0].rule, rule);
        QCOMPARE(found[0].line, line);
        QVERIFY2(found[0].message.contains(message), qPrintable(found[0].message));
    }

    void missingInclude()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("compose.yaml"));
        const QByteArray text = service("", "include:\n  - present.yaml\n  - path: [absent.yaml]\n"
                                            "  - oci://registry.example.com/shop/compose:1\n");
        for (const QString& name :
             {QStringLiteral("compose.yaml"), QStringLiteral("present.yaml")}) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(name == u"compose.yaml" ? text : QByteArray("services: {}\n"));
        }
        const Diagnostics found = refusals(validate(text, path));
        QVERIFY2(found.size() == 1, qPrintable(dump(found)));
        QCOMPARE(found[0].rule, u"missing-include");
        QCOMPARE(found[0].line, 8);
        QCOMPARE(found[0].message,
                 QStringLiteral("open %1: no such file or directory")
                     .arg(QDir::toNativeSeparators(dir.filePath(QStringLiteral("absent.yaml")))));
    }

    void includedDefinitionsAreKnown()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("compose.yaml"));
        const QByteArray text = service("    depends_on: [db]\n    secrets: [db_password]\n",
                                        "include:\n  - path: db/compose.yaml\n");
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("db")));
        QFile included(dir.filePath(QStringLiteral("db/compose.yaml")));
        QVERIFY(included.open(QIODevice::WriteOnly));
        included.write("services:\n  db: {image: 'postgres:16'}\nsecrets:\n  db_password:\n"
                       "    environment: DB_PASSWORD\n");
        included.close();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        QVERIFY2(refusals(validate(text, path)).isEmpty(), qPrintable(dump(validate(text, path))));

        // Without the file on disk, what it declares cannot be known: only the include is judged.
        QVERIFY(included.remove());
        const Diagnostics found = refusals(validate(text, path));
        QVERIFY2(found.size() == 1, qPrintable(dump(found)));
        QCOMPARE(found[0].rule, u"missing-include");
    }

    void everyCycleIsReportedOnce()
    {
        const Diagnostics found = refusals(validate(
            "services:\n  a: {image: 'x:1', depends_on: [b]}\n  b: {image: 'x:1', depends_on: "
            "[a]}\n"
            "  c: {image: 'x:1', depends_on: [d]}\n  d: {image: 'x:1', depends_on: [c, a]}\n"));
        QVERIFY2(found.size() == 2, qPrintable(dump(found)));
        QCOMPARE(found[0].message, u"dependency cycle detected: a -> b -> a");
        QCOMPARE(found[0].line, 3);
        QCOMPARE(found[1].message, u"dependency cycle detected: c -> d -> c");
        QCOMPARE(found[1].line, 5);
    }
};

QTEST_GUILESS_MAIN(TestComposeSpec)
#include "tst_composespec.moc"
