// Pod log tabs of the cluster view: one pod, or a workload's pods (those its selector matches
// when asked) merged in one view.
#include "bannerwidget.h"
#include "clusterpanel.h"
#include "kubernetes/kubecluster.h"
#include "podlogview.h"

#include <QJsonArray>
#include <QTabWidget>

namespace launchdeck {

void ClusterPanel::openLogs(const QString& nameSpace, const QString& pod)
{
    openLogTab(nameSpace, {pod}, pod);
}

void ClusterPanel::openLogTab(const QString& nameSpace, const QStringList& pods,
                              const QString& title)
{
    if (!m_current || pods.isEmpty())
        return;
    const QString key = nameSpace + u'/' + title;
    for (int i = 1; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->property("clusterLogKey").toString() == key) {
            m_tabs->setCurrentIndex(i);
            return;
        }
    }
    auto* view = new PodLogView(m_current, nameSpace, pods, m_tabs);
    view->setProperty("clusterLogKey", key);
    const int index = m_tabs->addTab(view, tr("Logs: %1").arg(title));
    m_tabs->setTabToolTip(
        index, tr("%1 in %2 on %3 (%4 closes the tab)")
                   .arg(title, nameSpace, m_current->name(),
                        QKeySequence(QKeySequence::Close).toString(QKeySequence::NativeText)));
    m_tabs->setCurrentIndex(index);
}

void ClusterPanel::openLogsOf(const kube::LiveObject& object)
{
    if (!m_current)
        return;
    if (object.kind == u"Pod") {
        openLogs(object.nameSpace, object.name);
        return;
    }
    // A workload's pods, merged in one view: those its selector matches now.
    const QJsonObject labels = object.json.value(u"spec")[u"selector"][u"matchLabels"].toObject();
    QStringList selector;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        selector.append(it.key() + u'=' + it.value().toString());
    if (selector.isEmpty())
        return;
    m_logsList = {m_current->list(QStringLiteral("Pod"), object.nameSpace, selector.join(u',')),
                  object.nameSpace, object.name};
}

} // namespace launchdeck
