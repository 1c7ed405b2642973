// The cluster view's actions: asked for in dialogs that run their own event loop, sent as
// requests the cluster's worker answers, so the GUI thread never waits on the API server.
#include "clusteractions.h"

#include "kubernetes/kubecluster.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace launchdeck {

ClusterActions::ClusterActions(QWidget* parent)
    : QObject(parent)
    , m_parent(parent)
{}

void ClusterActions::setCluster(kube::KubeCluster* cluster)
{
    if (cluster == m_cluster)
        return;
    disconnect(m_connection);
    m_pending.clear();
    m_cluster = cluster;
    if (!cluster)
        return;
    m_connection = connect(cluster, &kube::KubeCluster::actionFinished, this,
                           [this](quint64 request, const QString& error) {
                               if (!m_pending.contains(request))
                                   return;
                               Q_EMIT finished(m_pending.take(request), error);
                           });
}

bool ClusterActions::applies(Command command, const QString& kind)
{
    switch (command) {
    case Command::Scale:
        return kind == u"Deployment" || kind == u"StatefulSet";
    case Command::Restart:
        return kind == u"Deployment" || kind == u"StatefulSet" || kind == u"DaemonSet";
    case Command::SetImage:
        return kind == u"Deployment" || kind == u"StatefulSet" || kind == u"DaemonSet" ||
               kind == u"Pod";
    case Command::Delete:
        return kind == u"Pod";
    }
    return false;
}

QList<std::pair<QString, QString>> ClusterActions::containersOf(const QJsonObject& object)
{
    const QJsonObject spec = object.value(u"spec").toObject();
    const QJsonObject podSpec = object.value(u"kind").toString() == u"Pod"
                                    ? spec
                                    : spec.value(u"template")[u"spec"].toObject();
    QList<std::pair<QString, QString>> out;
    for (const char16_t* list : {u"initContainers", u"containers"}) {
        for (const QJsonValue container : podSpec.value(QStringView(list)).toArray())
            out.append({container[u"name"].toString(), container[u"image"].toString()});
    }
    return out;
}

void ClusterActions::run(Command command, const kube::LiveObject& object)
{
    if (!m_cluster || !applies(command, object.kind))
        return;
    switch (command) {
    case Command::Scale:
        scale(object);
        break;
    case Command::Restart:
        restart(object);
        break;
    case Command::SetImage:
        setImage(object);
        break;
    case Command::Delete:
        remove(object);
        break;
    }
}

void ClusterActions::track(quint64 request, const QString& what)
{
    m_pending.insert(request, what);
    Q_EMIT started(what);
}

bool ClusterActions::confirm(const QString& title, const QString& text, const QString& details,
                             const QString& button)
{
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                    m_parent);
    box.setInformativeText(details);
    box.button(QMessageBox::Yes)->setText(button);
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

void ClusterActions::scale(const kube::LiveObject& object)
{
    const int current = object.json.value(u"spec")[u"replicas"].toInt(1);
    QDialog dialog(m_parent);
    dialog.setObjectName(QLatin1String(kScaleDialog));
    dialog.setWindowTitle(tr("Scale %1 %2").arg(object.kind, object.name));
    auto* replicas = new QSpinBox(&dialog);
    replicas->setRange(0, 10'000);
    replicas->setValue(current);
    replicas->setAccessibleName(tr("Replicas"));
    auto* form = new QFormLayout;
    form->addRow(tr("Namespace:"), new QLabel(object.nameSpace, &dialog));
    form->addRow(tr("Currently:"), new QLabel(QString::number(current), &dialog));
    form->addRow(tr("&Replicas:"), replicas);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Scale"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(buttons);
    replicas->selectAll();
    if (dialog.exec() != QDialog::Accepted || !m_cluster)
        return;
    const int wanted = replicas->value();
    track(m_cluster->scale(object.kind, object.nameSpace, object.name, wanted),
          tr("Scale %1 %2 to %3").arg(object.kind, object.name).arg(wanted));
}

void ClusterActions::restart(const kube::LiveObject& object)
{
    if (!confirm(tr("Restart %1").arg(object.kind),
                 tr("Restart %1 %2 in %3?").arg(object.kind, object.name, object.nameSpace),
                 tr("Its pods are replaced as in a rollout, following the update strategy."),
                 tr("&Restart")) ||
        !m_cluster)
        return;
    track(m_cluster->restart(object.kind, object.nameSpace, object.name),
          tr("Restart %1 %2").arg(object.kind, object.name));
}

void ClusterActions::setImage(const kube::LiveObject& object)
{
    const auto containers = containersOf(object.json);
    if (containers.isEmpty())
        return;
    QDialog dialog(m_parent);
    dialog.setObjectName(QLatin1String(kSetImageDialog));
    dialog.setWindowTitle(tr("Set image of %1 %2").arg(object.kind, object.name));
    auto* container = new QComboBox(&dialog);
    for (const auto& [name, image] : containers)
        container->addItem(name, image);
    auto* image = new QLineEdit(containers.first().second, &dialog);
    image->setMinimumWidth(360);
    connect(container, &QComboBox::currentIndexChanged, image,
            [container, image] { image->setText(container->currentData().toString()); });
    auto* form = new QFormLayout;
    form->addRow(tr("&Container:"), container);
    form->addRow(tr("&Image:"), image);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Set Image"));
    // An image is a reference: empty or unchanged, there is nothing to set.
    const auto check = [container, image, buttons] {
        const QString text = image->text().trimmed();
        buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(!text.isEmpty() && !text.contains(u' ') &&
                         text != container->currentData().toString());
    };
    connect(image, &QLineEdit::textChanged, &dialog, check);
    connect(container, &QComboBox::currentIndexChanged, &dialog, check);
    check();
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(buttons);
    image->setFocus();
    if (dialog.exec() != QDialog::Accepted || !m_cluster)
        return;
    const QString name = container->currentText();
    const QString reference = image->text().trimmed();
    track(m_cluster->setImage(object.kind, object.nameSpace, object.name, name, reference),
          tr("Set image of %1 %2 (container %3) to %4")
              .arg(object.kind, object.name, name, reference));
}

void ClusterActions::remove(const kube::LiveObject& object)
{
    const QString details = object.json.value(u"metadata")[u"ownerReferences"].toArray().isEmpty()
                                ? tr("The pod has no owner: nothing will recreate it.")
                                : tr("Its owner will create a replacement.");
    if (!confirm(tr("Delete %1").arg(object.kind),
                 tr("Delete %1 %2 in %3?").arg(object.kind, object.name, object.nameSpace), details,
                 tr("&Delete")) ||
        !m_cluster)
        return;
    track(m_cluster->remove(object.kind, object.nameSpace, object.name),
          tr("Delete %1 %2").arg(object.kind, object.name));
}

} // namespace launchdeck
