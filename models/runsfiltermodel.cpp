// The runs table's filter: rows pass when they match both the text and the status.
#include "runsfiltermodel.h"

#include "runsmodel.h"

namespace launchdeck {

RunsFilterModel::RunsFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RunsModel::SortRole);
    setDynamicSortFilter(true);
}

void RunsFilterModel::setText(const QString& text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void RunsFilterModel::setStatus(std::optional<RunStatus> status)
{
    m_status = status;
    invalidateFilter();
}

bool RunsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_status && index.data(RunsModel::StatusRole).value<RunStatus>() != *m_status)
        return false;
    if (m_text.isEmpty())
        return true;
    const QModelIndex pipeline = sourceModel()->index(sourceRow, RunsModel::Pipeline, sourceParent);
    return pipeline.data().toString().contains(m_text, Qt::CaseInsensitive) ||
           index.data(RunsModel::RunIdRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace launchdeck
