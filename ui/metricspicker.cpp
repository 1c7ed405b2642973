// The picker's tree follows the store's catalogue by key, so checks and expansion survive every
// update; the remembered choice lives in QSettings.
#include "metricspicker.h"

#include "standardicon.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace launchdeck {

namespace {

QString rememberedName(const QString& host, const QString& name)
{
    return host % u'/' % name;
}

} // namespace

MetricsPicker::MetricsPicker(MetricsStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
    , m_model(new QStandardItemModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_filter->setPlaceholderText(tr("Filter containers"));
    enableClearButtonWhenShown(m_filter);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterRole(NameRole);
    m_view->setModel(m_proxy);
    m_view->setHeaderHidden(true);
    m_view->setUniformRowHeights(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);

    const QStringList remembered = QSettings().value(settingsKey()).toStringList();
    m_remembered = QSet<QString>(remembered.begin(), remembered.end());

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        m_view->expandAll();
    });
    connect(m_model, &QStandardItemModel::itemChanged, this, &MetricsPicker::onItemChanged);
    connect(m_store, &MetricsStore::containersChanged, this, &MetricsPicker::sync);
    sync();
}

MetricsPicker::~MetricsPicker() = default;

QStandardItem* MetricsPicker::hostItem(const QString& host)
{
    if (QStandardItem* item = m_hosts.value(host))
        return item;
    auto* item = new QStandardItem;
    item->setData(host, HostRole);
    item->setData(host, NameRole);
    item->setFlags(Qt::ItemIsEnabled);
    m_hosts.insert(host, item);
    describeHost(item);
    m_model->appendRow(item);
    m_view->expand(m_proxy->mapFromSource(item->index()));
    return item;
}

void MetricsPicker::describeHost(QStandardItem* item)
{
    const QString host = item->data(HostRole).toString();
    const QString state = m_hostStates.value(host);
    const auto [message, detail] = m_hostMessages.value(host);
    if (!message.isEmpty())
        item->setText(message);
    else
        item->setText(state.isEmpty() ? host : host % QStringLiteral(" (") % state % u')');
    item->setToolTip(detail);
    item->setForeground(state.isEmpty() && message.isEmpty() ? QBrush()
                                                             : QBrush(QColor(0xbf, 0x36, 0x0c)));
}

void MetricsPicker::setHostMessage(const QString& host, const QString& message,
                                   const QString& detail)
{
    if (message.isEmpty())
        m_hostMessages.remove(host);
    else
        m_hostMessages.insert(host, {message, detail});
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    describeHost(hostItem(host));
    m_syncing = wasSyncing;
}

void MetricsPicker::setHostState(const QString& host, const QString& state)
{
    m_hostStates.insert(host, state);
    const bool wasSyncing = m_syncing;
    m_syncing = true;
    describeHost(hostItem(host));
    m_syncing = wasSyncing;
}

void MetricsPicker::describe(QStandardItem* item, const MetricsContainer& container)
{
    const bool running = container.state == u"running";
    item->setText(container.state.isEmpty()
                      ? container.name
                      : container.name % QStringLiteral("  ·  ") % container.state);
    item->setData(container.name, NameRole);
    item->setData(container.state, StateRole);
    item->setToolTip(container.key.containerId);
    item->setForeground(running || container.state.isEmpty() ? QBrush() : QBrush(Qt::gray));
}

void MetricsPicker::sync()
{
    m_syncing = true;
    const QList<MetricsContainer> containers = m_store->containers();
    QSet<MetricsKey> present;
    bool pickChanged = false;
    for (const MetricsContainer& container : containers) {
        present.insert(container.key);
        QStandardItem* item = m_items.value(container.key);
        if (!item) {
            item = new QStandardItem;
            item->setData(container.key.host, HostRole);
            item->setData(container.key.containerId, IdRole);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            const bool remembered =
                m_remembered.contains(rememberedName(container.key.host, container.name));
            item->setCheckState(remembered ? Qt::Checked : Qt::Unchecked);
            if (remembered) {
                m_checked.insert(container.key);
                pickChanged = true;
            }
            m_items.insert(container.key, item);
            hostItem(container.key.host)->appendRow(item);
        } else if (item->data(NameRole).toString() != container.name &&
                   m_remembered.contains(rememberedName(container.key.host, container.name)) &&
                   item->checkState() != Qt::Checked) {
            // The store learned the real name of a container first seen by its id.
            item->setCheckState(Qt::Checked);
            m_checked.insert(container.key);
            pickChanged = true;
        }
        describe(item, container);
    }
    for (auto it = m_items.begin(); it != m_items.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        pickChanged = m_checked.remove(it.key()) || pickChanged;
        QStandardItem* parent = it.value()->parent();
        parent->removeRow(it.value()->row());
        it = m_items.erase(it);
    }
    m_syncing = false;
    if (pickChanged)
        Q_EMIT pickedChanged();
}

QList<MetricsKey> MetricsPicker::picked() const
{
    QList<MetricsKey> keys;
    for (int h = 0; h < m_model->rowCount(); ++h) {
        const QStandardItem* host = m_model->item(h);
        for (int c = 0; c < host->rowCount(); ++c) {
            const QStandardItem* item = host->child(c);
            if (item->checkState() == Qt::Checked)
                keys.append({item->data(HostRole).toString(), item->data(IdRole).toString()});
        }
    }
    return keys;
}

void MetricsPicker::setPicked(const MetricsKey& key, bool picked)
{
    if (QStandardItem* item = m_items.value(key))
        item->setCheckState(picked ? Qt::Checked : Qt::Unchecked);
}

void MetricsPicker::onItemChanged(QStandardItem* item)
{
    if (m_syncing || item->data(IdRole).isNull())
        return;
    const MetricsKey key{item->data(HostRole).toString(), item->data(IdRole).toString()};
    const bool checked = item->checkState() == Qt::Checked;
    // Text and colour changes arrive here too; only a check that changed is a new choice.
    if (checked == m_checked.contains(key))
        return;
    const QString name = rememberedName(key.host, item->data(NameRole).toString());
    if (checked) {
        m_checked.insert(key);
        m_remembered.insert(name);
    } else {
        m_checked.remove(key);
        m_remembered.remove(name);
    }
    saveChoice();
    Q_EMIT pickedChanged();
}

void MetricsPicker::saveChoice()
{
    QStringList names(m_remembered.begin(), m_remembered.end());
    names.sort();
    QSettings().setValue(settingsKey(), names);
}

} // namespace launchdeck
