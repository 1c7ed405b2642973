// The images table of one Docker host: remove (with a force option), build and pull.
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
    QAction* pullAction() const { return m_pull; }

Q_SIGNALS:
    void removeSent(quint64 request, const QString& what);

private:
    void updateActions();
    void remove();
    void build();
    void pull();
    void logIn();

    QSortFilterProxyModel* m_sorted;
    QTableView* m_view;
    QAction* m_remove;
    QAction* m_build;
    QAction* m_pull;
    QAction* m_login;
    QPointer<DockerHost> m_host;
    QPointer<DockerImagesModel> m_model;
};

} // namespace launchdeck
