// Sorting and filtering of the Problems table.
#include "diagnosticsfiltermodel.h"

namespace launchdeck {

DiagnosticsFilterModel::DiagnosticsFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(DiagnosticsModel::SortRole);
    // Rows keep their place while their file is revalidated: the view re-sorts inserted rows.
    setDynamicSortFilter(true);
}

void DiagnosticsFilterModel::setTierVisible(DiagnosticsModel::Tier tier, bool visible)
{
    if (m_visible[int(tier)] == visible)
        return;
    m_visible[int(tier)] = visible;
    invalidateRowsFilter();
}

bool DiagnosticsFilterModel::isTierVisible(DiagnosticsModel::Tier tier) const
{
    return m_visible[int(tier)];
}

void DiagnosticsFilterModel::setText(const QString& text)
{
    if (m_text == text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

bool DiagnosticsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto* source = qobject_cast<const DiagnosticsModel*>(sourceModel());
    if (!source || sourceParent.isValid())
        return false;
    const Diagnostic& d = source->diagnosticAt(sourceRow);
    if (!m_visible[int(DiagnosticsModel::tierOf(d.severity))])
        return false;
    if (m_text.isEmpty())
        return true;
    const QString file =
        source->data(source->index(sourceRow, DiagnosticsModel::FileColumn)).toString();
    return d.message.contains(m_text, Qt::CaseInsensitive) ||
           d.rule.contains(m_text, Qt::CaseInsensitive) ||
           file.contains(m_text, Qt::CaseInsensitive);
}

} // namespace launchdeck
