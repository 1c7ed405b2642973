// The containers table's filter: a row passes when it matches the text and, when asked, runs.
#include "dockercontainersfiltermodel.h"

#include "dockercontainersmodel.h"

namespace launchdeck {

DockerContainersFilterModel::DockerContainersFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(DockerContainersModel::SortRole);
    setDynamicSortFilter(true);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void DockerContainersFilterModel::setText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateFilter();
}

void DockerContainersFilterModel::setRunningOnly(bool runningOnly)
{
    if (runningOnly == m_runningOnly)
        return;
    m_runningOnly = runningOnly;
    invalidateFilter();
}

bool DockerContainersFilterModel::filterAcceptsRow(int sourceRow,
                                                   const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_runningOnly && index.data(DockerContainersModel::StateRole).toString() != u"running")
        return false;
    if (m_text.isEmpty())
        return true;
    // Ids are matched from the start, as the docker CLI accepts them abbreviated.
    if (index.data(DockerContainersModel::IdRole)
            .toString()
            .startsWith(m_text, Qt::CaseInsensitive))
        return true;
    const QModelIndex image =
        sourceModel()->index(sourceRow, DockerContainersModel::Image, sourceParent);
    return index.data(DockerContainersModel::NameRole)
               .toString()
               .contains(m_text, Qt::CaseInsensitive) ||
           image.data().toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace launchdeck
