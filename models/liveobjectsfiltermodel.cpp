// The cluster table's filter: text over the cells, kubectl's label selector over the labels.
#include "liveobjectsfiltermodel.h"

#include "liveobjectsmodel.h"

#include <QJsonObject>

namespace launchdeck {

LiveObjectsFilterModel::LiveObjectsFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(LiveObjectsModel::SortRole);
    setDynamicSortFilter(true);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void LiveObjectsFilterModel::setText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateFilter();
}

bool LiveObjectsFilterModel::setSelector(const QString& selector)
{
    const QString trimmed = selector.trimmed();
    QString error;
    std::optional<kube::LabelSelector> parsed;
    if (!trimmed.isEmpty()) {
        Result<kube::LabelSelector> result = kube::LabelSelector::parse(trimmed);
        if (result)
            parsed = std::move(result).value();
        else
            error = result.error().toString();
    }
    m_selectorText = trimmed;
    m_selector = std::move(parsed);
    if (error != m_selectorError) {
        m_selectorError = error;
        Q_EMIT selectorErrorChanged(error);
    }
    invalidateFilter();
    return error.isEmpty();
}

bool LiveObjectsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    if (m_selector && !m_selector->isEmpty()) {
        const QJsonObject labels = source->index(sourceRow, 0, sourceParent)
                                       .data(LiveObjectsModel::LabelsRole)
                                       .toJsonObject();
        if (!m_selector->matches(labels))
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int column = 0; column < source->columnCount(sourceParent); ++column) {
        if (source->index(sourceRow, column, sourceParent)
                .data()
                .toString()
                .contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace launchdeck
