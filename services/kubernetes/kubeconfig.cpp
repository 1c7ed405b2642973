// Reading kubeconfig files and merging them the way client-go's loading rules do.
#include "kubernetes/kubeconfig.h"

#include "core/yamlsource.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSet>

#include <optional>

namespace launchdeck {

namespace {

// Reads the fields of one file. kubectl ignores keys it does not know (vendors add their own),
// so this does too; a value of the wrong shape is an error at its line.
class KubeconfigReader
{
public:
    explicit KubeconfigReader(QString path)
        : m_path(std::move(path))
    {}

    std::optional<Error> error;

    KubeOrigin origin(const YAML::Node& node) const { return {m_path, yamlLine(node)}; }

    void fail(const YAML::Node& node, const QString& message)
    {
        if (!error)
            error = Error{message, m_path + u':' + QString::number(yamlLine(node)) + u':' +
                                       QString::number(yamlColumn(node))};
    }

    QString text(const YAML::Node& map, const char* key, const QString& owner)
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return {};
        if (!node.IsScalar()) {
            fail(node, QStringLiteral("%1: %2 must be a string, not a %3")
                           .arg(owner, QLatin1String(key), yamlKindName(node)));
            return {};
        }
        return yamlText(node);
    }

    bool flag(const YAML::Node& map, const char* key, const QString& owner)
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return false;
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
            fail(node,
                 QStringLiteral("%1: %2 must be true or false").arg(owner, QLatin1String(key)));
        return value;
    }

    // kubectl decodes -data fields as standard base64 when it loads the file, so a bad value
    // makes the whole file unusable; the message names the field, never its content.
    QByteArray base64(const YAML::Node& map, const char* key, const QString& owner)
    {
        const QString encoded = text(map, key, owner);
        if (encoded.isEmpty())
            return {};
        QByteArray compact = encoded.toLatin1();
        compact.replace('\n', QByteArray()).replace('\r', QByteArray());
        const auto decoded =
            QByteArray::fromBase64Encoding(compact, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || compact.size() % 4 != 0) {
            fail(map[key],
                 QStringLiteral("%1: %2 is not valid base64").arg(owner, QLatin1String(key)));
            return {};
        }
        return *decoded;
    }

    QStringList strings(const YAML::Node& map, const char* key, const QString& owner)
    {
        const YAML::Node node = map[key];
        QStringList out;
        if (!node || node.IsNull())
            return out;
        if (!node.IsSequence()) {
            fail(node, QStringLiteral("%1: %2 must be a list").arg(owner, QLatin1String(key)));
            return out;
        }
        for (const YAML::Node& item : node) {
            if (!item.IsScalar())
                fail(
                    item,
                    QStringLiteral("%1: every %2 must be a string").arg(owner, QLatin1String(key)));
            else
                out.append(yamlText(item));
        }
        return out;
    }

    // The body of a named entry (`cluster:`, `user:`, `context:`): a mapping, or nothing.
    YAML::Node body(const YAML::Node& entry, const char* key, const QString& owner)
    {
        const YAML::Node node = entry[key];
        if (node && !node.IsNull() && !node.IsMap()) {
            fail(node, QStringLiteral("%1: %2 must be a mapping").arg(owner, QLatin1String(key)));
            return YAML::Node(YAML::NodeType::Map);
        }
        return node && node.IsMap() ? node : YAML::Node(YAML::NodeType::Map);
    }

private:
    QString m_path;
};

KubeconfigCluster readCluster(KubeconfigReader& in, const QString& name, const YAML::Node& entry)
{
    const QString owner = QStringLiteral("cluster \"%1\"").arg(name);
    const YAML::Node c = in.body(entry, "cluster", owner);
    KubeconfigCluster cluster;
    cluster.name = name;
    cluster.origin = in.origin(entry);
    cluster.server = in.text(c, "server", owner);
    cluster.certificateAuthority = in.text(c, "certificate-authority", owner);
    cluster.certificateAuthorityData = in.base64(c, "certificate-authority-data", owner);
    cluster.insecureSkipTlsVerify = in.flag(c, "insecure-skip-tls-verify", owner);
    cluster.tlsServerName = in.text(c, "tls-server-name", owner);
    cluster.proxyUrl = in.text(c, "proxy-url", owner);
    cluster.disableCompression = in.flag(c, "disable-compression", owner);
    return cluster;
}

KubeExecConfig readExec(KubeconfigReader& in, const YAML::Node& e, const QString& owner)
{
    KubeExecConfig exec;
    exec.command = in.text(e, "command", owner);
    exec.args = in.strings(e, "args", owner);
    exec.apiVersion = in.text(e, "apiVersion", owner);
    exec.installHint = in.text(e, "installHint", owner);
    exec.provideClusterInfo = in.flag(e, "provideClusterInfo", owner);
    exec.interactiveMode = in.text(e, "interactiveMode", owner);
    // client-go's defaulting: only the older API versions may leave the mode out.
    if (exec.interactiveMode.isEmpty() &&
        (exec.apiVersion == u"client.authentication.k8s.io/v1beta1" ||
         exec.apiVersion == u"client.authentication.k8s.io/v1alpha1"))
        exec.interactiveMode = QStringLiteral("IfAvailable");
    const YAML::Node env = e["env"];
    if (env && !env.IsNull()) {
        if (!env.IsSequence()) {
            in.fail(env, owner + QStringLiteral(": exec env must be a list of name and value"));
            return exec;
        }
        for (const YAML::Node& item : env) {
            if (!item.IsMap()) {
                in.fail(item, owner + QStringLiteral(": each exec env entry needs name and value"));
                continue;
            }
            exec.env.append({in.text(item, "name", owner), in.text(item, "value", owner)});
        }
    }
    return exec;
}

KubeconfigUser readUser(KubeconfigReader& in, const QString& name, const YAML::Node& entry)
{
    const QString owner = QStringLiteral("user \"%1\"").arg(name);
    const YAML::Node u = in.body(entry, "user", owner);
    KubeconfigUser user;
    user.name = name;
    user.origin = in.origin(entry);
    user.clientCertificate = in.text(u, "client-certificate", owner);
    user.clientCertificateData = in.base64(u, "client-certificate-data", owner);
    user.clientKey = in.text(u, "client-key", owner);
    user.clientKeyData = in.base64(u, "client-key-data", owner);
    user.token = in.text(u, "token", owner);
    user.tokenFile = in.text(u, "tokenFile", owner);
    user.username = in.text(u, "username", owner);
    user.password = in.text(u, "password", owner);
    user.impersonate = in.text(u, "as", owner);
    user.impersonateGroups = in.strings(u, "as-groups", owner);
    const YAML::Node exec = u["exec"];
    if (exec && !exec.IsNull()) {
        if (!exec.IsMap())
            in.fail(exec, owner + QStringLiteral(": exec must be a mapping"));
        else {
            user.hasExec = true;
            user.exec = readExec(in, exec, owner);
        }
    }
    user.hasAuthProvider = u["auth-provider"] && !u["auth-provider"].IsNull();
    return user;
}

KubeconfigContext readContext(KubeconfigReader& in, const QString& name, const YAML::Node& entry)
{
    const QString owner = QStringLiteral("context \"%1\"").arg(name);
    const YAML::Node c = in.body(entry, "context", owner);
    return {name, in.text(c, "cluster", owner), in.text(c, "user", owner),
            in.text(c, "namespace", owner), in.origin(entry)};
}

// Reads the named list `key` (clusters, users, contexts) into `out`; a name twice in one file
// is refused, as kubectl refuses it.
template <typename T, typename ReadOne>
void readNamedList(KubeconfigReader& in, const YAML::Node& root, const char* key,
                   const QString& kind, QMap<QString, T>& out, ReadOne readOne)
{
    const YAML::Node list = root[key];
    if (!list || list.IsNull())
        return;
    if (!list.IsSequence()) {
        in.fail(list, QStringLiteral("%1 must be a list").arg(QLatin1String(key)));
        return;
    }
    for (const YAML::Node& entry : list) {
        if (!entry.IsMap()) {
            in.fail(entry,
                    QStringLiteral("each entry of %1 must be a mapping").arg(QLatin1String(key)));
            continue;
        }
        const QString name = in.text(entry, "name", kind);
        if (name.isEmpty()) {
            in.fail(entry, QStringLiteral("a %1 without a name").arg(kind));
            continue;
        }
        if (out.contains(name)) {
            in.fail(entry,
                    QStringLiteral("%1 \"%2\" is defined twice in this file").arg(kind, name));
            continue;
        }
        out.insert(name, readOne(in, name, entry));
    }
}

} // namespace

KubeconfigLookup KubeconfigLookup::fromEnvironment()
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    return {env.value(QStringLiteral("KUBECONFIG")), QDir::homePath()};
}

Result<Kubeconfig> loadKubeconfigFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    Diagnostics findings;
    const YamlFile file = loadYamlFile(absolute, findings);
    for (const Diagnostic& finding : findings) {
        if (isError(finding.severity))
            return Error{QStringLiteral("cannot load kubeconfig: ") + finding.message,
                         finding.line > 0 ? absolute + u':' + QString::number(finding.line)
                                          : absolute};
    }
    Kubeconfig config;
    config.files = {absolute};
    if (!file.readable || file.documents.isEmpty())
        return config;
    const YAML::Node root = file.documents.first().root;
    if (root.IsNull())
        return config;
    KubeconfigReader in(absolute);
    if (!root.IsMap())
        return Error{
            QStringLiteral("a kubeconfig must be a mapping, not a %1").arg(yamlKindName(root)),
            absolute};
    readNamedList(in, root, "clusters", QStringLiteral("cluster"), config.clusters, readCluster);
    readNamedList(in, root, "users", QStringLiteral("user"), config.users, readUser);
    readNamedList(in, root, "contexts", QStringLiteral("context"), config.contexts, readContext);
    config.currentContext = in.text(root, "current-context", QStringLiteral("kubeconfig"));
    if (root["current-context"])
        config.currentContextOrigin = in.origin(root["current-context"]);
    if (in.error)
        return *in.error;
    return config;
}

Kubeconfig mergeKubeconfigs(const QList<Kubeconfig>& inPrecedenceOrder)
{
    Kubeconfig merged;
    for (const Kubeconfig& config : inPrecedenceOrder) {
        merged.files += config.files;
        if (merged.currentContext.isEmpty() && !config.currentContext.isEmpty()) {
            merged.currentContext = config.currentContext;
            merged.currentContextOrigin = config.currentContextOrigin;
        }
        // Whole entries, not fields: a cluster named in two files is the first file's cluster.
        for (auto it = config.clusters.cbegin(); it != config.clusters.cend(); ++it)
            if (!merged.clusters.contains(it.key()))
                merged.clusters.insert(it.key(), it.value());
        for (auto it = config.users.cbegin(); it != config.users.cend(); ++it)
            if (!merged.users.contains(it.key()))
                merged.users.insert(it.key(), it.value());
        for (auto it = config.contexts.cbegin(); it != config.contexts.cend(); ++it)
            if (!merged.contexts.contains(it.key()))
                merged.contexts.insert(it.key(), it.value());
    }
    return merged;
}

Result<Kubeconfig> loadKubeconfig(const KubeconfigLookup& lookup)
{
    QStringList files;
    if (!lookup.kubeconfigVariable.isEmpty()) {
        QSet<QString> seen;
        for (const QString& entry : lookup.kubeconfigVariable.split(u':', Qt::SkipEmptyParts)) {
            const QString absolute = QFileInfo(entry).absoluteFilePath();
            if (!seen.contains(absolute) && QFileInfo::exists(absolute))
                files.append(absolute);
            seen.insert(absolute);
        }
    } else {
        const QString home = lookup.home + QStringLiteral("/.kube/config");
        if (QFileInfo::exists(home))
            files.append(home);
    }
    QList<Kubeconfig> configs;
    for (const QString& file : std::as_const(files)) {
        Result<Kubeconfig> one = loadKubeconfigFile(file);
        if (!one)
            return one.error();
        configs.append(std::move(one).value());
    }
    return mergeKubeconfigs(configs);
}

Result<Kubeconfig> loadKubeconfigForTarget(const Target& target, const QString& workspaceRoot,
                                           const KubeconfigLookup& lookup)
{
    if (target.kubeconfig.isEmpty())
        return loadKubeconfig(lookup);
    const QString path = QDir(workspaceRoot).absoluteFilePath(target.kubeconfig);
    if (!QFileInfo::exists(path))
        return Error{QStringLiteral("target \"%1\" names kubeconfig \"%2\", which does not exist")
                         .arg(target.name, target.kubeconfig),
                     path};
    return loadKubeconfigFile(path);
}

} // namespace launchdeck
