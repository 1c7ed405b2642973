// The table of one kind of a cluster, as kubectl get shows it: kubectl's columns (NAMESPACE
// first when several namespaces show), fed by a watch's resets and keyed changes, so a change
// touches its row alone. AGE is kept current. Cells sort by their value (numbers, durations).
#pragma once

#include "kubernetes/liveobject.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>

#include <climits>
#include <functional>

class QTimer;

namespace launchdeck {

class LiveObjectsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LiveObjectsModel)

public:
    // Raw value of a cell for sorting (qint64 seconds for AGE, numbers for counts).
    static constexpr int SortRole = Qt::UserRole + 1;
    // The row's LiveObject key ("namespace/name").
    static constexpr int KeyRole = Qt::UserRole + 2;
    // The row's labels (QJsonObject as QVariant), for the selector filter.
    static constexpr int LabelsRole = Qt::UserRole + 3;

    explicit LiveObjectsModel(QObject* parent = nullptr);

    // Empties the model and sets its columns; `withNamespace` adds kubectl -A's NAMESPACE.
    void setKind(const QString& kind, bool withNamespace);
    const QString& kind() const { return m_kind; }

    void reset(const QList<kube::LiveObject>& objects);
    void apply(const QList<kube::LiveChange>& changes);
    // Greys the rows out (the cluster is unreachable): the last state stays readable.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    const kube::LiveObject* object(int row) const;
    int rowOf(const QString& key) const; // -1 when absent
    // For tests: the clock AGE is measured against.
    void setClock(std::function<QDateTime()> clock);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        QString key;
        kube::LiveObject object;
        QStringList cells;
        // Per entry of m_timeColumns: when its duration began (ms since the epoch; 0 for none),
        // so that AGE moves on and sorts without recomputing the row from its JSON.
        QList<qint64> since;
    };
    void computeCells(Row& row) const;
    void refreshAges();
    void eraseRow(int row);
    void rebuildIndex();
    QVariant sortValue(const Row& row, int column) const;

    QString m_kind;
    bool m_withNamespace = false;
    QStringList m_columns;
    QList<Row> m_rows;
    // key -> row. A removal shifts the rows after it; rather than renumbering them each time,
    // rows from m_dirtyFrom on may sit up to m_removedSince places before their entry, and the
    // index is renumbered once enough removals have gathered.
    QHash<QString, int> m_index;
    int m_dirtyFrom = INT_MAX;
    int m_removedSince = 0;
    QList<int> m_timeColumns; // kind columns whose text moves on with time alone
    qint64 m_now = 0;         // ms since the epoch the cells were computed at
    bool m_stale = false;
    std::function<QDateTime()> m_clock;
    QTimer* m_ageTimer;
};

} // namespace launchdeck
