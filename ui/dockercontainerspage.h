// The containers table of one Docker host with its filter, toolbar and context menu: lifecycle
// actions enabled by the selected containers' states, rename, remove, inspect and logs.
#pragma once

#include "docker/dockertypes.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QCheckBox;
class QLineEdit;
class QTableView;
class QToolBar;

namespace launchdeck {

class DockerContainersFilterModel;
class DockerContainersModel;
class DockerHost;

class DockerContainersPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerContainersPage)

public:
    enum class Command { Start, Stop, Restart, Pause, Unpause, Rename, Remove, Inspect, Logs };

    explicit DockerContainersPage(QWidget* parent = nullptr);

    // The host the actions go to and its containers; both owned elsewhere, either may be null.
    void setSource(DockerHost* host, DockerContainersModel* model);

    QAction* action(Command command) const;
    QTableView* view() const { return m_view; }
    DockerContainersFilterModel* filter() const { return m_filter; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    QCheckBox* runningOnlyBox() const { return m_runningOnly; }
    QList<DockerContainer> selectedContainers() const;

Q_SIGNALS:
    // `what` says what was asked, e.g. "Stop web-1", so a failure can name it.
    void actionSent(quint64 request, const QString& what);
    void inspectSent(quint64 request, const QString& containerName);
    void logsRequested(const QString& containerId, const QString& containerName);

private:
    void buildActions();
    void updateActions();
    void applyColumnWidths();
    void send(Command command);
    void rename();
    void remove();

    DockerContainersFilterModel* m_filter;
    QTableView* m_view;
    QLineEdit* m_filterEdit;
    QCheckBox* m_runningOnly;
    QToolBar* m_toolBar;
    QList<QAction*> m_actions; // by Command
    QPointer<DockerHost> m_host;
    QPointer<DockerContainersModel> m_model;
};

} // namespace launchdeck
