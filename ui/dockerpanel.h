// The Docker view of the Infrastructure tab: a tree of hosts with their connection state and
// resources on the left; containers, images, networks and volumes, and log tabs on the right.
#pragma once

#include <QList>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace launchdeck {

class BannerWidget;
class DockerContainersModel;
class DockerContainersPage;
class DockerHost;
class DockerImagesPage;

class DockerPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerPanel)

public:
    enum class Page { Containers, Images, Networks, Volumes };

    explicit DockerPanel(QWidget* parent = nullptr);
    ~DockerPanel() override;

    // Hosts are owned elsewhere and already started (or started later); the panel follows them
    // until the next call, and forgets one that is destroyed.
    void setHosts(const QList<DockerHost*>& hosts);
    QList<DockerHost*> hosts() const;

    void showHost(DockerHost* host, Page page = Page::Containers);
    DockerHost* currentHost() const;
    Page currentPage() const;
    DockerContainersModel* containersModel(const DockerHost* host) const;

    // The connection line of the current host, e.g. "Disconnected … retry 3 in 4 s".
    QString connectionText() const;
    QPushButton* retryButton() const { return m_retry; }
    BannerWidget* banner() const { return m_banner; }
    QTreeWidget* hostsTree() const { return m_tree; }
    QTabWidget* tabs() const { return m_tabs; }
    DockerContainersPage* containersPage() const { return m_containers; }
    DockerImagesPage* imagesPage() const { return m_images; }
    QTableView* networksView() const { return m_networks; }
    QTableView* volumesView() const { return m_volumes; }

    // Opens (or brings forward) a closable tab following the container's log.
    void openLogs(const QString& containerId, const QString& containerName);

private:
    struct HostEntry;

    void buildLayout();
    void clearHosts();
    HostEntry* entryOf(const DockerHost* host) const;
    HostEntry* currentEntry() const;
    void connectHost(HostEntry* entry);
    void forgetHost(HostEntry* entry);
    void showCurrent();
    void updateHostItem(HostEntry* entry);
    void updateConnectionBar();
    void updateCounts(HostEntry* entry);
    QString statusText(const HostEntry* entry, bool withHostName) const;
    void reportFailure(const QString& what, const QString& error);

    QTreeWidget* m_tree;
    QLabel* m_connectionIcon;
    QLabel* m_connectionText;
    QPushButton* m_retry;
    BannerWidget* m_banner;
    QTabWidget* m_tabs;
    QStackedWidget* m_stack;
    QLabel* m_emptyHint;
    DockerContainersPage* m_containers;
    DockerImagesPage* m_images;
    QTableView* m_networks;
    QTableView* m_volumes;
    QSortFilterProxyModel* m_networksSorted;
    QSortFilterProxyModel* m_volumesSorted;
    QTimer* m_countdown; // moves the "retry in N s" texts on
    QTimer* m_ages;      // moves the "created N min ago" texts on
    std::vector<std::unique_ptr<HostEntry>> m_entries;
};

} // namespace launchdeck
