// The findings of every file in the workspace as one table, updated one file at a time with
// keyed diffs so views keep their selection and scroll position while the user types.
#pragma once

#include "core/diagnostic.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>

namespace launchdeck {

class DiagnosticsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiagnosticsModel)

public:
    enum Column { SeverityColumn, FileColumn, LineColumn, ColumnColumn, RuleColumn, MessageColumn };
    Q_ENUM(Column)
    static constexpr int ColumnCount = MessageColumn + 1;

    enum Role {
        SeverityRole = Qt::UserRole + 1, // int value of Severity; lower is worse
        PathRole,
        LineRole,
        ColumnRole,
        SortRole,
    };

    // How the Problems panel groups severities: errors block, warnings inform, info is advice.
    enum class Tier { Error, Warning, Info };
    static Tier tierOf(Severity severity);
    static QIcon severityIcon(Severity severity);
    static QColor severityColor(Severity severity);

    explicit DiagnosticsModel(QObject* parent = nullptr);

    // Replaces the findings reported for `path` (the file that was checked). Rows of other
    // files stay untouched; rows of this file are diffed, not reset.
    void setDiagnostics(const QString& path, const Diagnostics& diagnostics);
    void removeFile(const QString& path);
    void clear();

    // Paths are shown relative to this folder (the workspace root).
    void setBaseDirectory(const QString& directory);

    Diagnostics diagnosticsFor(const QString& path) const;
    const Diagnostic& diagnosticAt(int row) const { return m_rows.at(row); }

    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }
    int infoCount() const { return m_infos; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void countsChanged();

private:
    struct Group
    {
        QString path;
        int count = 0;
    };

    int groupStart(int groupIndex) const;
    void removeRowsAt(int first, int count);
    void insertRowsAt(int first, const Diagnostics& diagnostics);
    void recount();
    QString displayPath(const QString& path) const;

    Diagnostics m_rows; // grouped by checked file, in the order the files first reported
    QList<Group> m_groups;
    QHash<QString, int> m_groupIndex; // checked path -> index into m_groups
    QString m_baseDirectory;
    int m_errors = 0;
    int m_warnings = 0;
    int m_infos = 0;
};

} // namespace launchdeck
