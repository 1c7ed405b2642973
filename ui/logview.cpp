// Log view wiring: follow mode keeps to the bottom only while the user is there; search scans
// the model in slices from a zero-interval timer so a log of millions of lines never blocks. The
// list itself places rows by arithmetic, so its work per batch does not grow with the ring.
#include "logview.h"

#include "keyhint.h"
#include "logdelegate.h"
#include "loglistview.h"
#include "logmodel.h"
#include "standardicon.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QShortcut>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>
#include <utility>

namespace launchdeck {

namespace {

constexpr int kSearchSlice = 20'000;

} // namespace

LogView::LogView(LogModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_delegate(new LogDelegate(this))
    , m_list(new LogListView(this))
    , m_steps(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_previous(new QToolButton(this))
    , m_next(new QToolButton(this))
    , m_searchStatus(new QLabel(this))
    // Alt+F is the File menu's.
    , m_follow(new QCheckBox(tr("Fo&llow"), this))
    , m_timestamps(new QCheckBox(tr("&Timestamps"), this))
    , m_copy(new QToolButton(this))
    , m_searchTimer(new QTimer(this))
{
    buildLayout();
    m_searchTimer->setInterval(0);
    connect(m_searchTimer, &QTimer::timeout, this, &LogView::searchSlice);

    // The bottom is kept when the range grows, which the list does as rows arrive; the user
    // leaves the bottom by scrolling, which moves the value.
    const QScrollBar* bar = m_list->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, [this](int, int maximum) {
        if (m_follow->isChecked() && m_atBottom)
            m_list->verticalScrollBar()->setValue(maximum);
    });
    connect(bar, &QScrollBar::valueChanged, this,
            [this](int value) { m_atBottom = value >= m_list->verticalScrollBar()->maximum(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_follow->isChecked())
            scrollToEndLater();
    });
    connect(m_model, &LogModel::stepsChanged, this, &LogView::rebuildStepFilter);
    connect(m_steps, &QComboBox::activated, this, [this](int index) {
        showStep(index <= 0 ? QString() : m_steps->itemData(index).toString());
    });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            scrollToEndLater();
    });
    connect(m_timestamps, &QCheckBox::toggled, this, [this](bool on) {
        m_delegate->setShowTimestamps(on);
        m_list->viewport()->update();
    });
    connect(m_search, &QLineEdit::returnPressed, this, &LogView::findNext);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_delegate->setHighlight(text);
        m_searchTimer->stop();
        m_searchStatus->clear();
        m_list->viewport()->update();
    });
    connect(m_next, &QToolButton::clicked, this, &LogView::findNext);
    connect(m_previous, &QToolButton::clicked, this, &LogView::findPrevious);
    connect(m_copy, &QToolButton::clicked, this, &LogView::copySelection);
    auto* copy = new QShortcut(QKeySequence::Copy, m_list, nullptr, nullptr, Qt::WidgetShortcut);
    connect(copy, &QShortcut::activated, this, &LogView::copySelection);
    rebuildStepFilter();
}

void LogView::buildLayout()
{
    m_list->setModel(m_model);
    m_list->setItemDelegate(m_delegate);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_list->setObjectName(QStringLiteral("logList"));

    m_steps->setToolTip(tr("Show the lines of one step or of all"));
    m_steps->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_search->setPlaceholderText(tr("Search the log"));
    enableClearButtonWhenShown(m_search);
    m_search->setMinimumWidth(200);
    // Arrows on screen; the texts give them mnemonics, which the tooltips name.
    m_previous->setArrowType(Qt::UpArrow);
    m_previous->setText(tr("Previou&s match"));
    setToolTipWithKey(m_previous, tr("Previous match"));
    m_next->setArrowType(Qt::DownArrow);
    m_next->setText(tr("Ne&xt match"));
    m_next->setToolTip(tr("Next match (%1, or Enter in the search field)")
                           .arg(m_next->shortcut().toString(QKeySequence::NativeText)));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest line in view while the log is scrolled to the end"));
    m_timestamps->setToolTip(tr("Show when each line was read"));
    m_copy->setIcon(standardIcon(QStyle::SP_FileDialogDetailedView));
    m_copy->setText(tr("Cop&y"));
    m_copy->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copy->setToolTip(
        tr("Copy the selected lines (%1 in the lines)")
            .arg(QKeySequence(QKeySequence::Copy).toString(QKeySequence::NativeText)));
    m_searchStatus->setMinimumWidth(90);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_steps);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_previous);
    bar->addWidget(m_next);
    bar->addWidget(m_searchStatus);
    bar->addWidget(m_follow);
    bar->addWidget(m_timestamps);
    bar->addWidget(m_copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_list, 1);
    // The lines are created first, as the rest needs them, but come last.
    setTabOrderAfter(nullptr);
}

void LogView::setTabOrderAfter(QWidget* previous)
{
    QWidget* const order[] = {previous, m_steps,      m_search, m_previous, m_next,
                              m_follow, m_timestamps, m_copy,   m_list};
    for (std::size_t i = 1; i < std::size(order); ++i) {
        if (order[i - 1])
            setTabOrder(order[i - 1], order[i]);
    }
}

void LogView::showStep(const QString& step)
{
    m_delegate->setShowSteps(step.isNull());
    m_model->setStepFilter(step);
    rebuildStepFilter();
}

void LogView::rebuildStepFilter()
{
    const QString current = m_model->stepFilter();
    m_steps->clear();
    m_steps->addItem(tr("All steps"));
    for (const QString& step : m_model->steps())
        m_steps->addItem(step.isEmpty() ? tr("(run)") : step, step);
    if (!current.isNull()) {
        const int at = m_steps->findData(current);
        if (at > 0)
            m_steps->setCurrentIndex(at);
    }
}

void LogView::scrollToEndLater()
{
    // Coalesced: batches arrive every 50 ms, one scroll per event loop turn is enough.
    if (m_scrollPending)
        return;
    m_scrollPending = true;
    QTimer::singleShot(0, this, [this] {
        m_scrollPending = false;
        m_atBottom = true;
        m_list->scrollToBottom();
    });
}

bool LogView::isFollowing() const
{
    return m_follow->isChecked();
}

void LogView::setFollowing(bool follow)
{
    m_follow->setChecked(follow);
}

void LogView::findNext()
{
    startSearch(true);
}

void LogView::findPrevious()
{
    startSearch(false);
}

bool LogView::isSearching() const
{
    return m_searchTimer->isActive();
}

void LogView::startSearch(bool forward)
{
    const int rows = m_model->rowCount();
    if (m_search->text().isEmpty() || rows == 0)
        return;
    const QModelIndex current = m_list->currentIndex();
    int from = current.isValid() ? current.row() + (forward ? 1 : -1) : (forward ? 0 : rows - 1);
    from = (from + rows) % rows;
    m_searchForward = forward;
    m_searchRow = from;
    m_searchScanned = 0;
    m_searchStatus->setText(tr("Searching…"));
    m_searchTimer->start();
}

void LogView::searchSlice()
{
    const int rows = m_model->rowCount();
    if (rows == 0 || m_searchScanned >= rows) {
        m_searchTimer->stop();
        m_searchStatus->setText(tr("No matches"));
        return;
    }
    // Up to the end (or start) of the log, then wrap once.
    const int room = m_searchForward ? rows - m_searchRow : m_searchRow + 1;
    const int count = std::min({kSearchSlice, room, rows - m_searchScanned});
    const int found = m_model->find(m_search->text(), m_searchRow, count, m_searchForward);
    if (found >= 0) {
        m_searchTimer->stop();
        const QModelIndex index = m_model->index(found);
        m_follow->setChecked(false);
        m_list->setCurrentIndex(index);
        m_list->scrollTo(index, QAbstractItemView::PositionAtCenter);
        m_searchStatus->setText(tr("Line %1 of %2").arg(found + 1).arg(rows));
        return;
    }
    m_searchScanned += count;
    m_searchRow += m_searchForward ? count : -count;
    if (m_searchRow >= rows || m_searchRow < 0) {
        m_searchRow = m_searchForward ? 0 : rows - 1;
    }
}

QString LogView::selectedText() const
{
    QModelIndexList rows = m_list->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QString text;
    for (const QModelIndex& index : std::as_const(rows)) {
        if (m_timestamps->isChecked()) {
            const qint64 time = index.data(LogModel::TimeRole).toLongLong();
            if (time > 0)
                text +=
                    QDateTime::fromMSecsSinceEpoch(time).toString(QStringLiteral("HH:mm:ss.zzz")) +
                    u' ';
        }
        text += index.data(Qt::DisplayRole).toString() + u'\n';
    }
    return text;
}

void LogView::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

} // namespace launchdeck
