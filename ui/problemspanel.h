// The Problems panel: every finding of the workspace, filterable by severity and text;
// double-click opens the file at the finding.
#pragma once

#include <QWidget>

class QLineEdit;
class QTableView;
class QToolButton;

namespace launchdeck {

class DiagnosticsFilterModel;
class DiagnosticsModel;

class ProblemsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProblemsPanel)

public:
    explicit ProblemsPanel(DiagnosticsModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    DiagnosticsFilterModel* filterModel() const { return m_filter; }
    void setFilterText(const QString& text);

Q_SIGNALS:
    void findingActivated(const QString& path, int line, int column);

private:
    void updateCounts();
    void activate(const QModelIndex& proxyIndex);

    DiagnosticsModel* m_model;
    DiagnosticsFilterModel* m_filter;
    QTableView* m_view;
    QLineEdit* m_text;
    QToolButton* m_errors;
    QToolButton* m_warnings;
    QToolButton* m_infos;
};

} // namespace launchdeck
