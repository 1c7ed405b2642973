// The live view of a deployment: events become stage states, rows and log lines in place.
#include "deploymentprogressview.h"

#include "deploymentmatrixmodel.h"
#include "runstatusstyle.h"
#include "standardicon.h"
#include "whenfirstshown.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonValue>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <array>

namespace launchdeck {

namespace {

using StageState = DeploymentProgressView::StageState;

constexpr int kStageRole = Qt::UserRole + 1;

// The stages a job passes when all goes well.
QList<DeploymentStage> expectedPath(DeploymentKind kind)
{
    if (kind == DeploymentKind::Rollback)
        return {DeploymentStage::Initialized, DeploymentStage::Validating,
                DeploymentStage::RollingBack, DeploymentStage::Completed};
    return {DeploymentStage::Initialized, DeploymentStage::Validating, DeploymentStage::Testing,
            DeploymentStage::Deploying,   DeploymentStage::Monitoring, DeploymentStage::Completed};
}

// What is expected after a stage entered off the path: a rollback that a failed deploy started
// ends ROLLED_BACK, a rollback asked for ends COMPLETED; after FAILED nothing is certain.
QList<DeploymentStage> expectedAfter(DeploymentStage stage, DeploymentKind kind)
{
    if (stage != DeploymentStage::RollingBack)
        return {};
    return {kind == DeploymentKind::Rollback ? DeploymentStage::Completed
                                             : DeploymentStage::RolledBack};
}

bool endsJob(DeploymentStage stage)
{
    return stage == DeploymentStage::Completed || stage == DeploymentStage::Failed ||
           stage == DeploymentStage::RolledBack;
}

QColor stateColour(StageState state)
{
    switch (state) {
    case StageState::Pending:
        return QColor(0xb0, 0xb0, 0xb0);
    case StageState::Running:
        return QColor(0x1e, 0x6f, 0xd9);
    case StageState::Done:
        return QColor(0x2e, 0x9e, 0x44);
    case StageState::Failed:
        return QColor(0xd9, 0x30, 0x25);
    case StageState::Warning:
        return QColor(0xe0, 0x8a, 0x00);
    }
    return {};
}

QIcon drawStateIcon(StageState state)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor colour = stateColour(state);
    painter.setPen(QPen(colour, 1.5));
    painter.setBrush(state == StageState::Pending ? QBrush(Qt::NoBrush) : QBrush(colour));
    painter.drawEllipse(QRectF(2, 2, 10, 10));
    return QIcon(pixmap);
}

// Drawn once per state (on the GUI thread, where every caller is), shared by every item.
QIcon stateIcon(StageState state)
{
    static std::array<QIcon, size_t(StageState::Warning) + 1> icons;
    QIcon& icon = icons[size_t(state)];
    if (icon.isNull())
        icon = drawStateIcon(state);
    return icon;
}

void markStage(QTreeWidgetItem* item, StageState state)
{
    item->setIcon(0, stateIcon(state));
    item->setData(0, Qt::UserRole, static_cast<int>(state));
}

QTreeWidgetItem* stageItem(DeploymentStage stage)
{
    auto* item = new QTreeWidgetItem({deploymentStageLabel(stage)});
    item->setData(0, kStageRole, static_cast<int>(stage));
    markStage(item, StageState::Pending);
    return item;
}

DeploymentStage stageOf(const QTreeWidgetItem* item)
{
    return static_cast<DeploymentStage>(item->data(0, kStageRole).toInt());
}

QColor severityColour(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return QColor(0xb0, 0x00, 0x20);
    case Severity::High:
        return QColor(0xd9, 0x30, 0x25);
    case Severity::Medium:
        return QColor(0xe0, 0x8a, 0x00);
    case Severity::Low:
        return QColor(0x1e, 0x6f, 0xd9);
    case Severity::Info:
        return QColor(0x70, 0x70, 0x70);
    }
    return {};
}

QString timeText(const QDateTime& at)
{
    return at.isValid() ? QLocale().toString(at.toLocalTime().time(), QLocale::LongFormat)
                        : QString();
}

QString metricsText(const QJsonObject& metrics)
{
    QStringList parts;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        const QJsonValue value = it.value();
        QString text;
        if (value.isDouble())
            text = QLocale().toString(value.toDouble(), 'g', 4);
        else if (value.isString())
            text = value.toString();
        else if (value.isBool())
            text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        else
            continue;
        parts.append(it.key() + u'=' + text);
    }
    return parts.join(QStringLiteral(", "));
}

QTreeWidget* makeTable(const QStringList& headers, QWidget* parent)
{
    auto* tree = new QTreeWidget(parent);
    tree->setRootIsDecorated(false);
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->setHeaderLabels(headers);
    tree->header()->setStretchLastSection(true);
    return tree;
}

} // namespace

DeploymentProgressView::DeploymentProgressView(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_remaining(new QLabel(this))
    , m_cancel(new QPushButton(tr("&Cancel Deployment"), this))
    , m_promote(new QPushButton(tr("&Promote"), this))
    , m_stages(makeTable({tr("Stage"), tr("Entered"), tr("Detail")}, this))
    , m_validations(makeTable({tr("Severity"), tr("Rule"), tr("Message"), tr("Time")}, this))
    , m_tests(makeTable({tr("Test"), tr("Result"), tr("Metrics"), tr("Time")}, this))
    , m_log(new QPlainTextEdit(this))
{
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress->setRange(0, 100);
    m_progress->setFormat(tr("%p%"));
    m_cancel->setIcon(standardIcon(QStyle::SP_MediaStop));
    m_cancel->setToolTip(tr("Before traffic moves the deployment stops and removes what it "
                            "started; after, it rolls back"));
    m_promote->setIcon(standardIcon(QStyle::SP_MediaSeekForward));
    m_promote->setToolTip(tr("Continue a canary paused for a decision"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kLogCapacity);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    // The fixed-width font is a font of its own to load; the log is not the tab shown first. It
    // is set before the log's first line or when the tab is first shown, whichever comes first.
    whenFirstShown(m_log, [this] { useLogFont(); });
    m_stages->setObjectName(QStringLiteral("deploymentStages"));
    m_stages->setColumnWidth(0, 150);
    m_validations->setObjectName(QStringLiteral("deploymentValidations"));
    m_validations->setColumnWidth(0, 90);
    m_validations->setColumnWidth(1, 160);
    m_validations->setColumnWidth(2, 320);
    m_tests->setObjectName(QStringLiteral("deploymentTests"));
    m_tests->setColumnWidth(0, 160);
    m_tests->setColumnWidth(1, 70);
    m_tests->setColumnWidth(2, 320);

    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_promote);
    header->addWidget(m_cancel);
    auto* progress = new QHBoxLayout;
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_remaining);

    auto* details = new QTabWidget(this);
    details->setDocumentMode(true);
    details->addTab(m_validations, tr("Validation"));
    details->addTab(m_tests, tr("Tests"));
    details->addTab(m_log, tr("Log"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_stages);
    split->addWidget(details);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(header);
    layout->addLayout(progress);
    layout->addWidget(split, 1);
    // Tab follows the screen: Promote stands left of Cancel.
    setTabOrder(m_promote, m_cancel);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        Q_EMIT cancelRequested();
    });
    connect(m_promote, &QPushButton::clicked, this, [this] {
        m_promote->setEnabled(false);
        Q_EMIT promoteRequested();
    });
    clear();
}

int DeploymentProgressView::stageState(DeploymentStage stage) const
{
    for (int i = 0; i < m_stages->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_stages->topLevelItem(i);
        if (item->data(0, kStageRole).toInt() == static_cast<int>(stage))
            return item->data(0, Qt::UserRole).toInt();
    }
    return -1;
}

QString DeploymentProgressView::title() const
{
    return m_title->text();
}

void DeploymentProgressView::clear(const QString& message)
{
    m_title->setText(message.isEmpty() ? tr("No deployment selected") : message);
    m_live = false;
    m_failed = false;
    m_progress->setValue(0);
    m_remaining->clear();
    m_validations->clear();
    m_tests->clear();
    m_log->clear();
    m_lastStageLine.clear();
    m_lastStageLabel.clear();
    m_kind = DeploymentKind::Deploy;
    resetStages();
    m_cancel->setEnabled(false);
    m_promote->setEnabled(false);
}

void DeploymentProgressView::begin(const QString& title, bool live, DeploymentKind kind)
{
    clear(title);
    if (kind != m_kind) {
        m_kind = kind;
        resetStages();
    }
    m_live = live;
    m_cancel->setEnabled(live);
}

void DeploymentProgressView::resetStages()
{
    m_stages->clear();
    m_currentStage = -1;
    for (const DeploymentStage stage : expectedPath(m_kind))
        m_stages->addTopLevelItem(stageItem(stage));
}

void DeploymentProgressView::dropStagesAhead()
{
    while (m_stages->topLevelItemCount() > m_currentStage + 1)
        delete m_stages->takeTopLevelItem(m_stages->topLevelItemCount() - 1);
}

void DeploymentProgressView::enterStage(DeploymentStage stage, const QDateTime& at,
                                        const QString& detail)
{
    if (m_currentStage >= 0) {
        QTreeWidgetItem* previous = m_stages->topLevelItem(m_currentStage);
        const bool failed =
            stage == DeploymentStage::Failed || stageOf(previous) == DeploymentStage::Failed;
        markStage(previous, failed ? StageState::Failed : StageState::Done);
    }
    int ahead = -1;
    for (int row = m_currentStage + 1; row < m_stages->topLevelItemCount() && ahead < 0; ++row)
        if (stageOf(m_stages->topLevelItem(row)) == stage)
            ahead = row;
    if (ahead >= 0) {
        // Expected stages it went past did not happen.
        for (int row = ahead - 1; row > m_currentStage; --row)
            delete m_stages->takeTopLevelItem(row);
        ++m_currentStage;
    } else {
        // Off the expected path (a failure, the rollback after it): the rest of that path will
        // not happen; this stage follows the last one entered.
        dropStagesAhead();
        ++m_currentStage;
        m_stages->addTopLevelItem(stageItem(stage));
        for (const DeploymentStage next : expectedAfter(stage, m_kind))
            m_stages->addTopLevelItem(stageItem(next));
    }
    QTreeWidgetItem* item = m_stages->topLevelItem(m_currentStage);
    item->setText(1, timeText(at));
    if (!detail.isEmpty())
        item->setText(2, detail);
    StageState state = StageState::Running;
    if (stage == DeploymentStage::Completed)
        state = StageState::Done;
    else if (stage == DeploymentStage::Failed)
        state = StageState::Failed;
    else if (stage == DeploymentStage::RolledBack)
        state = StageState::Warning;
    markStage(item, state);
    if (stage == DeploymentStage::Failed)
        m_failed = true;
}

void DeploymentProgressView::finishStages(DeploymentStatus status)
{
    // Only what the job passed stays listed.
    dropStagesAhead();
    if (m_currentStage < 0)
        return;
    StageState state = StageState::Done;
    if (status == DeploymentStatus::Failed)
        state = StageState::Failed;
    else if (status != DeploymentStatus::Completed)
        state = StageState::Warning;
    markStage(m_stages->topLevelItem(m_currentStage), state);
}

void DeploymentProgressView::addValidation(const ValidationResult& result)
{
    auto* item = new QTreeWidgetItem(m_validations, {severityName(result.severity), result.rule,
                                                     result.message, timeText(result.at)});
    item->setForeground(0, severityColour(result.severity));
    item->setToolTip(2, result.message);
}

void DeploymentProgressView::addTest(const TestResult& result, const QString& summary)
{
    auto* item =
        new QTreeWidgetItem(m_tests, {result.name, result.passed ? tr("passed") : tr("failed"),
                                      metricsText(result.metrics), timeText(result.at)});
    for (int column = 0; column < 2; ++column)
        item->setToolTip(column, summary);
    item->setForeground(1, stateColour(result.passed ? StageState::Done : StageState::Failed));
    item->setIcon(1, stateIcon(result.passed ? StageState::Done : StageState::Failed));
}

void DeploymentProgressView::useLogFont()
{
    if (std::exchange(m_logFontSet, true))
        return;
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void DeploymentProgressView::appendLog(const QDateTime& at, const QString& text)
{
    useLogFont();
    m_log->appendPlainText(timeText(at.isValid() ? at : QDateTime::currentDateTimeUtc()) +
                           QStringLiteral("  ") + text);
    m_lastStageLine.clear();
    m_lastStageLabel.clear();
}

void DeploymentProgressView::setRemaining(qint64 remainingMs)
{
    // The estimate counts down to 0 and stays there once it is used up.
    if (remainingMs < 0 || m_failed) {
        m_remaining->clear();
    } else if (remainingMs == 0) {
        m_remaining->setText(tr("Taking longer than usual"));
    } else if (remainingMs < 60'000) {
        m_remaining->setText(
            tr("about %n second(s) left", nullptr, static_cast<int>((remainingMs + 999) / 1000)));
    } else {
        m_remaining->setText(tr("about %1 left").arg(formatDuration(remainingMs)));
    }
}

void DeploymentProgressView::applyEvent(const deploy::DeploymentEvent& event)
{
    using Kind = deploy::DeploymentEvent::Kind;
    if (event.kind != Kind::Log && event.kind != Kind::Validation && event.kind != Kind::Test)
        m_progress->setValue(qBound(0, event.percent, 100));
    switch (event.kind) {
    case Kind::Stage: {
        enterStage(event.stage, event.at, event.text);
        setRemaining(endsJob(event.stage) ? -1 : event.remainingMs);
        m_promote->setEnabled(false);
        const QString label = deploymentStageLabel(event.stage);
        const QString line = event.text.isEmpty() ? label : tr("%1: %2").arg(label, event.text);
        appendLog(event.at, line);
        m_lastStageLine = line;
        m_lastStageLabel = label;
        break;
    }
    case Kind::Progress:
        setRemaining(event.remainingMs);
        if (!event.text.isEmpty())
            appendLog(event.at, event.text);
        break;
    case Kind::Log:
        appendLog(event.at, event.text);
        break;
    case Kind::Validation:
        addValidation(event.validation);
        break;
    case Kind::Test: {
        addTest(event.test, event.text);
        // What the check said (why a candidate did not start, a threshold missed), as the
        // command line prints it.
        const bool verdict = event.text.startsWith(u"PASS ") || event.text.startsWith(u"FAIL ");
        appendLog(event.at, verdict ? event.text
                                    : (event.test.passed ? u"PASS "_qs : u"FAIL "_qs) + event.text);
        break;
    }
    case Kind::Paused:
        m_promote->setEnabled(m_live);
        m_remaining->setText(tr("Paused: waiting for Promote"));
        appendLog(event.at, event.text);
        break;
    case Kind::Finished:
        m_live = false;
        m_cancel->setEnabled(false);
        m_promote->setEnabled(false);
        m_remaining->clear();
        if (event.status) {
            finishStages(*event.status);
            const QString label = deploymentStatusLabel(*event.status);
            const QString line = event.text.isEmpty() ? label : tr("%1: %2").arg(label, event.text);
            // The stage that ended the job said it already (COMPLETED with the same message).
            const bool said =
                !m_lastStageLine.isEmpty() &&
                (line == m_lastStageLine || (event.text.isEmpty() && label == m_lastStageLabel));
            if (!said)
                appendLog(event.at, line);
        } else if (!event.text.isEmpty()) {
            appendLog(event.at, event.text);
        }
        break;
    }
}

void DeploymentProgressView::showRecord(const DeploymentRecord& record)
{
    const QString what = record.kind == DeploymentKind::Rollback
                             ? tr("Rollback of %1 in %2 to r%3 (%4)")
                             : tr("Deploy of %1 to %2: r%3 (%4)");
    begin(
        what.arg(record.application, record.environment).arg(record.to.number).arg(record.to.image),
        false, record.kind);
    for (const StageTransition& transition : record.transitions)
        enterStage(transition.stage, transition.at, transition.detail);
    for (const ValidationResult& result : record.validations)
        addValidation(result);
    for (const TestResult& result : record.tests)
        addTest(result);
    if (record.status) {
        finishStages(*record.status);
        m_progress->setValue(100);
        m_remaining->setText(
            tr("%1 after %2")
                .arg(deploymentStatusLabel(*record.status), formatDuration(record.durationMs)));
    } else {
        m_remaining->setText(tr("Running elsewhere"));
    }
    if (!record.reason.isEmpty())
        appendLog(record.startedAt, tr("Reason: %1").arg(record.reason));
    if (!record.message.isEmpty())
        appendLog(record.finishedAt, record.message);
}

} // namespace launchdeck
