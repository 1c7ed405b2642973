// Discovery as kubectl reads it: the core group from /api/v1, every other group's preferred
// version from /apis, subresources left out. A group version that fails to answer (an
// aggregated API whose backend is down) is skipped, as kubectl skips it; a server that cannot
// be reached or refuses the user fails the whole load.
#include "kubernetes/kubediscovery.h"

#include "kubernetes/kubeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUrl>

Q_LOGGING_CATEGORY(lcKubeDiscovery, "launchdeck.kubernetes.discovery", QtInfoMsg)

namespace launchdeck::kube {

namespace {

constexpr int kTimeoutMs = 30'000;

QString encoded(const QString& segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

// "31+" (as some providers write it) counts as 31.
int leadingNumber(const QString& text)
{
    qsizetype digits = 0;
    while (digits < text.size() && text.at(digits).isDigit())
        ++digits;
    return text.left(digits).toInt();
}

Result<QJsonObject> getObject(KubeClient& client, const QString& path,
                              const std::atomic_bool* cancel, long* status = nullptr)
{
    const KubeAnswer answer = client.get(path, kTimeoutMs, cancel);
    if (status)
        *status = answer.status;
    if (!answer.ok())
        return Error{answer.error, path};
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(answer.body, &parseError);
    if (!document.isObject())
        return Error{
            QStringLiteral("the answer is not a JSON object (%1)").arg(parseError.errorString()),
            path};
    return document.object();
}

QStringList strings(const QJsonValue& value)
{
    QStringList list;
    for (const QJsonValue& item : value.toArray())
        list.append(item.toString());
    return list;
}

} // namespace

QString ResourceInfo::collectionPath(const QString& nameSpace) const
{
    QString path =
        group.isEmpty() ? QString(u"/api/" + version) : QString(u"/apis/" + group + u'/' + version);
    if (namespaced && !nameSpace.isEmpty())
        path += u"/namespaces/" + encoded(nameSpace);
    return path + u'/' + plural;
}

QString ResourceInfo::objectPath(const QString& nameSpace, const QString& name) const
{
    return collectionPath(nameSpace) + u'/' + encoded(name);
}

Result<Discovery> Discovery::load(KubeClient& client, const std::atomic_bool* cancel)
{
    Discovery discovery;
    const Result<QJsonObject> version = getObject(client, QStringLiteral("/version"), cancel);
    if (!version)
        return version.error();
    discovery.m_version.gitVersion = version->value(u"gitVersion").toString();
    discovery.m_version.major = leadingNumber(version->value(u"major").toString());
    discovery.m_version.minor = leadingNumber(version->value(u"minor").toString());

    // Core first, then the groups in the server's order: the first kind of a name wins, as in
    // kubectl's RESTMapper (an Event is the core one, not events.k8s.io's).
    QList<std::pair<QString, QString>> groupVersions{{QString(), QStringLiteral("v1")}};
    const Result<QJsonObject> groups = getObject(client, QStringLiteral("/apis"), cancel);
    if (!groups)
        return groups.error();
    for (const QJsonValue& entry : groups->value(u"groups").toArray()) {
        const QJsonObject group = entry.toObject();
        QString preferred =
            group.value(u"preferredVersion").toObject().value(u"version").toString();
        if (preferred.isEmpty())
            preferred =
                group.value(u"versions").toArray().first().toObject().value(u"version").toString();
        const QString name = group.value(u"name").toString();
        if (!name.isEmpty() && !preferred.isEmpty())
            groupVersions.append({name, preferred});
    }

    for (const auto& [group, groupVersion] : std::as_const(groupVersions)) {
        const QString path = group.isEmpty() ? QString(u"/api/" + groupVersion)
                                             : QString(u"/apis/" + group + u'/' + groupVersion);
        long status = 0;
        const Result<QJsonObject> list = getObject(client, path, cancel, &status);
        if (!list) {
            // Without the core group, or without an answer at all, there is nothing to show.
            if (group.isEmpty() || status == 0 || status == 401 || status == 403)
                return list.error();
            qCWarning(lcKubeDiscovery).noquote()
                << "skipping" << path << "of" << client.clusterName() << ":"
                << list.error().message;
            continue;
        }
        for (const QJsonValue& entry : list->value(u"resources").toArray()) {
            const QJsonObject resource = entry.toObject();
            ResourceInfo info;
            info.plural = resource.value(u"name").toString();
            if (info.plural.isEmpty() || info.plural.contains(u'/'))
                continue; // "pods/log", "deployments/scale": reached through their object
            info.group = group;
            info.version = groupVersion;
            info.kind = resource.value(u"kind").toString();
            info.namespaced = resource.value(u"namespaced").toBool();
            info.verbs = strings(resource.value(u"verbs"));
            info.shortNames = strings(resource.value(u"shortNames"));
            const int index = int(discovery.m_resources.size());
            discovery.m_resources.append(info);
            QStringList keys{info.kind.toLower(), info.plural.toLower(),
                             resource.value(u"singularName").toString().toLower()};
            for (const QString& shortName : std::as_const(info.shortNames))
                keys.append(shortName.toLower());
            if (!group.isEmpty()) {
                keys.append(info.plural.toLower() + u'.' + group);
                keys.append(info.kind.toLower() + u'.' + group);
            }
            for (const QString& key : std::as_const(keys))
                if (!key.isEmpty() && !discovery.m_index.contains(key))
                    discovery.m_index.insert(key, index);
        }
        if (!group.isEmpty())
            discovery.m_groups.append(group);
    }
    return discovery;
}

const ResourceInfo* Discovery::find(const QString& name) const
{
    const auto it = m_index.constFind(name.toLower());
    return it == m_index.cend() ? nullptr : &m_resources.at(*it);
}

bool Discovery::hasGroup(const QString& group) const
{
    return m_groups.contains(group);
}

} // namespace launchdeck::kube
