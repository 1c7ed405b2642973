// Filtering by the tables' environment and application roles.
#include "alertsfiltermodel.h"

#include "alertsmodel.h"

namespace launchdeck {

AlertsFilterModel::AlertsFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(AlertsSortRole);
}

void AlertsFilterModel::setEnvironment(const QString& environment)
{
    if (environment == m_environment)
        return;
    m_environment = environment;
    invalidateRowsFilter();
}

void AlertsFilterModel::setApplication(const QString& application)
{
    if (application == m_application)
        return;
    m_application = application;
    invalidateRowsFilter();
}

bool AlertsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_environment.isEmpty() && index.data(AlertsEnvironmentRole).toString() != m_environment)
        return false;
    return m_application.isEmpty() || index.data(AlertsApplicationRole).toString() == m_application;
}

} // namespace launchdeck
