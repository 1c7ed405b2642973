// haproxy.cfg generation and validation, and the parsing of the runtime API's tables.
#include "traffic/haproxyconfig.h"
#include "traffic/haproxyprocess.h"
#include "traffic/haproxystats.h"

#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck::traffic;

namespace {

HaproxyConfig sampleConfig()
{
    HaproxyConfig config;
    config.environment = QStringLiteral("production");
    config.listen = QStringLiteral("127.0.0.1:8080");
    config.servers = {{QStringLiteral("blue"), QStringLiteral("127.0.0.1"), 9001, 100},
                      {QStringLiteral("green"), QStringLiteral("10.0.0.7"), 9002, 0}};
    config.health.interval = std::chrono::milliseconds(1500);
    return config;
}

} // namespace

class TestHaproxyConfig final : public QObject
{
    Q_OBJECT

private slots:
    void rendersEveryPart()
    {
        const HaproxyFolder folder{QStringLiteral("/srv/launchdeck/production")};
        const auto text = renderHaproxyConfig(sampleConfig(), folder);
        QVERIFY2(text.ok(), qPrintable(text.ok() ? QString() : text.error().toString()));
        const QByteArray cfg = *text;
        for (const char* line :
             {"    pidfile /srv/launchdeck/production/haproxy.pid\n",
              "    stats socket /srv/launchdeck/production/haproxy.sock mode 600 level admin "
              "expose-fd listeners\n",
              "    mode http\n", "    option redispatch\n", "    retries 3\n",
              "    timeout connect 5s\n", "frontend production_entry\n",
              "    bind 127.0.0.1:8080\n", "    default_backend production\n",
              "backend production\n", "    option httpchk GET /healthz\n",
              "    http-check expect status 200\n",
              "    default-server inter 1500ms fall 3 rise 2\n",
              "    server blue 127.0.0.1:9001 weight 100 check\n",
              "    server green 10.0.0.7:9002 weight 0 check\n"}) {
            QVERIFY2(cfg.contains(line), line);
        }
        QVERIFY(!cfg.contains("log "));
        QCOMPARE(*renderHaproxyConfig(sampleConfig(), folder), cfg);
    }

    void bindsEveryAddressAndIpv6()
    {
        const HaproxyFolder folder{QStringLiteral("/srv/x")};
        HaproxyConfig config = sampleConfig();
        config.listen = QStringLiteral(":80");
        QVERIFY(renderHaproxyConfig(config, folder)->contains("    bind :80\n"));
        config.listen = QStringLiteral("*:81");
        QVERIFY(renderHaproxyConfig(config, folder)->contains("    bind :81\n"));
        config.listen = QStringLiteral("[::1]:82");
        QVERIFY(renderHaproxyConfig(config, folder)->contains("    bind [::1]:82\n"));
        config.servers[0].address = QStringLiteral("::1");
        QVERIFY(renderHaproxyConfig(config, folder)->contains("server blue [::1]:9001 "));
    }

    void rejectsBadValues_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("where");
        QTest::newRow("environment") << 0 << QStringLiteral("environment");
        QTest::newRow("listen port") << 1 << QStringLiteral("listen");
        QTest::newRow("listen host") << 2 << QStringLiteral("listen");
        QTest::newRow("server name") << 3 << QStringLiteral("servers[0]");
        QTest::newRow("duplicate") << 4 << QStringLiteral("servers[1]");
        QTest::newRow("server port") << 5 << QStringLiteral("servers[1]");
        QTest::newRow("weight") << 6 << QStringLiteral("servers[0]");
        QTest::newRow("no servers") << 7 << QStringLiteral("servers");
        QTest::newRow("health path") << 8 << QStringLiteral("health.path");
        QTest::newRow("metrics port") << 9 << QStringLiteral("metricsListen");
        QTest::newRow("metrics on the entry point") << 10 << QStringLiteral("metricsListen");
        QTest::newRow("metrics on every address") << 11 << QStringLiteral("metricsListen");
    }

    void rejectsBadValues()
    {
        QFETCH(int, kind);
        QFETCH(QString, where);
        HaproxyConfig config = sampleConfig();
        switch (kind) {
        case 0:
            config.environment = QStringLiteral("prod env");
            break;
        case 1:
            config.listen = QStringLiteral("127.0.0.1:70000");
            break;
        case 2:
            config.listen = QStringLiteral("bad host!:80");
            break;
        case 3:
            config.servers[0].name = QStringLiteral("blue/green");
            break;
        case 4:
            config.servers[1].name = QStringLiteral("blue");
            break;
        case 5:
            config.servers[1].port = 0;
            break;
        case 6:
            config.servers[0].weight = 257;
            break;
        case 7:
            config.servers.clear();
            break;
        case 8:
            config.health.path = QStringLiteral("/health z");
            break;
        case 9:
            config.metricsListen = QStringLiteral("127.0.0.1:0");
            break;
        case 10:
            config.metricsListen = config.listen;
            break;
        case 11:
            config.metricsListen = QStringLiteral(":8080");
            break;
        }
        const auto valid = validateHaproxyConfig(config);
        QVERIFY(!valid.ok());
        QCOMPARE(valid.error().where, u"haproxy config: " + where);
        QVERIFY(!renderHaproxyConfig(config, HaproxyFolder{QStringLiteral("/srv/x")}).ok());
    }

    void rendersDisabledServersAsVacant()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const HaproxyFolder folder{dir.path()};
        HaproxyConfig config = sampleConfig();
        HaproxyServer empty{QStringLiteral("blue2"), QString(), 0, 0};
        empty.disabled = true;
        HaproxyServer parked{QStringLiteral("green2"), QStringLiteral("10.0.0.8"), 9003, 40};
        parked.disabled = true;
        config.servers << empty << parked;
        const auto text = renderHaproxyConfig(config, folder);
        QVERIFY2(text.ok(), qPrintable(text.ok() ? QString() : text.error().toString()));
        QVERIFY(text->contains("    server blue 127.0.0.1:9001 weight 100 check\n"));
        QVERIFY(text->contains("    server blue2 127.0.0.1:1 weight 0 disabled check\n"));
        QVERIFY(text->contains("    server green2 10.0.0.8:9003 weight 40 disabled check\n"));

        QFile file(folder.configPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(*text);
        file.close();
        const auto checked = HaproxyProcess::checkConfig(folder.configPath());
        QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().toString()));

        // Only a disabled server may go without an endpoint, and only without both parts.
        HaproxyConfig enabledEmpty = config;
        enabledEmpty.servers[2].disabled = false;
        QCOMPARE(validateHaproxyConfig(enabledEmpty).error().where,
                 u"haproxy config: servers[2]"_qs);
        HaproxyConfig halfSet = config;
        halfSet.servers[2].port = 8080;
        QVERIFY(validateHaproxyConfig(halfSet).error().message.contains(u"no valid address"));
        HaproxyConfig noPort = config;
        noPort.servers[3].port = 0;
        QVERIFY(validateHaproxyConfig(noPort).error().message.contains(u"port 0"));
    }

    void rejectsASocketPathTooLong()
    {
        const auto text =
            renderHaproxyConfig(sampleConfig(), HaproxyFolder{u'/' + QString(120, u'a')});
        QVERIFY(!text.ok());
        QVERIFY(text.error().message.contains(u"longer than a unix socket allows"));
    }

    void servesTheExporterOnItsOwnFrontend()
    {
        const HaproxyFolder folder{QStringLiteral("/srv/x")};
        HaproxyConfig config = sampleConfig();
        QVERIFY(!renderHaproxyConfig(config, folder)->contains("prometheus-exporter"));
        config.metricsListen = QStringLiteral("127.0.0.1:9101");
        const auto text = renderHaproxyConfig(config, folder);
        QVERIFY2(text.ok(), qPrintable(text.ok() ? QString() : text.error().toString()));
        QVERIFY2(text->contains("frontend production_metrics\n"
                                "    bind 127.0.0.1:9101\n"
                                "    http-request use-service prometheus-exporter if { path "
                                "/metrics }\n\n"),
                 text->constData());
        // The entry point's own frontend does not serve it.
        const qsizetype entry = text->indexOf("frontend production_entry\n");
        const qsizetype backend = text->indexOf("backend production\n");
        QVERIFY(entry >= 0 && backend > entry);
        QVERIFY(!text->mid(entry, backend - entry).contains("prometheus-exporter"));
        config.metricsListen = QStringLiteral("[::1]:9102");
        QVERIFY(renderHaproxyConfig(config, folder)->contains("    bind [::1]:9102\n"));
        config.metricsListen = QStringLiteral("*:9103");
        QVERIFY(renderHaproxyConfig(config, folder)->contains("    bind :9103\n"));
    }

    void haproxyAcceptsTheOutput()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const HaproxyFolder folder{dir.path()};
        HaproxyConfig config = sampleConfig();
        config.metricsListen = QStringLiteral("127.0.0.1:9101");
        const auto text = renderHaproxyConfig(config, folder);
        QVERIFY(text.ok());
        QFile file(folder.configPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(*text + "    bogus-directive 1\n");
        file.close();
        const auto broken = HaproxyProcess::checkConfig(folder.configPath());
        QVERIFY(!broken.ok());
        // HAProxy's own words name the line it refused.
        QVERIFY2(broken.error().message.contains(u"bogus-directive"),
                 qPrintable(broken.error().toString()));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(*text);
        file.close();
        const auto checked = HaproxyProcess::checkConfig(folder.configPath());
        QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().toString()));
    }

    void parsesShowStat()
    {
        const QByteArray csv =
            "# pxname,svname,qcur,scur,stot,econ,eresp,status,weight,type,check_status,"
            "check_code,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,req_tot,rtime,addr,new_column\n"
            "web_entry,FRONTEND,,0,9,,,OPEN,,0,,,9,0,0,0,9,,,x\n"
            "web,blue,0,2,7,0,0,UP,100,2,L7OK,200,5,0,1,1,7,12,127.0.0.1:9001,x\n"
            "web,green,0,0,0,3,0,DOWN 1/2,0,2,*L4CON,,0,0,0,0,0,0,127.0.0.1:9002,x\n"
            "web,BACKEND,0,2,7,3,0,UP,100,1,,,5,0,1,1,7,12,,x\n\n";
        const auto parsed = parseShowStat(csv);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->size(), 2);
        const HaproxyServerStats& blue = parsed->at(0);
        QCOMPARE(blue.backend, u"web"_qs);
        QCOMPARE(blue.server, u"blue"_qs);
        QCOMPARE(blue.status, ServerStatus::Up);
        QCOMPARE(blue.weight, 100);
        QCOMPARE(blue.currentConnections, 2);
        QCOMPARE(blue.totalConnections, 7);
        QCOMPARE(blue.totalRequests, 7);
        QCOMPARE(blue.http2xx, 5);
        QCOMPARE(blue.http4xx, 1);
        QCOMPARE(blue.http5xx, 1);
        QCOMPARE(blue.responseTimeMs, 12);
        QCOMPARE(blue.checkStatus, u"L7OK"_qs);
        QVERIFY(!blue.checkRunning);
        QCOMPARE(blue.checkCode, 200);
        QCOMPARE(blue.address, u"127.0.0.1:9001"_qs);
        const HaproxyServerStats& green = parsed->at(1);
        QCOMPARE(green.statusText, u"DOWN 1/2"_qs);
        QCOMPARE(green.status, ServerStatus::Down);
        QCOMPARE(green.checkStatus, u"L4CON"_qs);
        QVERIFY(green.checkRunning);
        QCOMPARE(green.connectionErrors, 3);

        QVERIFY(!parseShowStat("Unknown command.\n").ok());
        QVERIFY(parseShowStat("# pxname,svname\n").error().message.contains(u"'type'"));
    }

    void parsesShowServersState()
    {
        const QByteArray text =
            "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state "
            "srv_uweight srv_iweight srv_time_since_last_change srv_port\n"
            "3 web 1 blue 127.0.0.1 2 0 50 100 4 9001\n"
            "3 web 2 green 127.0.0.1 0 8 100 100 7 9002\n"
            "3 web 3 canary 127.0.0.1 0 1 0 0 7 9003\n\n";
        const auto parsed = parseShowServersState(text);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->size(), 3);
        QCOMPARE(parsed->at(0).server, u"blue"_qs);
        QCOMPARE(parsed->at(0).userWeight, 50);
        QCOMPARE(parsed->at(0).initialWeight, 100);
        QCOMPARE(parsed->at(0).operationalState, 2);
        QCOMPARE(parsed->at(0).port, 9001);
        QVERIFY(!parsed->at(0).isDraining() && !parsed->at(0).inMaintenance());
        QVERIFY(parsed->at(1).isDraining());
        QVERIFY(parsed->at(2).inMaintenance());
        QVERIFY(!parseShowServersState("No such backend.\n").ok());
    }

    void parsesStatusWords()
    {
        QCOMPARE(parseServerStatus(u"UP 1/3"_qs), ServerStatus::Up);
        QCOMPARE(parseServerStatus(u"MAINT (via web/blue)"_qs), ServerStatus::Maintenance);
        QCOMPARE(parseServerStatus(u"DRAIN"_qs), ServerStatus::Draining);
        QCOMPARE(parseServerStatus(u"no check"_qs), ServerStatus::Unchecked);
        QCOMPARE(parseServerStatus(u"???"_qs), ServerStatus::Unknown);
        QCOMPARE(serverStatusName(ServerStatus::Maintenance), u"MAINT"_qs);
    }
};

QTEST_GUILESS_MAIN(TestHaproxyConfig)
#include "tst_haproxyconfig.moc"
