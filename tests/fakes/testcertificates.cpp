// Test certificates from the openssl command line.
#include "fakes/testcertificates.h"

#include "fakes/testfiles.h"

#include <QProcess>
#include <QStandardPaths>

namespace launchdeck::test {

bool runProgram(const QString& program, const QStringList& arguments, QString* error)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (process.waitForFinished(60'000) && process.exitStatus() == QProcess::NormalExit &&
        process.exitCode() == 0)
        return true;
    if (error)
        *error = program + u' ' + arguments.join(u' ') + u" failed: " +
                 QString::fromUtf8(process.readAll()).trimmed() + process.errorString();
    return false;
}

QString findProgram(const QString& name)
{
    QString program = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/bin")});
    if (program.isEmpty())
        program = QStandardPaths::findExecutable(name);
    return program;
}

TestCertificates::TestCertificates(QString folder)
    : m_folder(std::move(folder))
{}

bool TestCertificates::makeCa(QString* error)
{
    const QString openssl = findProgram(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        if (error)
            *error = QStringLiteral("openssl is not installed");
        return false;
    }
    return runProgram(
        openssl,
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
         QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
         path(QStringLiteral("ca.key")), QStringLiteral("-out"), caFile(), QStringLiteral("-days"),
         QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=launchdeck-test-ca")},
        error);
}

bool TestCertificates::sign(const QString& name, const QString& subject,
                            const QByteArray& extensions, QString* error)
{
    const QString openssl = findProgram(QStringLiteral("openssl"));
    return writeText(path(name + u".ext"), extensions, error) &&
           runProgram(openssl,
                      {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-keyout"), path(name + u".key"),
                       QStringLiteral("-out"), path(name + u".csr"), QStringLiteral("-subj"),
                       subject},
                      error) &&
           runProgram(openssl,
                      {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                       path(name + u".csr"), QStringLiteral("-CA"), caFile(),
                       QStringLiteral("-CAkey"), path(QStringLiteral("ca.key")),
                       QStringLiteral("-CAcreateserial"), QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-out"), path(name + u".crt"),
                       QStringLiteral("-extfile"), path(name + u".ext")},
                      error);
}

bool TestCertificates::signServer(const QString& name, QString* error)
{
    return sign(name, QStringLiteral("/CN=127.0.0.1"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", error);
}

} // namespace launchdeck::test
