// One kubeconfig context resolved to everything a client needs to reach its API server: the
// server, TLS material read from files or -data, and how the user signs in.
#pragma once

#include "core/result.h"
#include "kubernetes/kubeconfig.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace launchdeck {

// A bearer token kept in a file, which tools such as projected service-account tokens rotate:
// read again whenever the file's modification time or size changes.
class BearerTokenFile final
{
public:
    BearerTokenFile() = default;
    explicit BearerTokenFile(QString path)
        : m_path(std::move(path))
    {}

    const QString& path() const { return m_path; }
    bool isSet() const { return !m_path.isEmpty(); }
    // The file's current token, trimmed; an unreadable or empty file is an error naming it.
    Result<QString> token();

private:
    QString m_path;
    QDateTime m_modified;
    qint64 m_size = -1;
    QString m_token;
};

struct ClusterConnection
{
    QString contextName;
    QString clusterName;
    QString userName;
    QString nameSpace; // the context's namespace; empty when it names none

    QString server;
    QString tlsServerName;
    QString proxyUrl;
    bool disableCompression = false;
    bool insecureSkipTlsVerify = false;
    QString insecureWarning; // set when verification is off: say so wherever the cluster shows

    QByteArray caData; // PEM from certificate-authority-data or the file
    QString caFile;    // absolute, when the CA came from a file
    QByteArray clientCertificateData;
    QString clientCertificateFile;
    QByteArray clientKeyData;
    QString clientKeyFile;

    QString token;             // the static token; empty when tokenFile or exec is used
    BearerTokenFile tokenFile; // re-read as the file changes
    QString username;          // basic authentication
    QString password;
    QString impersonate;
    QStringList impersonateGroups;

    bool hasExec = false;
    KubeExecConfig exec; // command made absolute when it is a path

    KubeOrigin origin; // the context's entry
};

// Resolves `contextName` (empty: current-context) as kubectl would connect with it. Relative
// files are read against the folder of the kubeconfig that names them; the messages name the
// file, line and entry at fault and never hold a token, password or key.
Result<ClusterConnection> resolveContext(const Kubeconfig& config, const QString& contextName = {});

} // namespace launchdeck
