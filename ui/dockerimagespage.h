// The images table of one Docker host: remove (with a force option) and build.
#pragma once

#include <QPointer>
#include <QWidget>

class QAction;
class QSortFilterProxyModel;
class QTableView;

namespace launchdeck {

class DockerHost;
class DockerImagesModel;

class DockerImagesPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerImagesPage)

public:
    explicit DockerImagesPage(QWidget* parent = nullptr);

    // Both owned elsewhere; either may be null.
    void setSource(DockerHost* host, DockerImagesModel* model);

    QTableView* view() const { return m_view; }
    QAction* removeAction() const { return m_remove; }
    QAction* buildAction() const { return m_build; }

Q_SIGNALS:
    void removeSent(quint64 request, const QString& what);

private:
    void updateActions();
    void remove();
    void build();

    QSortFilterProxyModel* m_sorted;
    QTableView* m_view;
    QAction* m_remove;
    QAction* m_build;
    QPointer<DockerHost> m_host;
    QPointer<DockerImagesModel> m_model;
};

} // namespace launchdeck
