// The steps of the run on view: one row per step with its stage, status, attempt, duration,
// exit code and message, updated in place (keyed by step name) as the runner reports.
#pragma once

#include "pipeline/runtypes.h"
#include "store/historytypes.h"

#include <QAbstractTableModel>
#include <QHash>

namespace launchdeck {

class StepsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StepsModel)

public:
    enum Column { Name, Stage, Status, Attempt, Duration, ExitCode, Message, ColumnCount };
    enum Role { StatusRole = Qt::UserRole + 1, StepNameRole };

    struct Row
    {
        QString name;
        QString stage;
        RunStatus status = RunStatus::Queued;
        int attempt = 0;
        qint64 durationMs = -1;
        std::optional<int> exitCode;
        QString message;
        QDateTime startedAt;
        QStringList artifacts;
    };

    explicit StepsModel(QObject* parent = nullptr);

    QString runId() const { return m_runId; }
    // A live run: its steps queued in file order.
    void setRun(const RunInfo& run);
    // A run from the history.
    void setRecords(const QString& runId, const QList<StepRecord>& steps);
    void clear();

    // Events of other runs are ignored.
    void applyStarted(const StepEvent& step);
    void applyFinished(const StepEvent& step);
    // Moves the durations of running steps on; called by a timer while the run is live.
    void tick();

    const Row& row(int index) const { return m_rows.at(index); }
    QStringList failedSteps() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void apply(const StepEvent& step, bool finished);
    void reindex();

    QString m_runId;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
};

} // namespace launchdeck
