// The Log in… dialog against the real registry (docker-registry with TLS from a test CA and
// htpasswd sign-in, its CA where the Docker daemon reads it) and a real Secret Service
// (gnome-keyring-daemon on a private bus, in a temporary home): a refused password shows the
// registry's words and stores nothing, the right one lands in the keyring, Log out removes it,
// and the password is never shown.
#include "fakes/privatebus.h"
#include "fakes/registryserver.h"
#include "fakes/secretservice.h"
#include "registry/registrykeyring.h"
#include "registrylogindialog.h"

#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::test;
using namespace std::chrono_literals;

class TestRegistryLoginDialog final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    PrivateBus m_bus;
    SecretService m_keyring;
    RegistryServer m_registry;

    QString certificatesFolder() const { return m_dir.filePath(QStringLiteral("certs.d")); }

    // A dialog filled in as a person would, Log in clicked.
    void logIn(RegistryLoginDialog& dialog, const QString& password)
    {
        dialog.setCertificatesFolder(certificatesFolder());
        dialog.setKeyringTimeout(10s);
        QTest::keyClicks(dialog.hostEdit(), m_registry.host());
        QTest::keyClicks(dialog.usernameEdit(), RegistryServer::username());
        QTest::keyClicks(dialog.passwordEdit(), password);
        QVERIFY(dialog.logInButton()->isEnabled());
        QTest::mouseClick(dialog.logInButton(), Qt::LeftButton);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Nothing may reach the user's keyring, desktop or docker configuration.
        QString error;
        QVERIFY2(startOwnKeyring(m_dir.path(), m_bus, m_keyring, &error), qPrintable(error));
        QVERIFY2(m_registry.start(&error), qPrintable(error));
        QVERIFY(m_registry.installCa(certificatesFolder()));
    }

    void cleanupTestCase()
    {
        m_registry.stop();
        m_keyring.kill();
        m_bus.stop();
    }

    void refusedPasswordStoresNothing()
    {
        RegistryLoginDialog dialog;
        dialog.show();
        QSignalSpy failed(&dialog, &RegistryLoginDialog::loginFailed);
        QSignalSpy loggedIn(&dialog, &RegistryLoginDialog::loggedIn);
        const QString wrong = QStringLiteral("not-the-pw-93b1");
        logIn(dialog, wrong);
        QVERIFY(dialog.isBusy());
        QVERIFY(!dialog.logInButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 30'000);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(loggedIn.size(), 0);
        // The registry's words, naming the registry and the user, never the password.
        const QString status = dialog.statusText();
        QVERIFY2(
            status.contains(u"registry " + m_registry.host() + u" refused the password of tester"),
            qPrintable(status));
        QVERIFY2(status.contains(u"UNAUTHORIZED"), qPrintable(status));
        QVERIFY(!status.contains(wrong));
        QCOMPARE(dialog.passwordEdit()->echoMode(), QLineEdit::Password);
        // The password stays for another try.
        QCOMPARE(dialog.passwordEdit()->text(), wrong);
        const registry::KeyringCredentials stored =
            registry::readKeyringCredentials(m_registry.host(), 10s);
        QVERIFY(!stored.credentials);
        QCOMPARE(stored.note, u"no credentials for " + m_registry.host() + u" in the keyring");
    }

    void rightPasswordIsStoredAndLogOutRemovesIt()
    {
        RegistryLoginDialog dialog;
        dialog.show();
        QSignalSpy loggedIn(&dialog, &RegistryLoginDialog::loggedIn);
        QSignalSpy loggedOut(&dialog, &RegistryLoginDialog::loggedOut);
        logIn(dialog, RegistryServer::password());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 30'000);
        QVERIFY2(loggedIn.size() == 1, qPrintable(dialog.statusText()));
        QCOMPARE(loggedIn.at(0).at(0).toString(), m_registry.host());
        QVERIFY2(dialog.statusText().contains(u"logged in to " + m_registry.host() + u" as tester"),
                 qPrintable(dialog.statusText()));
        QVERIFY(!dialog.statusText().contains(RegistryServer::password()));
        QVERIFY(dialog.passwordEdit()->text().isEmpty());

        const registry::KeyringCredentials stored =
            registry::readKeyringCredentials(m_registry.host(), 10s);
        QVERIFY2(stored.credentials, qPrintable(stored.note));
        QCOMPARE(stored.credentials->username, RegistryServer::username());
        QCOMPARE(stored.credentials->password, RegistryServer::password());

        QVERIFY(dialog.logOutButton()->isEnabled());
        QTest::mouseClick(dialog.logOutButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 30'000);
        QCOMPARE(loggedOut.size(), 1);
        QVERIFY2(dialog.statusText().contains(u"logged out of " + m_registry.host()),
                 qPrintable(dialog.statusText()));
        QVERIFY(!registry::readKeyringCredentials(m_registry.host(), 10s).credentials);
    }

    // Without the daemon's CA the registry's certificate is not trusted: said, nothing stored.
    void unknownAuthorityIsNamed()
    {
        RegistryLoginDialog untrusting;
        QSignalSpy refused(&untrusting, &RegistryLoginDialog::loginFailed);
        untrusting.setCertificatesFolder(m_dir.filePath(QStringLiteral("empty")));
        QTest::keyClicks(untrusting.hostEdit(), m_registry.host());
        QTest::keyClicks(untrusting.usernameEdit(), RegistryServer::username());
        QTest::keyClicks(untrusting.passwordEdit(), RegistryServer::password());
        QTest::mouseClick(untrusting.logInButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!untrusting.isBusy(), 30'000);
        QCOMPARE(refused.size(), 1);
        QVERIFY2(untrusting.statusText().contains(u"not signed by an authority"),
                 qPrintable(untrusting.statusText()));
        QVERIFY(!registry::readKeyringCredentials(m_registry.host(), 10s).credentials);
    }
};

QTEST_MAIN(TestRegistryLoginDialog)
#include "tst_registrylogindialog.moc"
