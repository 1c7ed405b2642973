// The cluster view's actions on one object: Scale… (a replica count), Restart (as kubectl
// rollout restart), Set image… (a container of the object's spec and its new image) and Delete
// (pods). Each asks first, goes to the cluster as an asynchronous request, and its outcome is
// reported in the API server's words.
#pragma once

#include "kubernetes/liveobject.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QWidget;

namespace launchdeck {

namespace kube {
class KubeCluster;
}

class ClusterActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterActions)

public:
    enum class Command { Scale, Restart, SetImage, Delete };

    // Dialogs open over `parent`.
    explicit ClusterActions(QWidget* parent);

    // The cluster actions go to (not owned); null while there is none.
    void setCluster(kube::KubeCluster* cluster);

    // Whether `command` applies to an object of `kind`.
    static bool applies(Command command, const QString& kind);
    // The containers of the object's pod template (or of the pod itself): name -> image.
    static QList<std::pair<QString, QString>> containersOf(const QJsonObject& object);

    // Asks (a dialog or a confirmation) and sends the request; nothing happens on Cancel.
    void run(Command command, const kube::LiveObject& object);

    // The dialogs' object names, for tests that answer them.
    static constexpr const char* kScaleDialog = "clusterScaleDialog";
    static constexpr const char* kSetImageDialog = "clusterSetImageDialog";

Q_SIGNALS:
    // The request went out: `what` names it ("Scale Deployment web to 3").
    void started(const QString& what);
    // Its answer: `error` empty on success, else the API server's message.
    void finished(const QString& what, const QString& error);

private:
    void scale(const kube::LiveObject& object);
    void restart(const kube::LiveObject& object);
    void setImage(const kube::LiveObject& object);
    void remove(const kube::LiveObject& object);
    bool confirm(const QString& title, const QString& text, const QString& details,
                 const QString& button);
    void track(quint64 request, const QString& what);

    QWidget* m_parent;
    QPointer<kube::KubeCluster> m_cluster;
    QMetaObject::Connection m_connection;
    QHash<quint64, QString> m_pending; // request -> what it asked
};

} // namespace launchdeck
