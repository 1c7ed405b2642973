// Row placement, scrolling, selection and painting of the log list.
#include "loglistview.h"

#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>

#include <algorithm>
#include <utility>

namespace launchdeck {

LogListView::LogListView(QWidget* parent)
    : QAbstractItemView(parent)
    , m_rowHeight(std::max(1, fontMetrics().height()))
{
    // The scroll bar counts rows whatever the style prefers.
    setVerticalScrollMode(ScrollPerItem);
}

void LogListView::setModel(QAbstractItemModel* model)
{
    if (this->model())
        disconnect(this->model(), &QAbstractItemModel::rowsRemoved, this,
                   &LogListView::onRowsRemoved);
    m_firstAfterRemoval = -1;
    QAbstractItemView::setModel(model);
    if (model)
        connect(model, &QAbstractItemModel::rowsRemoved, this, &LogListView::onRowsRemoved);
}

int LogListView::rowCount() const
{
    return model() ? model()->rowCount(rootIndex()) : 0;
}

int LogListView::firstVisibleRow() const
{
    return verticalScrollBar()->value();
}

int LogListView::pageRows() const
{
    return std::max(1, viewport()->height() / m_rowHeight);
}

int LogListView::rowAt(int y) const
{
    // Rounds towards minus infinity, so a point above the viewport is the row above it.
    const int offset = y >= 0 ? y / m_rowHeight : -((-y + m_rowHeight - 1) / m_rowHeight);
    return firstVisibleRow() + offset;
}

void LogListView::doItemsLayout()
{
    // Every row is as tall as the delegate makes the first; the log delegate's rows are equal.
    if (QAbstractItemDelegate* delegate = itemDelegate()) {
        QStyleOptionViewItem option;
        initViewItemOption(&option);
        const QModelIndex first =
            rowCount() > 0 ? model()->index(0, 0, rootIndex()) : QModelIndex();
        m_rowHeight = std::max(1, delegate->sizeHint(option, first).height());
    }
    QAbstractItemView::doItemsLayout();
}

void LogListView::reset()
{
    m_firstAfterRemoval = -1;
    QAbstractItemView::reset();
    updateGeometries();
    viewport()->update();
}

void LogListView::updateGeometries()
{
    const int page = pageRows();
    QScrollBar* bar = verticalScrollBar();
    bar->setSingleStep(1);
    bar->setPageStep(page);
    bar->setRange(0, std::max(0, rowCount() - page));
    horizontalScrollBar()->setRange(0, 0);
    QAbstractItemView::updateGeometries();
}

void LogListView::rowsInserted(const QModelIndex& parent, int start, int end)
{
    QAbstractItemView::rowsInserted(parent, start, end);
    if (parent != rootIndex())
        return;
    updateGeometries();
    if (start <= firstVisibleRow() + pageRows())
        viewport()->update();
}

void LogListView::rowsAboutToBeRemoved(const QModelIndex& parent, int start, int end)
{
    QAbstractItemView::rowsAboutToBeRemoved(parent, start, end);
    if (parent != rootIndex())
        return;
    // Rows leaving above the view move the rows in view up by as many: the same lines stay.
    const int first = firstVisibleRow();
    m_firstAfterRemoval = first - std::max(0, std::min(end, first - 1) - start + 1);
}

void LogListView::onRowsRemoved()
{
    if (m_firstAfterRemoval < 0)
        return;
    const int first = std::exchange(m_firstAfterRemoval, -1);
    updateGeometries();
    verticalScrollBar()->setValue(first);
    viewport()->update();
}

void LogListView::scrollContentsBy(int, int)
{
    viewport()->update();
}

int LogListView::verticalOffset() const
{
    return firstVisibleRow() * m_rowHeight;
}

QRect LogListView::visualRect(const QModelIndex& index) const
{
    if (!index.isValid() || index.parent() != rootIndex())
        return {};
    return {0, (index.row() - firstVisibleRow()) * m_rowHeight, viewport()->width(), m_rowHeight};
}

QModelIndex LogListView::indexAt(const QPoint& point) const
{
    const int row = rowAt(point.y());
    if (row < 0 || row >= rowCount())
        return {};
    return model()->index(row, 0, rootIndex());
}

void LogListView::scrollTo(const QModelIndex& index, ScrollHint hint)
{
    if (!index.isValid() || index.parent() != rootIndex())
        return;
    const int row = index.row();
    const int first = firstVisibleRow();
    const int page = pageRows();
    int top = first;
    switch (hint) {
    case EnsureVisible:
        if (row < first)
            top = row;
        else if (row >= first + page)
            top = row - page + 1;
        break;
    case PositionAtTop:
        top = row;
        break;
    case PositionAtBottom:
        top = row - page + 1;
        break;
    case PositionAtCenter:
        top = row - page / 2;
        break;
    }
    verticalScrollBar()->setValue(top);
}

QModelIndex LogListView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers)
{
    const int rows = rowCount();
    if (rows == 0)
        return {};
    const QModelIndex current = currentIndex();
    int row = current.isValid() ? current.row() : firstVisibleRow();
    switch (cursorAction) {
    case MoveUp:
    case MovePrevious:
        --row;
        break;
    case MoveDown:
    case MoveNext:
        ++row;
        break;
    case MovePageUp:
        row -= pageRows();
        break;
    case MovePageDown:
        row += pageRows();
        break;
    case MoveHome:
        row = 0;
        break;
    case MoveEnd:
        row = rows - 1;
        break;
    case MoveLeft:
    case MoveRight:
        break;
    }
    return model()->index(std::clamp(row, 0, rows - 1), 0, rootIndex());
}

void LogListView::setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command)
{
    const QRect area = rect.normalized();
    const int rows = rowCount();
    const int top = std::max(rowAt(area.top()), 0);
    const int bottom = std::min(rowAt(area.bottom()), rows - 1);
    // A press below the last line selects nothing, so it clears as in any list.
    QItemSelection selection;
    if (top <= bottom)
        selection.select(model()->index(top, 0, rootIndex()),
                         model()->index(bottom, 0, rootIndex()));
    selectionModel()->select(selection, command);
}

QRegion LogListView::visualRegionForSelection(const QItemSelection& selection) const
{
    const int first = firstVisibleRow();
    const int last = first + pageRows(); // the partly shown row below the whole ones
    QRegion region;
    for (const QItemSelectionRange& range : selection) {
        if (range.parent() != rootIndex())
            continue;
        const int top = std::max(range.top(), first);
        const int bottom = std::min(range.bottom(), last);
        if (top <= bottom)
            region += QRect(0, (top - first) * m_rowHeight, viewport()->width(),
                            (bottom - top + 1) * m_rowHeight);
    }
    return region;
}

void LogListView::paintEvent(QPaintEvent* event)
{
    QAbstractItemDelegate* delegate = itemDelegate();
    const int rows = rowCount();
    if (!delegate || rows == 0)
        return;
    const QRect area = event->rect();
    const int first = firstVisibleRow();
    const int from = std::max(rowAt(area.top()), 0);
    const int to = std::min(rowAt(area.bottom()), rows - 1);
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    if (isEnabled())
        option.state |= QStyle::State_Enabled;
    const QStyle::State state = option.state;
    const QModelIndex current = currentIndex();
    const QItemSelectionModel* selection = selectionModel();
    QPainter painter(viewport());
    for (int row = from; row <= to; ++row) {
        const QModelIndex index = model()->index(row, 0, rootIndex());
        option.rect = QRect(0, (row - first) * m_rowHeight, viewport()->width(), m_rowHeight);
        option.state = state;
        if (selection && selection->isSelected(index))
            option.state |= QStyle::State_Selected;
        if (index == current && hasFocus())
            option.state |= QStyle::State_HasFocus;
        delegate->paint(&painter, option, index);
    }
}

} // namespace launchdeck
