// The live table of one kind: rows keyed by "namespace/name", cells from kubectl's printers, a
// change applied as the insert, removal or dataChanged of its own row, and a one-second tick
// that moves the time cells (AGE, LAST SEEN, "(5m ago)") on without recomputing rows.
#include "liveobjectsmodel.h"

#include "kubernetes/kubecolumns.h"

#include <QColor>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace launchdeck {

namespace {

constexpr int kAgeTickMs = 1000;
// Rows shown while the cluster cannot be reached: readable, plainly not current.
const QColor kStaleColour(0x8a, 0x8a, 0x8a);

// The count a cell starts with: "3" and "3 (5m ago)" sort as 3.
qint64 leadingNumber(const QString& cell)
{
    qint64 value = 0;
    for (const QChar c : cell) {
        if (!c.isDigit())
            break;
        value = value * 10 + c.digitValue();
    }
    return value;
}

} // namespace

LiveObjectsModel::LiveObjectsModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
    , m_ageTimer(new QTimer(this))
{
    m_ageTimer->setInterval(kAgeTickMs);
    connect(m_ageTimer, &QTimer::timeout, this, &LiveObjectsModel::refreshAges);
}

void LiveObjectsModel::setKind(const QString& kind, bool withNamespace)
{
    beginResetModel();
    m_kind = kind;
    m_withNamespace = withNamespace;
    m_columns = kube::columnsOf(kind);
    m_timeColumns.clear();
    for (int column = 0; column < m_columns.size(); ++column) {
        // RESTARTS carries the time since the last restart: "3 (5m ago)".
        if (kube::isDurationColumn(kind, column) || m_columns.at(column) == u"RESTARTS")
            m_timeColumns.append(column);
    }
    if (withNamespace)
        m_columns.prepend(u"NAMESPACE"_qs);
    m_rows.clear();
    m_index.clear();
    m_dirtyFrom = INT_MAX;
    m_removedSince = 0;
    m_ageTimer->stop();
    endResetModel();
}

void LiveObjectsModel::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
}

void LiveObjectsModel::computeCells(Row& row) const
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_now, Qt::UTC);
    row.cells = kube::rowOf(m_kind, row.object.json, now);
    row.since.resize(m_timeColumns.size());
    for (qsizetype i = 0; i < m_timeColumns.size(); ++i) {
        const int column = m_timeColumns.at(i);
        // A RESTARTS cell without "(… ago)" has no instant: spare working the pod out again.
        if (!kube::isDurationColumn(m_kind, column) && !row.cells.at(column).endsWith(u')')) {
            row.since[i] = 0;
            continue;
        }
        const QDateTime since = kube::sinceOf(m_kind, row.object.json, column);
        row.since[i] = since.isValid() ? since.toMSecsSinceEpoch() : 0;
    }
}

void LiveObjectsModel::reset(const QList<kube::LiveObject>& objects)
{
    beginResetModel();
    m_now = m_clock().toMSecsSinceEpoch();
    m_rows.clear();
    m_index.clear();
    m_rows.reserve(objects.size());
    m_index.reserve(objects.size());
    m_dirtyFrom = INT_MAX;
    m_removedSince = 0;
    for (const kube::LiveObject& object : objects) {
        Row row{object.key(), object, {}, {}};
        computeCells(row);
        const auto existing = m_index.constFind(row.key);
        if (existing != m_index.constEnd()) {
            m_rows[*existing] = std::move(row); // a repeated key: the later object wins
            continue;
        }
        m_index.insert(row.key, int(m_rows.size()));
        m_rows.append(std::move(row));
    }
    endResetModel();
    if (m_rows.isEmpty())
        m_ageTimer->stop();
    else if (!m_ageTimer->isActive())
        m_ageTimer->start();
}

void LiveObjectsModel::apply(const QList<kube::LiveChange>& changes)
{
    m_now = m_clock().toMSecsSinceEpoch();
    const int offset = m_withNamespace ? 1 : 0;
    for (const kube::LiveChange& change : changes) {
        const QString key = change.object.key();
        const int at = rowOf(key);
        if (change.type == kube::LiveChange::Type::Deleted) {
            if (at >= 0)
                eraseRow(at);
            continue;
        }
        Row next{key, change.object, {}, {}};
        computeCells(next);
        if (at < 0) {
            const int end = int(m_rows.size());
            beginInsertRows({}, end, end);
            m_index.insert(key, end);
            m_rows.append(std::move(next));
            endInsertRows();
            continue;
        }
        Row& row = m_rows[at];
        int first = -1;
        int last = -1;
        for (int column = 0; column < next.cells.size(); ++column) {
            if (column >= row.cells.size() || row.cells.at(column) != next.cells.at(column)) {
                first = first < 0 ? column : first;
                last = column;
            }
        }
        const bool labelsChanged =
            row.object.json[u"metadata"][u"labels"] != next.object.json[u"metadata"][u"labels"];
        row = std::move(next);
        // Labels show in no cell but feed the selector filter: the whole row is announced.
        if (labelsChanged) {
            first = 0;
            last = int(m_columns.size()) - 1 - offset;
        }
        if (first >= 0)
            Q_EMIT dataChanged(index(at, first + offset), index(at, last + offset));
    }
    if (m_rows.isEmpty())
        m_ageTimer->stop();
    else if (!m_ageTimer->isActive())
        m_ageTimer->start();
}

void LiveObjectsModel::eraseRow(int row)
{
    beginRemoveRows({}, row, row);
    m_index.remove(m_rows.at(row).key);
    m_rows.removeAt(row);
    m_dirtyFrom = std::min(m_dirtyFrom, row);
    ++m_removedSince;
    endRemoveRows();
    // Renumbering every √n removals keeps both it and the lookups' scan at O(√n) a change.
    if (m_removedSince > std::max(16, int(std::sqrt(double(m_rows.size())))))
        rebuildIndex();
}

void LiveObjectsModel::rebuildIndex()
{
    for (int row = m_dirtyFrom; row < m_rows.size(); ++row)
        m_index[m_rows.at(row).key] = row;
    m_dirtyFrom = INT_MAX;
    m_removedSince = 0;
}

int LiveObjectsModel::rowOf(const QString& key) const
{
    const auto found = m_index.constFind(key);
    if (found == m_index.constEnd())
        return -1;
    const int noted = *found;
    if (noted < m_dirtyFrom)
        return noted;
    // Only removals have happened since: the row is at most m_removedSince places earlier.
    const int high = std::min(noted, int(m_rows.size()) - 1);
    const int low = std::max(m_dirtyFrom, noted - m_removedSince);
    for (int row = high; row >= low; --row) {
        if (m_rows.at(row).key == key)
            return row;
    }
    return -1;
}

void LiveObjectsModel::setStale(bool stale)
{
    if (stale == m_stale)
        return;
    m_stale = stale;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1),
                           {Qt::ForegroundRole});
}

void LiveObjectsModel::refreshAges()
{
    m_now = m_clock().toMSecsSinceEpoch();
    const int offset = m_withNamespace ? 1 : 0;
    for (qsizetype i = 0; i < m_timeColumns.size(); ++i) {
        const int column = m_timeColumns.at(i);
        int first = -1;
        int last = -1;
        for (int at = 0; at < m_rows.size(); ++at) {
            Row& row = m_rows[at];
            if (row.since.at(i) == 0)
                continue;
            const QString aged = kube::agedCell(m_kind, column, row.cells.at(column),
                                                (m_now - row.since.at(i)) / 1000);
            if (aged == row.cells.at(column))
                continue;
            row.cells[column] = aged;
            first = first < 0 ? at : first;
            last = at;
        }
        if (first >= 0)
            Q_EMIT dataChanged(index(first, column + offset), index(last, column + offset),
                               {Qt::DisplayRole, SortRole});
    }
}

const kube::LiveObject* LiveObjectsModel::object(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row).object : nullptr;
}

int LiveObjectsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LiveObjectsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant LiveObjectsModel::sortValue(const Row& row, int column) const
{
    if (column < 0)
        return row.object.nameSpace;
    if (kube::isDurationColumn(m_kind, column)) {
        const qsizetype slot = m_timeColumns.indexOf(column);
        const qint64 since = slot >= 0 ? row.since.at(slot) : 0;
        // No time ("<unknown>") sorts as the oldest.
        return since == 0 ? std::numeric_limits<qint64>::max() : (m_now - since) / 1000;
    }
    if (kube::isNumericColumn(m_kind, column))
        return leadingNumber(row.cells.at(column));
    return row.cells.at(column);
}

QVariant LiveObjectsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const int column = index.column() - (m_withNamespace ? 1 : 0);
    switch (role) {
    case Qt::DisplayRole:
        return column < 0 ? row.object.nameSpace : row.cells.value(column);
    case SortRole:
        return sortValue(row, column);
    case KeyRole:
        return row.key;
    case LabelsRole:
        return row.object.json[u"metadata"][u"labels"].toObject();
    case Qt::ForegroundRole:
        return m_stale ? QVariant(kStaleColour) : QVariant();
    default:
        return {};
    }
}

QVariant LiveObjectsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < m_columns.size())
        return m_columns.at(section);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace launchdeck
