// The lines of one run for the log view: whole LogBatch chunks kept in a ring bounded by a line
// capacity, shown as rows without a string per line. Appends arrive as row insertions; lines
// pushed out of the ring leave as removals from the top.
#pragma once

#include "pipeline/logbatch.h"

#include <QAbstractListModel>
#include <QTimer>

#include <deque>

namespace launchdeck {

class LogModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogModel)

public:
    enum Role {
        RawTextRole = Qt::UserRole + 1, // with ANSI sequences, as the step printed it
        StepRole,
        NumberRole,
        TimeRole, // milliseconds since the epoch; 0 when unknown
        ContinuationRole,
        NoteRole, // a line of Launchdeck's own (attempts, results), not the step's output
    };

    static constexpr qsizetype kDefaultCapacity = 1'000'000;

    explicit LogModel(qsizetype capacity = kDefaultCapacity, QObject* parent = nullptr);

    qsizetype capacity() const { return m_capacity; }
    // Lines held, of all steps (the rows are those of the step filter).
    qsizetype lineCount() const { return m_lines; }
    // Lines pushed out of the ring since the last reset.
    qint64 evictedCount() const { return m_evicted; }

    // Lines of other runs are ignored; an empty id accepts every run. Clears the model.
    void setRunId(const QString& runId);
    QString runId() const { return m_runId; }
    // Shows only `step`'s lines; a null string shows all. The run's own notes have step "".
    void setStepFilter(const QString& step);
    QString stepFilter() const { return m_stepFilter; }
    // The steps seen so far, in order of their first line.
    QStringList steps() const { return m_steps; }

    void append(const LogBatch& batch);
    // Queues lines from a live stream and applies them together at most every
    // `kCoalesceMs`: a step printing millions of lines a second costs the GUI thread one
    // insertion (and one eviction) per interval, and lines the ring would evict at once are
    // never inserted at all.
    void enqueue(const LogBatch& batch);
    static constexpr int kCoalesceMs = 40;
    // Lines enqueued and not applied yet: one interval's worth at most, less the whole chunks
    // the ring would evict at once.
    qsizetype pendingLineCount() const { return m_queuedLines; }
    void setLines(const LogBatch& batch);
    void clear();

    // The text of `row` without escape sequences.
    QString plainText(int row) const;
    // Searches `count` rows from `from` (inclusive) in `forward` direction, without wrapping;
    // -1 when none matched. The view calls it in slices so large logs never block.
    int find(const QString& needle, int from, int count, bool forward) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void stepsChanged();

private:
    // One chunk, held through the batch interface so the chunk's layout stays the runner's.
    struct Slot
    {
        LogBatch lines;
        QString step;
        qsizetype first = 0; // lines before it were evicted
        bool visible = false;
        qint64 visibleStart = 0; // absolute row of its first remaining line
        qsizetype size() const { return lines.lineCount() - first; }
    };
    struct Position
    {
        const Slot* slot = nullptr;
        qsizetype entry = 0;
    };

    bool accepts(const LogChunk& chunk) const;
    bool shows(const QString& step) const;
    void push(const LogChunk& chunk);
    void evict();
    void rebuildVisible();
    Position locate(int row) const;
    Slot& slotOf(qint64 seq) { return m_slots[static_cast<std::size_t>(seq - m_frontSeq)]; }
    const Slot& slotOf(qint64 seq) const
    {
        return m_slots[static_cast<std::size_t>(seq - m_frontSeq)];
    }

    void flushQueue();
    // Empties the lines, the steps and the queue of live lines; callers announce the reset.
    void resetState();

    QTimer m_queueTimer;
    QList<LogChunk> m_queue; // newest last
    qsizetype m_queuedLines = 0;
    qsizetype m_capacity;
    QString m_runId;
    QString m_stepFilter;
    QStringList m_steps;
    std::deque<Slot> m_slots;
    qint64 m_frontSeq = 0;        // sequence number of m_slots.front()
    std::deque<qint64> m_visible; // sequence numbers of the slots the filter shows
    qint64 m_visibleFront = 0;    // absolute row of row 0
    qint64 m_visibleEnd = 0;      // absolute row past the last
    qsizetype m_lines = 0;
    qint64 m_evicted = 0;
};

} // namespace launchdeck
