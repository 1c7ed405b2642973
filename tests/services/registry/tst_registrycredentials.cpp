// Registry credentials found as the docker CLI finds them: config.json's auths, a credential
// helper for one host and the store for the others, the helper's "not found", and the faults
// (a helper missing or failing, a config file that is not JSON, an auth that is not
// "user:password") named without the password.
#include "registry/registrycredentials.h"

#include "fakes/testfiles.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::registry;
using namespace launchdeck::test;

namespace {

// A credential helper answering for registry.test:5000 only, as docker-credential-helpers do.
const QByteArray kHelper = R"(#!/bin/sh
[ "$1" = get ] || exit 2
read server
case "$server" in
  registry.test:5000) echo '{"ServerURL":"registry.test:5000","Username":"robot","Secret":"s-3f9a"}' ;;
  broken.test) echo "pass store is locked" >&2; exit 1 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)";

} // namespace

class TestRegistryCredentials final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    QProcessEnvironment environment(const QByteArray& config) const
    {
        writeFile(m_home.filePath(u".docker/config.json"_qs), config);
        QProcessEnvironment environment;
        environment.insert(u"HOME"_qs, m_home.path());
        environment.insert(u"PATH"_qs, m_home.filePath(u"bin"_qs) + u":/usr/bin:/bin"_qs);
        return environment;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString helper = m_home.filePath(u"bin/docker-credential-test"_qs);
        QVERIFY(writeFile(helper, kHelper));
        QVERIFY(
            QFile::setPermissions(helper, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }

    void authsOfTheConfigFile()
    {
        // Not a raw string: moc would read its "//" as a comment.
        const QByteArray config =
            "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"aHViLXVzZXI6aHViLXB3\"},"
            "\"registry.example.com:5000\": {\"auth\": \"YWxpY2U6cGFzcy13b3Jk\"}}}";
        const Result<FoundCredentials> found =
            dockerCredentials(u"registry.example.com:5000"_qs, environment(config));
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QVERIFY(found->credentials);
        QCOMPARE(found->credentials->username, u"alice"_qs);
        QCOMPARE(found->credentials->password, u"pass-word"_qs);
        QCOMPARE(found->source, u"config.json auths"_qs);
        // Docker Hub is stored under its v1 URL.
        const Result<FoundCredentials> hub =
            dockerCredentials(u"docker.io"_qs, environment(config));
        QVERIFY(hub && hub->credentials);
        QCOMPARE(hub->credentials->username, u"hub-user"_qs);
        // A host with nothing stored is asked anonymously.
        const Result<FoundCredentials> none =
            dockerCredentials(u"other.example.com"_qs, environment(config));
        QVERIFY(none && !none->credentials);
    }

    void helpersBeforeTheStore()
    {
        const QByteArray config = R"({"credsStore": "missing",
            "credHelpers": {"registry.test:5000": "test", "broken.test": "test"}})";
        const Result<FoundCredentials> found =
            dockerCredentials(u"registry.test:5000"_qs, environment(config));
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QCOMPARE(found->credentials->username, u"robot"_qs);
        QCOMPARE(found->credentials->password, u"s-3f9a"_qs);
        QCOMPARE(found->source, u"docker-credential-test"_qs);

        // A helper that fails says so in its words; the store named for the rest is missing.
        const Result<FoundCredentials> broken =
            dockerCredentials(u"broken.test"_qs, environment(config));
        QVERIFY(!broken);
        QVERIFY2(broken.error().message.contains(u"pass store is locked"),
                 qPrintable(broken.error().message));
        const Result<FoundCredentials> missing =
            dockerCredentials(u"elsewhere.test"_qs, environment(config));
        QVERIFY(!missing);
        QVERIFY2(missing.error().message.contains(u"docker-credential-missing"),
                 qPrintable(missing.error().message));
    }

    void aStoreWithNothingForTheHost()
    {
        const Result<FoundCredentials> found =
            dockerCredentials(u"unknown.test"_qs, environment(R"({"credsStore": "test"})"));
        QVERIFY2(found, qPrintable(found ? QString() : found.error().toString()));
        QVERIFY(!found->credentials);
    }

    void faultsNameTheFile()
    {
        const Result<FoundCredentials> garbage =
            dockerCredentials(u"registry.test:5000"_qs, environment("{\"auths\": "));
        QVERIFY(!garbage);
        QVERIFY(garbage.error().where.endsWith(u".docker/config.json"));
        QVERIFY2(garbage.error().message.contains(u"not JSON"),
                 qPrintable(garbage.error().message));

        // "c2VjcmV0LW9ubHk=" is "secret-only": no user name.
        const Result<FoundCredentials> half = dockerCredentials(
            u"registry.test:5000"_qs,
            environment(R"({"auths": {"registry.test:5000": {"auth": "c2VjcmV0LW9ubHk="}}})"));
        QVERIFY(!half);
        QVERIFY2(half.error().message.contains(u"not base64 \"user:password\""),
                 qPrintable(half.error().message));
        QVERIFY(!half.error().toString().contains(u"secret-only"));

        // No config file: anonymous.
        QProcessEnvironment empty;
        empty.insert(u"HOME"_qs, m_home.filePath(u"nowhere"_qs));
        const Result<FoundCredentials> none = dockerCredentials(u"registry.test:5000"_qs, empty);
        QVERIFY(none && !none->credentials);
    }
};

QTEST_GUILESS_MAIN(TestRegistryCredentials)
#include "tst_registrycredentials.moc"
