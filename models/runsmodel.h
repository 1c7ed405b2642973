// Pipeline runs for the runs table: the history loaded at start plus live runs, updated in
// place by run id as the runner reports. Newest first is the proxy's job, not this model's.
#pragma once

#include "pipeline/runtypes.h"
#include "store/historytypes.h"

#include <QAbstractTableModel>
#include <QHash>

namespace launchdeck {

class RunsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunsModel)

public:
    enum Column { Status, Pipeline, Started, Duration, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // raw values: status number, start time, milliseconds
        RunIdRole,
        StatusRole,
    };

    explicit RunsModel(QObject* parent = nullptr);

    // Adds the runs not yet known (live runs know more than the database read a moment ago).
    void mergeHistory(const QList<RunRecord>& runs);
    void runStarted(const RunInfo& run);
    void runFinished(const RunResult& result);
    // Moves the durations of running runs on; called by a timer.
    void tick();

    // -1 when unknown.
    int rowOf(const QString& runId) const { return m_rowOf.value(runId, -1); }
    const RunRecord& run(int row) const { return m_runs.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    qint64 durationOf(const RunRecord& run) const;

    QList<RunRecord> m_runs;
    QHash<QString, int> m_rowOf;
};

} // namespace launchdeck
