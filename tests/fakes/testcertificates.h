// A test CA and the certificates it signs, made with the openssl command line in a folder of
// the test's: ca.crt/ca.key, then NAME.crt/NAME.key for each certificate signed.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace launchdeck::test {

// Runs `program` with `arguments` to its end (60 s at most); on failure says what it printed.
bool runProgram(const QString& program, const QStringList& arguments, QString* error);

// Debian's program of that name first (one on PATH may be a version manager's shim); empty when
// there is none.
QString findProgram(const QString& name);

class TestCertificates final
{
public:
    explicit TestCertificates(QString folder);

    // ca.crt and ca.key, subject CN=launchdeck-test-ca, valid two days.
    bool makeCa(QString* error = nullptr);
    // NAME.crt and NAME.key signed by the CA for `subject` ("/CN=127.0.0.1"), with the
    // extensions `extensions` (openssl extfile lines, e.g. "subjectAltName=IP:127.0.0.1\n").
    bool sign(const QString& name, const QString& subject, const QByteArray& extensions,
              QString* error = nullptr);
    // A server certificate for 127.0.0.1 and localhost.
    bool signServer(const QString& name, QString* error = nullptr);

    QString path(const QString& file) const { return m_folder + u'/' + file; }
    QString caFile() const { return path(QStringLiteral("ca.crt")); }

private:
    QString m_folder;
};

} // namespace launchdeck::test
