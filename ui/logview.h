// The log of the run on view: a uniform-row list over LogModel with follow mode, search with
// next/previous, copy, a timestamps toggle and a per-step filter.
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;
class QToolButton;

namespace launchdeck {

class LogDelegate;
class LogListView;
class LogModel;

class LogView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogView)

public:
    // `model` is not owned.
    explicit LogView(LogModel* model, QWidget* parent = nullptr);

    LogModel* model() const { return m_model; }
    LogListView* listView() const { return m_list; }
    QLineEdit* searchField() const { return m_search; }
    QComboBox* stepFilter() const { return m_steps; }
    QCheckBox* timestampsToggle() const { return m_timestamps; }
    QCheckBox* followToggle() const { return m_follow; }
    QLabel* searchStatus() const { return m_searchStatus; }

    // A null string shows every step's lines.
    void showStep(const QString& step);
    // Tab reaches the view's controls right after `previous` (none: wherever they are), its bar
    // first, then the lines, as they stand on the screen.
    void setTabOrderAfter(QWidget* previous);
    bool isFollowing() const;
    void setFollowing(bool follow);
    void findNext();
    void findPrevious();
    // Whether a search is still scanning slices of the log.
    bool isSearching() const;
    // The selected lines as text, oldest first (with times when they are shown).
    QString selectedText() const;
    void copySelection();

private:
    void buildLayout();
    void startSearch(bool forward);
    void searchSlice();
    void rebuildStepFilter();
    void scrollToEndLater();

    LogModel* m_model;
    LogDelegate* m_delegate;
    LogListView* m_list;
    QComboBox* m_steps;
    QLineEdit* m_search;
    QToolButton* m_previous;
    QToolButton* m_next;
    QLabel* m_searchStatus;
    QCheckBox* m_follow;
    QCheckBox* m_timestamps;
    QToolButton* m_copy;
    QTimer* m_searchTimer;

    bool m_atBottom = true;
    bool m_scrollPending = false;
    // The search in progress: its direction, where it is and how many rows it has scanned.
    bool m_searchForward = true;
    int m_searchRow = 0;
    int m_searchScanned = 0;
};

} // namespace launchdeck
