// The ring of log chunks and the row arithmetic over it: absolute row numbers only grow, so an
// eviction moves the front and a row finds its chunk by binary search over the visible ones.
#include "logmodel.h"

#include "ansitext.h"

#include <QDateTime>

#include <algorithm>

namespace launchdeck {

LogModel::LogModel(qsizetype capacity, QObject* parent)
    : QAbstractListModel(parent)
    , m_capacity(std::max<qsizetype>(capacity, 1))
{
    m_queueTimer.setSingleShot(true);
    m_queueTimer.setInterval(kCoalesceMs);
    connect(&m_queueTimer, &QTimer::timeout, this, &LogModel::flushQueue);
}

void LogModel::setRunId(const QString& runId)
{
    m_runId = runId;
    clear();
}

void LogModel::setStepFilter(const QString& step)
{
    if (step == m_stepFilter && step.isNull() == m_stepFilter.isNull())
        return;
    beginResetModel();
    m_stepFilter = step;
    rebuildVisible();
    endResetModel();
}

bool LogModel::accepts(const LogChunk& chunk) const
{
    return !chunk.entries.isEmpty() && (m_runId.isEmpty() || chunk.runId == m_runId);
}

bool LogModel::shows(const QString& step) const
{
    return m_stepFilter.isNull() || step == m_stepFilter;
}

void LogModel::append(const LogBatch& batch)
{
    qsizetype added = 0;
    for (const LogChunk& chunk : batch.chunks())
        if (accepts(chunk) && shows(chunk.step))
            added += chunk.entries.size();
    const qsizetype stepsBefore = m_steps.size();
    if (added > 0)
        beginInsertRows({}, rowCount(), static_cast<int>(rowCount() + added - 1));
    for (const LogChunk& chunk : batch.chunks())
        if (accepts(chunk))
            push(chunk);
    if (added > 0)
        endInsertRows();
    evict();
    if (m_steps.size() != stepsBefore)
        Q_EMIT stepsChanged();
}

void LogModel::enqueue(const LogBatch& batch)
{
    for (const LogChunk& chunk : batch.chunks()) {
        if (!accepts(chunk))
            continue;
        m_queue.append(chunk);
        m_queuedLines += chunk.entries.size();
    }
    // Whole chunks the ring would push out on arrival are dropped here already.
    while (!m_queue.isEmpty() && m_queuedLines - m_queue.first().entries.size() >= m_capacity) {
        m_queuedLines -= m_queue.first().entries.size();
        m_evicted += m_queue.first().entries.size();
        m_queue.removeFirst();
    }
    if (!m_queue.isEmpty() && !m_queueTimer.isActive())
        m_queueTimer.start();
}

void LogModel::flushQueue()
{
    LogBatch batch;
    for (LogChunk& chunk : m_queue)
        batch.append(std::move(chunk));
    m_queue.clear();
    m_queuedLines = 0;
    append(batch);
}

void LogModel::push(const LogChunk& chunk)
{
    Slot slot;
    slot.lines.append(chunk);
    slot.step = chunk.step;
    slot.visible = shows(chunk.step);
    if (!m_steps.contains(chunk.step))
        m_steps.append(chunk.step);
    m_lines += chunk.entries.size();
    if (slot.visible) {
        slot.visibleStart = m_visibleEnd;
        m_visibleEnd += chunk.entries.size();
        m_visible.push_back(m_frontSeq + static_cast<qint64>(m_slots.size()));
    }
    m_slots.push_back(std::move(slot));
}

void LogModel::evict()
{
    if (m_lines <= m_capacity)
        return;
    // Count first, so the removal is announced once for the whole range.
    qsizetype excess = m_lines - m_capacity;
    qsizetype visibleRows = 0;
    for (const Slot& slot : m_slots) {
        if (excess == 0)
            break;
        const qsizetype take = std::min(excess, slot.size());
        if (slot.visible)
            visibleRows += take;
        excess -= take;
    }
    if (visibleRows > 0)
        beginRemoveRows({}, 0, static_cast<int>(visibleRows - 1));
    excess = m_lines - m_capacity;
    while (excess > 0) {
        Slot& front = m_slots.front();
        const qsizetype take = std::min(excess, front.size());
        excess -= take;
        m_lines -= take;
        m_evicted += take;
        if (front.visible)
            m_visibleFront += take;
        if (take == front.size()) {
            if (front.visible)
                m_visible.pop_front();
            m_slots.pop_front();
            ++m_frontSeq;
        } else {
            front.first += take;
            front.visibleStart += take;
        }
    }
    if (visibleRows > 0)
        endRemoveRows();
}

void LogModel::resetState()
{
    m_queue.clear();
    m_queuedLines = 0;
    m_queueTimer.stop();
    m_slots.clear();
    m_visible.clear();
    m_visibleFront = m_visibleEnd = 0;
    m_lines = 0;
    m_evicted = 0;
    m_steps.clear();
}

void LogModel::setLines(const LogBatch& batch)
{
    beginResetModel();
    resetState();
    // Only the newest `capacity` lines are kept, so skip what would be evicted at once.
    qsizetype skip = std::max<qsizetype>(0, batch.lineCount() - m_capacity);
    for (const LogChunk& chunk : batch.chunks()) {
        if (!accepts(chunk))
            continue;
        if (skip >= chunk.entries.size()) {
            skip -= chunk.entries.size();
            m_evicted += chunk.entries.size();
            continue;
        }
        push(chunk);
        if (skip > 0) {
            Slot& last = m_slots.back();
            last.first = skip;
            m_lines -= skip;
            m_evicted += skip;
            if (last.visible)
                m_visibleEnd -= skip;
            skip = 0;
        }
    }
    endResetModel();
    evict();
    Q_EMIT stepsChanged();
}

void LogModel::clear()
{
    beginResetModel();
    resetState();
    endResetModel();
    Q_EMIT stepsChanged();
}

void LogModel::rebuildVisible()
{
    m_visible.clear();
    m_visibleFront = m_visibleEnd = 0;
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        Slot& slot = m_slots[i];
        slot.visible = shows(slot.step);
        if (!slot.visible)
            continue;
        slot.visibleStart = m_visibleEnd;
        m_visibleEnd += slot.size();
        m_visible.push_back(m_frontSeq + static_cast<qint64>(i));
    }
}

LogModel::Position LogModel::locate(int row) const
{
    const qint64 absolute = m_visibleFront + row;
    // The last visible slot starting at or before the row.
    const auto it = std::upper_bound(
        m_visible.begin(), m_visible.end(), absolute,
        [this](qint64 value, qint64 seq) { return value < slotOf(seq).visibleStart; });
    if (it == m_visible.begin())
        return {};
    const Slot& slot = slotOf(*std::prev(it));
    return {&slot, slot.first + (absolute - slot.visibleStart)};
}

int LogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_visibleEnd - m_visibleFront);
}

QString LogModel::plainText(int row) const
{
    const Position at = locate(row);
    if (!at.slot)
        return {};
    return stripAnsi(at.slot->lines.text(at.entry));
}

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Position at = locate(index.row());
    if (!at.slot)
        return {};
    const LogBatch& lines = at.slot->lines;
    switch (role) {
    case Qt::DisplayRole:
        return stripAnsi(lines.text(at.entry));
    case RawTextRole:
        return lines.text(at.entry);
    case StepRole:
        return at.slot->step;
    case NumberRole:
        return lines.number(at.entry);
    case TimeRole:
        return lines.timeMs(at.entry);
    case ContinuationRole:
        return lines.isContinuation(at.entry);
    case NoteRole:
        return lines.isNote(at.entry);
    case Qt::ToolTipRole: {
        const qint64 time = lines.timeMs(at.entry);
        return time > 0 ? QDateTime::fromMSecsSinceEpoch(time).toString(Qt::ISODateWithMs)
                        : QVariant();
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> roles = QAbstractListModel::roleNames();
    roles.insert(RawTextRole, "rawText");
    roles.insert(StepRole, "step");
    roles.insert(NumberRole, "number");
    roles.insert(TimeRole, "time");
    roles.insert(ContinuationRole, "continuation");
    roles.insert(NoteRole, "note");
    return roles;
}

int LogModel::find(const QString& needle, int from, int count, bool forward) const
{
    const int rows = rowCount();
    if (needle.isEmpty() || rows == 0)
        return -1;
    for (int i = 0, row = from; i < count && row >= 0 && row < rows; ++i) {
        if (plainText(row).contains(needle, Qt::CaseInsensitive))
            return row;
        row += forward ? 1 : -1;
    }
    return -1;
}

} // namespace launchdeck
