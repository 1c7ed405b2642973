// The Problems panel's table, filter buttons and activation.
#include "problemspanel.h"

#include "diagnosticsfiltermodel.h"
#include "diagnosticsmodel.h"
#include "standardicon.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace launchdeck {

ProblemsPanel::ProblemsPanel(DiagnosticsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new DiagnosticsFilterModel(this))
    , m_view(new QTableView(this))
    , m_text(new QLineEdit(this))
    , m_errors(new QToolButton(this))
    , m_warnings(new QToolButton(this))
    , m_infos(new QToolButton(this))
{
    m_filter->setSourceModel(model);

    auto* title = new QLabel(tr("Problems"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);

    const struct
    {
        QToolButton* button;
        DiagnosticsModel::Tier tier;
        Severity example;
    } toggles[] = {{m_errors, DiagnosticsModel::Tier::Error, Severity::High},
                   {m_warnings, DiagnosticsModel::Tier::Warning, Severity::Medium},
                   {m_infos, DiagnosticsModel::Tier::Info, Severity::Info}};
    for (const auto& toggle : toggles) {
        toggle.button->setCheckable(true);
        toggle.button->setChecked(true);
        toggle.button->setAutoRaise(true);
        toggle.button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        toggle.button->setIcon(DiagnosticsModel::severityIcon(toggle.example));
        const DiagnosticsModel::Tier tier = toggle.tier;
        connect(toggle.button, &QToolButton::toggled, this,
                [this, tier](bool on) { m_filter->setTierVisible(tier, on); });
    }
    enableClearButtonWhenShown(m_text);
    m_text->setToolTip(tr("Filter by file, rule or message"));
    m_text->setMaximumWidth(280);
    connect(m_text, &QLineEdit::textChanged, m_filter, &DiagnosticsFilterModel::setText);
    auto* filterLabel = new QLabel(tr("Fil&ter:"), this);
    filterLabel->setBuddy(m_text);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 2, 6, 2);
    bar->addWidget(title);
    bar->addSpacing(12);
    bar->addWidget(m_errors);
    bar->addWidget(m_warnings);
    bar->addWidget(m_infos);
    bar->addStretch();
    bar->addWidget(filterLabel);
    bar->addWidget(m_text);

    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(DiagnosticsModel::SeverityColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView* header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->resizeSection(DiagnosticsModel::SeverityColumn, 110);
    header->resizeSection(DiagnosticsModel::FileColumn, 240);
    header->resizeSection(DiagnosticsModel::LineColumn, 56);
    header->resizeSection(DiagnosticsModel::ColumnColumn, 64);
    header->resizeSection(DiagnosticsModel::RuleColumn, 170);
    connect(m_view, &QTableView::doubleClicked, this, &ProblemsPanel::activate);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(model, &DiagnosticsModel::countsChanged, this, &ProblemsPanel::updateCounts);
    updateCounts();
}

void ProblemsPanel::setFilterText(const QString& text)
{
    m_text->setText(text);
}

void ProblemsPanel::updateCounts()
{
    // Mnemonics clear of the menus' Alt+E and the editor's other keys.
    m_errors->setText(tr("Error&s (%1)").arg(m_model->errorCount()));
    m_warnings->setText(tr("Warnin&gs (%1)").arg(m_model->warningCount()));
    m_infos->setText(tr("Inf&o (%1)").arg(m_model->infoCount()));
}

void ProblemsPanel::activate(const QModelIndex& proxyIndex)
{
    const QModelIndex source = m_filter->mapToSource(proxyIndex);
    if (!source.isValid())
        return;
    const Diagnostic& d = m_model->diagnosticAt(source.row());
    Q_EMIT findingActivated(d.path, d.line, d.column);
}

} // namespace launchdeck
