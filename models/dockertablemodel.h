// The keyed-diff machinery shared by the Docker tables: rows indexed by a key (container id,
// image id, network id, volume name), full listings applied as inserts, removals and
// dataChanged over the cells that really changed.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace launchdeck {

// A template without Q_OBJECT of its own: the concrete models add it, and the base brings the
// rows, the index by key and the diffing.
template <typename Row> class DockerTableModel : public QAbstractTableModel
{
public:
    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid))
            return {};
        return value(m_rows.at(index.row()), index.column(), role);
    }

    // -1 when unknown.
    int rowOf(const QString& key) const { return m_rowOf.value(key, -1); }
    const Row& rowAt(int row) const { return m_rows.at(row); }
    // False until the first listing arrived (or since clear()).
    bool isFilled() const { return m_filled; }

    // Forgets everything: the one place a reset is right (another host, another context).
    void clear()
    {
        beginResetModel();
        m_rows.clear();
        m_rowOf.clear();
        m_filled = false;
        endResetModel();
    }

protected:
    explicit DockerTableModel(QObject* parent)
        : QAbstractTableModel(parent)
    {}

    virtual QString keyOf(const Row& row) const = 0;
    virtual QVariant value(const Row& row, int column, int role) const = 0;
    // What a known row keeps across an update (e.g. the stats a listing does not carry).
    virtual Row carriedOver(const Row& previous, Row next) const
    {
        Q_UNUSED(previous);
        return next;
    }
    // The roles whose values decide whether a cell changed.
    virtual QList<int> comparedRoles() const
    {
        return {Qt::DisplayRole, Qt::ToolTipRole, Qt::ForegroundRole};
    }

    // The whole listing: the first one fills, later ones are diffed by key.
    void resetRows(const QList<Row>& rows)
    {
        if (!m_filled) {
            beginResetModel();
            m_rows.clear();
            m_rowOf.clear();
            for (const Row& row : rows) {
                const QString key = keyOf(row);
                if (const int at = m_rowOf.value(key, -1); at >= 0) {
                    m_rows[at] = row;
                    continue;
                }
                m_rowOf.insert(key, static_cast<int>(m_rows.size()));
                m_rows.append(row);
            }
            m_filled = true;
            endResetModel();
            return;
        }
        QSet<QString> keep;
        keep.reserve(rows.size());
        for (const Row& row : rows)
            keep.insert(keyOf(row));
        QStringList gone;
        for (const Row& row : std::as_const(m_rows))
            if (!keep.contains(keyOf(row)))
                gone.append(keyOf(row));
        removeKeys(gone);
        upsertRows(rows);
    }

    // Rows that appeared or changed: changed cells get dataChanged, newcomers are appended.
    void upsertRows(const QList<Row>& rows)
    {
        QList<Row> fresh;
        QHash<QString, int> freshAt;
        for (const Row& row : rows) {
            const QString key = keyOf(row);
            if (const int at = rowOf(key); at >= 0) {
                updateRow(at, row);
            } else if (const int pending = freshAt.value(key, -1); pending >= 0) {
                fresh[pending] = row;
            } else {
                freshAt.insert(key, static_cast<int>(fresh.size()));
                fresh.append(row);
            }
        }
        if (fresh.isEmpty())
            return;
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        for (const Row& row : std::as_const(fresh)) {
            m_rowOf.insert(keyOf(row), static_cast<int>(m_rows.size()));
            m_rows.append(row);
        }
        endInsertRows();
    }

    // Removes in contiguous runs from the bottom, so each beginRemoveRows stays valid.
    void removeKeys(const QStringList& keys)
    {
        QList<int> doomed;
        for (const QString& key : keys)
            if (const int at = rowOf(key); at >= 0)
                doomed.append(at);
        if (doomed.isEmpty())
            return;
        std::sort(doomed.begin(), doomed.end());
        doomed.erase(std::unique(doomed.begin(), doomed.end()), doomed.end());
        qsizetype i = doomed.size() - 1;
        while (i >= 0) {
            const int last = doomed.at(i);
            int first = last;
            while (i > 0 && doomed.at(i - 1) == first - 1)
                first = doomed.at(--i);
            --i;
            beginRemoveRows({}, first, last);
            m_rows.remove(first, last - first + 1);
            endRemoveRows();
        }
        m_rowOf.clear();
        for (int row = 0; row < m_rows.size(); ++row)
            m_rowOf.insert(keyOf(m_rows.at(row)), row);
    }

    // Replaces one row and signals the changed cells only, in contiguous column runs.
    void updateRow(int at, const Row& incoming)
    {
        const Row next = carriedOver(m_rows.at(at), incoming);
        QList<int> changed;
        const int columns = columnCount();
        const QList<int> roles = comparedRoles();
        for (int column = 0; column < columns; ++column) {
            for (const int role : roles) {
                if (value(m_rows.at(at), column, role) != value(next, column, role)) {
                    changed.append(column);
                    break;
                }
            }
        }
        m_rows[at] = next;
        emitChanged(at, changed);
    }

    void emitChanged(int row, const QList<int>& columns)
    {
        qsizetype i = 0;
        while (i < columns.size()) {
            const int first = columns.at(i);
            int last = first;
            while (i + 1 < columns.size() && columns.at(i + 1) == last + 1)
                last = columns.at(++i);
            ++i;
            Q_EMIT dataChanged(index(row, first), index(row, last));
        }
    }

    Row& mutableRow(int row) { return m_rows[row]; }

private:
    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
    bool m_filled = false;
};

} // namespace launchdeck
