// A two-column table with add and remove buttons; names are trimmed, values kept as typed.
#include "envoverrideseditor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace launchdeck {

EnvOverridesEditor::EnvOverridesEditor(QWidget* parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, 2, this))
    , m_add(new QToolButton(this))
    , m_remove(new QToolButton(this))
{
    m_table->setHorizontalHeaderLabels({tr("Variable"), tr("Value")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setToolTip(tr("Environment variables for the next run, overriding the pipeline's"));
    m_table->setMinimumHeight(90);
    m_add->setText(tr("A&dd"));
    m_add->setToolTip(tr("Add a variable"));
    m_remove->setText(tr("Re&move"));
    m_remove->setToolTip(tr("Remove the selected variables"));
    m_remove->setEnabled(false);
    connect(m_add, &QToolButton::clicked, this, [this] {
        addRow();
        m_table->setFocus();
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
    });
    connect(m_remove, &QToolButton::clicked, this, [this] {
        QList<int> rows;
        for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
            rows.append(index.row());
        std::sort(rows.begin(), rows.end(), std::greater<>());
        for (const int row : std::as_const(rows))
            m_table->removeRow(row);
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_table->selectedItems().isEmpty()); });

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
}

EnvList EnvOverridesEditor::overrides() const
{
    EnvList list;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem* name = m_table->item(row, 0);
        const QTableWidgetItem* value = m_table->item(row, 1);
        const QString key = name ? name->text().trimmed() : QString();
        if (key.isEmpty())
            continue;
        list.removeIf([&key](const auto& pair) { return pair.first == key; });
        list.append({key, value ? value->text() : QString()});
    }
    return list;
}

void EnvOverridesEditor::setOverrides(const EnvList& overrides)
{
    m_table->setRowCount(0);
    for (const auto& [name, value] : overrides)
        addRow(name, value);
}

void EnvOverridesEditor::addRow(const QString& name, const QString& value)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem(name));
    m_table->setItem(row, 1, new QTableWidgetItem(value));
}

} // namespace launchdeck
