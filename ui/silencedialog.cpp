// The Silence dialog's form.
#include "silencedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace launchdeck {

namespace {

struct DurationChoice
{
    const char* label;
    qint64 minutes;
};

constexpr DurationChoice kDurations[] = {
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "30 minutes"), 30},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "1 hour"), 60},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "2 hours"), 120},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "4 hours"), 240},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "8 hours"), 480},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "1 day"), 1440},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "3 days"), 4320},
    {QT_TRANSLATE_NOOP("launchdeck::SilenceDialog", "1 week"), 10080},
};

} // namespace

SilenceDialog::SilenceDialog(const QString& environment, const prometheus::Labels& labels,
                             QWidget* parent)
    : QDialog(parent)
    , m_environment(environment)
    , m_matchers(new QTableWidget(0, 3, this))
    , m_duration(new QComboBox(this))
    , m_comment(new QLineEdit(this))
    , m_author(new QLineEdit(osUser(), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("silenceDialog"));
    setWindowTitle(tr("Silence Alerts in %1").arg(environment));
    m_matchers->setObjectName(QStringLiteral("silenceMatchers"));
    m_matchers->setHorizontalHeaderLabels({tr("Label"), tr("Value"), tr("Regex")});
    m_matchers->horizontalHeader()->setSectionResizeMode(Value, QHeaderView::Stretch);
    m_matchers->verticalHeader()->hide();
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        const int row = m_matchers->rowCount();
        m_matchers->insertRow(row);
        auto* name = new QTableWidgetItem(it.key());
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        name->setCheckState(Qt::Checked);
        m_matchers->setItem(row, Name, name);
        m_matchers->setItem(row, Value, new QTableWidgetItem(it.value()));
        auto* regex = new QTableWidgetItem;
        regex->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        regex->setCheckState(Qt::Unchecked);
        m_matchers->setItem(row, Regex, regex);
    }
    m_matchers->resizeColumnToContents(Name);

    m_duration->setObjectName(QStringLiteral("silenceDuration"));
    for (const DurationChoice& choice : kDurations)
        m_duration->addItem(tr(choice.label), choice.minutes);
    m_duration->setCurrentIndex(2);
    m_comment->setObjectName(QStringLiteral("silenceComment"));
    m_comment->setPlaceholderText(tr("Why, and what is being done about it"));
    m_author->setObjectName(QStringLiteral("silenceAuthor"));

    auto* form = new QFormLayout;
    form->addRow(tr("Duration:"), m_duration);
    form->addRow(tr("Comment:"), m_comment);
    form->addRow(tr("Created by:"), m_author);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Alerts matching every checked label are silenced:"), this));
    layout->addWidget(m_matchers);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Silence"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_comment, &QLineEdit::textChanged, this, &SilenceDialog::updateOk);
    connect(m_author, &QLineEdit::textChanged, this, &SilenceDialog::updateOk);
    connect(m_matchers, &QTableWidget::itemChanged, this, &SilenceDialog::updateOk);
    updateOk();
    resize(520, 380);
}

alerts::Silence SilenceDialog::silence() const
{
    alerts::Silence silence;
    for (int row = 0; row < m_matchers->rowCount(); ++row) {
        if (m_matchers->item(row, Name)->checkState() != Qt::Checked)
            continue;
        alerts::SilenceMatcher matcher;
        matcher.name = m_matchers->item(row, Name)->text();
        matcher.value = m_matchers->item(row, Value)->text();
        matcher.isRegex = m_matchers->item(row, Regex)->checkState() == Qt::Checked;
        silence.matchers.append(matcher);
    }
    silence.startsAt = QDateTime::currentDateTimeUtc();
    silence.endsAt = silence.startsAt.addSecs(m_duration->currentData().toLongLong() * 60);
    silence.createdBy = m_author->text().trimmed();
    silence.comment = m_comment->text().trimmed();
    return silence;
}

QString SilenceDialog::osUser()
{
    for (const char* name : {"USER", "USERNAME", "LOGNAME"}) {
        const QString user = qEnvironmentVariable(name);
        if (!user.isEmpty())
            return user;
    }
    return QStringLiteral("launchdeck");
}

void SilenceDialog::updateOk()
{
    bool anyMatcher = false;
    for (int row = 0; row < m_matchers->rowCount(); ++row)
        anyMatcher = anyMatcher || m_matchers->item(row, Name)->checkState() == Qt::Checked;
    // Alertmanager refuses a silence without a matcher, an author or a comment.
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(anyMatcher && !m_comment->text().trimmed().isEmpty() &&
                     !m_author->text().trimmed().isEmpty());
}

} // namespace launchdeck
