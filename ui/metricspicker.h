// The container picker of the Live Metrics tab: the store's containers (and pods) grouped by
// host (or cluster) with their state, checkable several at once, filtered by text; the choice is
// remembered by host and container name so a recreated container is picked again.
#pragma once

#include "metricsstore.h"

#include <QHash>
#include <QSet>
#include <QWidget>

#include <utility>

class QLineEdit;
class QSortFilterProxyModel;
class QStandardItem;
class QStandardItemModel;
class QTreeView;

namespace launchdeck {

class MetricsPicker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsPicker)

public:
    // The store is not owned and must outlive the picker.
    explicit MetricsPicker(MetricsStore* store, QWidget* parent = nullptr);
    ~MetricsPicker() override;

    // The checked containers in the list's order.
    QList<MetricsKey> picked() const;
    void setPicked(const MetricsKey& key, bool picked);
    // e.g. "disconnected"; empty for a connected host.
    void setHostState(const QString& host, const QString& state);
    // Shown in place of the host's name and state (a cluster without the metrics API), with
    // `detail` as its tooltip; empty gives the name back.
    void setHostMessage(const QString& host, const QString& message, const QString& detail = {});

    QLineEdit* filterField() const { return m_filter; }
    QTreeView* view() const { return m_view; }
    QStandardItemModel* model() const { return m_model; }
    QStandardItem* itemFor(const MetricsKey& key) const { return m_items.value(key); }

    static QString settingsKey() { return QStringLiteral("metrics/pickedContainers"); }

Q_SIGNALS:
    void pickedChanged();

private:
    enum Role { HostRole = Qt::UserRole + 1, IdRole, NameRole, StateRole };

    void sync();
    QStandardItem* hostItem(const QString& host);
    void describeHost(QStandardItem* item);
    void describe(QStandardItem* item, const MetricsContainer& container);
    void onItemChanged(QStandardItem* item);
    void saveChoice();

    MetricsStore* m_store;
    QLineEdit* m_filter;
    QTreeView* m_view;
    QStandardItemModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QHash<QString, QStandardItem*> m_hosts;
    QHash<QString, QString> m_hostStates;
    QHash<QString, std::pair<QString, QString>> m_hostMessages; // message, detail
    QHash<MetricsKey, QStandardItem*> m_items;
    QSet<QString> m_remembered; // "host/name"
    QSet<MetricsKey> m_checked;
    bool m_syncing = false;
};

} // namespace launchdeck
