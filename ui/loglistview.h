// The list inside the log view: equally tall rows placed by arithmetic, so a batch of lines
// costs the same whatever the size of the ring behind it.
#pragma once

#include <QAbstractItemView>

namespace launchdeck {

// A list of equally tall rows that finds a row's place by arithmetic. QListView lays out every
// row again whenever rows come or go, which with a ring of a million lines costs the GUI thread
// tens of milliseconds per batch; here an insertion or an eviction costs the same at any size.
// It scrolls by whole lines, and lines evicted above the view do not move the lines in view.
class LogListView final : public QAbstractItemView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogListView)

public:
    explicit LogListView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
    int rowHeight() const { return m_rowHeight; }
    // The row at the top of the viewport, and how many rows fit into it whole.
    int firstVisibleRow() const;
    int pageRows() const;

    QRect visualRect(const QModelIndex& index) const override;
    void scrollTo(const QModelIndex& index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint& point) const override;
    void doItemsLayout() override;
    void reset() override;
    // Typing into the list would scan every row for a match; the search field does it in slices.
    void keyboardSearch(const QString&) override {}

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override { return 0; }
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex&) const override { return false; }
    void setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection& selection) const override;
    void paintEvent(QPaintEvent* event) override;
    void updateGeometries() override;
    void scrollContentsBy(int dx, int dy) override;
    void rowsInserted(const QModelIndex& parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex& parent, int start, int end) override;

private:
    void onRowsRemoved();
    int rowCount() const;
    int rowAt(int y) const;

    int m_rowHeight = 1;
    int m_firstAfterRemoval = -1;
};

} // namespace launchdeck
