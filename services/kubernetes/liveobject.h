// An object as an API server holds it, reduced to what tables and views need, and the changes
// a watch reports. Values: they cross threads by copy (the JSON is implicitly shared).
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace launchdeck::kube {

struct LiveObject
{
    QString kind;      // "Pod"
    QString nameSpace; // empty for cluster-scoped kinds
    QString name;
    QString uid;
    QString resourceVersion;
    QJsonObject json; // the whole object as served (metadata.managedFields included)

    // "namespace/name", or "name" for a cluster-scoped object: unique within one kind.
    QString key() const { return nameSpace.isEmpty() ? name : nameSpace + u'/' + name; }
    // Fills kind/nameSpace/name/uid/resourceVersion from json; `kind` is used when the item of
    // a list carries none (list items have no kind on a real server).
    static LiveObject fromJson(const QJsonObject& json, const QString& kind);
};

struct LiveChange
{
    enum class Type { Added, Modified, Deleted };
    Type type = Type::Added;
    LiveObject object;
};

} // namespace launchdeck::kube

Q_DECLARE_METATYPE(launchdeck::kube::LiveObject)
Q_DECLARE_METATYPE(launchdeck::kube::LiveChange)
