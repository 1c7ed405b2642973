// kubeconfig files as kubectl reads them: KUBECONFIG's list merged (the first file to set a
// value or a named entry wins), else ~/.kube/config, or one explicit file.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace launchdeck {

struct Target;

// Where an entry was written: its file (absolute) and line, for messages and for resolving the
// relative paths it holds, which kubectl reads against the file's folder.
struct KubeOrigin
{
    QString file;
    int line = 0;
    QString where() const { return line > 0 ? file + u':' + QString::number(line) : file; }
};

struct KubeconfigCluster
{
    QString name;
    QString server;
    QString certificateAuthority;        // as written: relative to origin's folder
    QByteArray certificateAuthorityData; // decoded PEM
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
    bool disableCompression = false;
    KubeOrigin origin;
};

struct KubeExecEnvVar
{
    QString name;
    QString value;
};

struct KubeExecConfig
{
    QString command; // as written: a name looked up on PATH, or a path (relative to origin)
    QStringList args;
    QList<KubeExecEnvVar> env;
    QString apiVersion;
    QString installHint;
    bool provideClusterInfo = false;
    QString interactiveMode; // Never, IfAvailable, Always; v1beta1 defaults to IfAvailable
    bool isSet() const { return !command.isEmpty() || !apiVersion.isEmpty(); }
};

struct KubeconfigUser
{
    QString name;
    QString clientCertificate; // as written
    QByteArray clientCertificateData;
    QString clientKey; // as written
    QByteArray clientKeyData;
    QString token;
    QString tokenFile; // as written
    QString username;
    QString password;
    QString impersonate;
    QStringList impersonateGroups;
    bool hasExec = false;
    KubeExecConfig exec;
    bool hasAuthProvider = false; // the legacy auth-provider block, which Launchdeck refuses
    KubeOrigin origin;
};

struct KubeconfigContext
{
    QString name;
    QString cluster;
    QString user;
    QString nameSpace;
    KubeOrigin origin;
};

struct Kubeconfig
{
    QStringList files; // the files read, in precedence order
    QString currentContext;
    KubeOrigin currentContextOrigin;
    QMap<QString, KubeconfigCluster> clusters;
    QMap<QString, KubeconfigUser> users;
    QMap<QString, KubeconfigContext> contexts;
};

// What kubectl looks at to find its files. fromEnvironment() reads KUBECONFIG and HOME.
struct KubeconfigLookup
{
    QString kubeconfigVariable; // KUBECONFIG: files separated by ':'
    QString home;
    static KubeconfigLookup fromEnvironment();
};

// One file; a missing or unreadable file, bad YAML, a bad base64 value or a duplicate name is
// an error naming the file and, where it has one, the line.
Result<Kubeconfig> loadKubeconfigFile(const QString& path);

// KUBECONFIG's files merged as kubectl merges them (files that do not exist are skipped, as
// kubectl skips them), else ~/.kube/config; no file at all gives an empty Kubeconfig.
Result<Kubeconfig>
loadKubeconfig(const KubeconfigLookup& lookup = KubeconfigLookup::fromEnvironment());

// The kubeconfig a workspace's kubernetes target names: its `kubeconfig:` file (relative to the
// workspace folder) alone, as `kubectl --kubeconfig` reads it, else the default lookup.
Result<Kubeconfig>
loadKubeconfigForTarget(const Target& target, const QString& workspaceRoot,
                        const KubeconfigLookup& lookup = KubeconfigLookup::fromEnvironment());

// kubectl's merge: named entries and current-context come from the first file that has them.
Kubeconfig mergeKubeconfigs(const QList<Kubeconfig>& inPrecedenceOrder);

} // namespace launchdeck
