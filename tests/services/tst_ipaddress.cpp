// IP address literals, subnets and the listening probe the deployment checks use for free ports.
#include "core/ipaddress.h"

#include <QTcpServer>
#include <QTest>

using namespace launchdeck;

namespace {

IpAddress address(const char* text)
{
    const std::optional<IpAddress> parsed = parseIpAddress(QString::fromLatin1(text));
    if (!parsed)
        qFatal("not an address: %s", text);
    return *parsed;
}

} // namespace

class TestIpAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesLiterals_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("v6");
        QTest::newRow("v4") << "10.0.0.7" << true << false;
        QTest::newRow("v4 loopback") << "127.0.0.1" << true << false;
        QTest::newRow("v4 any") << "0.0.0.0" << true << false;
        QTest::newRow("v4 spaces") << " 192.168.1.2 " << true << false;
        QTest::newRow("v6 loopback") << "::1" << true << true;
        QTest::newRow("v6 any") << "::" << true << true;
        QTest::newRow("v6 full") << "2001:db8:0:0:0:0:0:1" << true << true;
        QTest::newRow("v6 zone") << "fe80::1%eth0" << true << true;
        QTest::newRow("v4 in v6") << "::ffff:10.0.0.1" << true << true;
        QTest::newRow("name") << "registry.local" << false << false;
        QTest::newRow("localhost") << "localhost" << false << false;
        QTest::newRow("brackets") << "[::1]" << false << false;
        QTest::newRow("with port") << "10.0.0.7:80" << false << false;
        QTest::newRow("octet too large") << "10.0.0.256" << false << false;
        QTest::newRow("three octets") << "10.0.7" << false << false;
        QTest::newRow("empty") << "" << false << false;
        QTest::newRow("zone alone") << "%eth0" << false << false;
        QTest::newRow("non-ASCII") << "10.0.0.٧" << false << false;
    }
    void parsesLiterals()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(bool, v6);
        const std::optional<IpAddress> parsed = parseIpAddress(text);
        QCOMPARE(parsed.has_value(), valid);
        if (parsed)
            QCOMPARE(parsed->isV6(), v6);
    }

    void bytesAreInNetworkOrder()
    {
        const IpAddress v4 = address("192.168.1.2");
        QCOMPARE(v4.bytes[0], std::uint8_t(192));
        QCOMPARE(v4.bytes[3], std::uint8_t(2));
        const IpAddress v6 = address("::1");
        QCOMPARE(v6.bytes[15], std::uint8_t(1));
        QCOMPARE(v6.bytes[0], std::uint8_t(0));
    }

    void subnets_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("subnet");
        QTest::addColumn<bool>("inside");
        QTest::newRow("/8 inside") << "10.1.2.3"
                                   << "10.0.0.0/8" << true;
        QTest::newRow("/8 outside") << "11.1.2.3"
                                    << "10.0.0.0/8" << false;
        QTest::newRow("/12 inside") << "172.31.255.1"
                                    << "172.16.0.0/12" << true;
        QTest::newRow("/12 outside") << "172.32.0.1"
                                     << "172.16.0.0/12" << false;
        QTest::newRow("/32 same") << "127.0.0.1"
                                  << "127.0.0.1/32" << true;
        QTest::newRow("/32 other") << "127.0.0.2"
                                   << "127.0.0.1/32" << false;
        QTest::newRow("/0 everything") << "8.8.8.8"
                                       << "0.0.0.0/0" << true;
        QTest::newRow("v6 inside") << "fd00::5"
                                   << "fd00::/8" << true;
        QTest::newRow("v6 outside") << "fe80::1"
                                    << "fd00::/8" << false;
        QTest::newRow("v6 /127") << "2001:db8::1"
                                 << "2001:db8::/127" << true;
        QTest::newRow("families differ") << "10.0.0.1"
                                         << "::/0" << false;
        QTest::newRow("no prefix") << "10.0.0.1"
                                   << "10.0.0.1" << false;
        QTest::newRow("prefix too long") << "10.0.0.1"
                                         << "10.0.0.0/33" << false;
        QTest::newRow("negative prefix") << "10.0.0.1"
                                         << "10.0.0.0/-1" << false;
        QTest::newRow("prefix not a number") << "10.0.0.1"
                                             << "10.0.0.0/x" << false;
        QTest::newRow("network a name") << "10.0.0.1"
                                        << "intranet/8" << false;
    }
    void subnets()
    {
        QFETCH(QString, address);
        QFETCH(QString, subnet);
        QFETCH(bool, inside);
        QCOMPARE(isInSubnet(*parseIpAddress(address), subnet), inside);
    }

    void aHeldPortCannotBeListenedOn()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        const int port = listener.serverPort();
        QVERIFY(!canListenOn(address("127.0.0.1"), port));
        QVERIFY(!canListenOn(address("0.0.0.0"), port));
        listener.close();
        QVERIFY(canListenOn(address("127.0.0.1"), port));
    }

    void anAddressNotOfThisMachineCannotBeListenedOn()
    {
        QVERIFY(!canListenOn(address("192.0.2.1"), 0)); // TEST-NET-1, never assigned here
        QVERIFY(!canListenOn(address("127.0.0.1"), 70000));
        QVERIFY(!canListenOn(address("127.0.0.1"), -1));
    }
};

QTEST_GUILESS_MAIN(TestIpAddress)
#include "tst_ipaddress.moc"
