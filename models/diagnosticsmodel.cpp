// Keyed diff of one file's findings against the rows already shown.
#include "diagnosticsmodel.h"

#include <QDir>
#include <QPainter>
#include <QPixmap>

namespace launchdeck {

namespace {

// A finding keeps its identity while the user edits around it: only its position moves.
QString identity(const Diagnostic& diagnostic)
{
    return diagnostic.path + QChar(0x1f) + diagnostic.rule + QChar(0x1f) + diagnostic.message;
}

QIcon makeDot(const QColor& color)
{
    QIcon icon;
    for (int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(color.darker(130));
        painter.setBrush(color);
        const qreal margin = size / 5.0;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

DiagnosticsModel::Tier DiagnosticsModel::tierOf(Severity severity)
{
    if (isError(severity))
        return Tier::Error;
    return severity == Severity::Info ? Tier::Info : Tier::Warning;
}

QColor DiagnosticsModel::severityColor(Severity severity)
{
    switch (tierOf(severity)) {
    case Tier::Error:
        return QColor(0xd3, 0x2f, 0x2f);
    case Tier::Warning:
        return QColor(0xf2, 0x9d, 0x0c);
    case Tier::Info:
        break;
    }
    return QColor(0x1e, 0x78, 0xd7);
}

QIcon DiagnosticsModel::severityIcon(Severity severity)
{
    static const QIcon error = makeDot(severityColor(Severity::High));
    static const QIcon warning = makeDot(severityColor(Severity::Medium));
    static const QIcon info = makeDot(severityColor(Severity::Info));
    switch (tierOf(severity)) {
    case Tier::Error:
        return error;
    case Tier::Warning:
        return warning;
    case Tier::Info:
        break;
    }
    return info;
}

DiagnosticsModel::DiagnosticsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

int DiagnosticsModel::groupStart(int groupIndex) const
{
    int start = 0;
    for (int i = 0; i < groupIndex; ++i)
        start += m_groups.at(i).count;
    return start;
}

void DiagnosticsModel::removeRowsAt(int first, int count)
{
    if (count <= 0)
        return;
    beginRemoveRows({}, first, first + count - 1);
    m_rows.remove(first, count);
    endRemoveRows();
}

void DiagnosticsModel::insertRowsAt(int first, const Diagnostics& diagnostics)
{
    if (diagnostics.isEmpty())
        return;
    beginInsertRows({}, first, first + int(diagnostics.size()) - 1);
    for (qsizetype i = 0; i < diagnostics.size(); ++i)
        m_rows.insert(first + i, diagnostics.at(i));
    endInsertRows();
}

void DiagnosticsModel::setDiagnostics(const QString& path, const Diagnostics& diagnostics)
{
    Diagnostics incoming = diagnostics;
    sortDiagnostics(incoming);

    int groupIndex = m_groupIndex.value(path, -1);
    if (groupIndex < 0) {
        if (incoming.isEmpty())
            return;
        groupIndex = int(m_groups.size());
        m_groups.append({path, 0});
        m_groupIndex.insert(path, groupIndex);
    }

    const int start = groupStart(groupIndex);
    const Diagnostics old = m_rows.mid(start, m_groups.at(groupIndex).count);

    // How many of each identity are still ahead in either list, so a row is only dropped
    // when its finding is really gone and only inserted when it is really new.
    QHash<QString, int> aheadInOld;
    QHash<QString, int> aheadInNew;
    for (const Diagnostic& d : old)
        ++aheadInOld[identity(d)];
    for (const Diagnostic& d : incoming)
        ++aheadInNew[identity(d)];

    int position = start; // where the next row of the merged result goes
    qsizetype i = 0;
    qsizetype j = 0;
    Diagnostics pendingInsert;
    int pendingRemove = 0;
    auto flush = [&] {
        removeRowsAt(position, pendingRemove);
        pendingRemove = 0;
        insertRowsAt(position, pendingInsert);
        position += int(pendingInsert.size());
        pendingInsert.clear();
    };

    while (i < old.size() && j < incoming.size()) {
        const QString oldKey = identity(old.at(i));
        const QString newKey = identity(incoming.at(j));
        if (oldKey == newKey) {
            flush();
            if (!(old.at(i) == incoming.at(j))) {
                m_rows[position] = incoming.at(j);
                Q_EMIT dataChanged(index(position, 0), index(position, ColumnCount - 1));
            }
            ++position;
            --aheadInOld[oldKey];
            --aheadInNew[newKey];
            ++i;
            ++j;
        } else if (aheadInNew.value(oldKey) == 0 || aheadInOld.value(newKey) > 0) {
            // The old row is gone, or both appear later: drop the old one and keep walking.
            if (!pendingInsert.isEmpty())
                flush();
            ++pendingRemove;
            --aheadInOld[oldKey];
            ++i;
        } else {
            pendingInsert.append(incoming.at(j));
            --aheadInNew[newKey];
            ++j;
        }
    }
    if (!pendingInsert.isEmpty())
        flush();
    pendingRemove += int(old.size() - i);
    for (; j < incoming.size(); ++j)
        pendingInsert.append(incoming.at(j));
    flush();

    if (incoming.isEmpty()) {
        m_groups.removeAt(groupIndex);
        m_groupIndex.remove(path);
        for (int g = groupIndex; g < m_groups.size(); ++g)
            m_groupIndex[m_groups.at(g).path] = g;
    } else {
        m_groups[groupIndex].count = int(incoming.size());
    }
    recount();
}

void DiagnosticsModel::removeFile(const QString& path)
{
    setDiagnostics(path, {});
}

void DiagnosticsModel::clear()
{
    if (m_rows.isEmpty() && m_groups.isEmpty())
        return;
    // The whole source changes (another workspace): the one case for a reset.
    beginResetModel();
    m_rows.clear();
    m_groups.clear();
    m_groupIndex.clear();
    endResetModel();
    recount();
}

void DiagnosticsModel::setBaseDirectory(const QString& directory)
{
    m_baseDirectory = directory;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, FileColumn), index(rowCount() - 1, FileColumn));
}

Diagnostics DiagnosticsModel::diagnosticsFor(const QString& path) const
{
    const int groupIndex = m_groupIndex.value(path, -1);
    if (groupIndex < 0)
        return {};
    return m_rows.mid(groupStart(groupIndex), m_groups.at(groupIndex).count);
}

void DiagnosticsModel::recount()
{
    int errors = 0;
    int warnings = 0;
    int infos = 0;
    for (const Diagnostic& d : std::as_const(m_rows)) {
        switch (tierOf(d.severity)) {
        case Tier::Error:
            ++errors;
            break;
        case Tier::Warning:
            ++warnings;
            break;
        case Tier::Info:
            ++infos;
            break;
        }
    }
    if (errors == m_errors && warnings == m_warnings && infos == m_infos)
        return;
    m_errors = errors;
    m_warnings = warnings;
    m_infos = infos;
    Q_EMIT countsChanged();
}

QString DiagnosticsModel::displayPath(const QString& path) const
{
    if (m_baseDirectory.isEmpty())
        return path;
    const QString relative = QDir(m_baseDirectory).relativeFilePath(path);
    return relative.startsWith(u"..") ? path : relative;
}

int DiagnosticsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DiagnosticsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DiagnosticsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Diagnostic& d = m_rows.at(index.row());
    switch (role) {
    case SeverityRole:
        return int(d.severity);
    case PathRole:
        return d.path;
    case LineRole:
        return d.line;
    case ColumnRole:
        return d.column;
    case Qt::ToolTipRole:
        return formatDiagnostic(d);
    default:
        break;
    }
    const int column = index.column();
    if (role == Qt::DecorationRole && column == SeverityColumn)
        return severityIcon(d.severity);
    if (role == Qt::TextAlignmentRole && (column == LineColumn || column == ColumnColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (column) {
    case SeverityColumn:
        return role == SortRole ? QVariant(int(d.severity)) : QVariant(severityName(d.severity));
    case FileColumn:
        return displayPath(d.path);
    case LineColumn:
        return d.line;
    case ColumnColumn:
        return d.column;
    case RuleColumn:
        return d.rule;
    case MessageColumn:
        return d.message;
    default:
        break;
    }
    return {};
}

QVariant DiagnosticsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case FileColumn:
        return tr("File");
    case LineColumn:
        return tr("Line");
    case ColumnColumn:
        return tr("Column");
    case RuleColumn:
        return tr("Rule");
    case MessageColumn:
        return tr("Message");
    default:
        break;
    }
    return {};
}

} // namespace launchdeck
