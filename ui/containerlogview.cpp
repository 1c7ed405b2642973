// The container log view's life cycle: inspect (secrets, TTY), stream, and after a break or a
// restart inspect again and resume without repeating the lines already shown.
#include "containerlogview.h"

#include "docker/dockerhost.h"
#include "docker/dockerstream.h"
#include "logmodel.h"
#include "logview.h"
#include "standardicon.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QStyle>
#include <QTime>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace launchdeck {

namespace {

Q_LOGGING_CATEGORY(lcContainerLog, "launchdeck.docker.logs", QtInfoMsg)

constexpr int kFirstRetryMs = 1000;
constexpr int kMaxRetryMs = 30'000;

} // namespace

ContainerLogView::ContainerLogView(DockerHost* host, const QString& containerId,
                                   const QString& containerName, QWidget* parent)
    : QWidget(parent)
    , m_host(host)
    , m_containerId(containerId)
    , m_containerName(containerName.isEmpty() ? containerId.left(12) : containerName)
    , m_model(new LogModel(kCapacity, this))
    , m_view(new LogView(m_model, this))
    , m_tailChoice(new QComboBox(this))
    , m_streamChoice(new QComboBox(this))
    , m_clear(new QToolButton(this))
    , m_status(new QLabel(this))
    , m_retry(new QTimer(this))
{
    buildLayout();
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, [this] {
        if (m_host->status().state == DockerConnectionState::Connected)
            inspect();
        else
            m_phase = Phase::WaitingForHost;
    });

    connect(m_host, &DockerHost::containerInspected, this, &ContainerLogView::onInspected);
    connect(m_host, &DockerHost::statusChanged, this, &ContainerLogView::onHostStatus);
    connect(m_host, &DockerHost::containersChanged, this, &ContainerLogView::onContainersChanged);
    connect(m_host, &DockerHost::containersRemoved, this, [this](const QStringList& ids) {
        if (!ids.contains(m_containerId))
            return;
        ++m_generation;
        m_stream.reset();
        m_retry->stop();
        m_phase = Phase::Removed;
        setStatus(tr("%1 was removed.").arg(m_containerName));
    });

    if (m_host->status().state == DockerConnectionState::Connected)
        inspect();
    else
        setStatus(tr("Waiting for %1 to connect…").arg(m_host->name()));
}

ContainerLogView::~ContainerLogView() = default;

void ContainerLogView::buildLayout()
{
    const QList<int> tails = {100, 1000, 10'000, -1};
    const QLocale locale;
    for (int lines : tails) {
        m_tailChoice->addItem(
            lines < 0 ? tr("All lines") : tr("Last %1 lines").arg(locale.toString(lines)), lines);
    }
    m_tailChoice->setCurrentIndex(m_tailChoice->findData(kDefaultTail));
    m_tailChoice->setToolTip(tr("How much of the existing log to read before following it"));
    connect(m_tailChoice, &QComboBox::activated, this,
            [this](int index) { setTail(m_tailChoice->itemData(index).toInt()); });

    m_streamChoice->addItem(tr("stdout and stderr"));
    m_streamChoice->addItem(tr("stdout only"), DockerLogFeed::stdoutStep());
    m_streamChoice->addItem(tr("stderr only"), DockerLogFeed::stderrStep());
    m_streamChoice->setToolTip(tr("Show the lines of one output stream or of both"));
    connect(m_streamChoice, &QComboBox::activated, this, [this](int index) {
        m_view->showStep(index <= 0 ? QString() : m_streamChoice->itemData(index).toString());
    });
    // The streams take the place of the pipeline steps; the view's own step list would call them
    // steps.
    m_view->stepFilter()->hide();

    m_clear->setIcon(standardIcon(QStyle::SP_DialogResetButton));
    m_clear->setText(tr("&Clear"));
    m_clear->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clear->setToolTip(tr("Empty the view; new lines keep arriving"));
    connect(m_clear, &QToolButton::clicked, this, &ContainerLogView::clear);

    m_view->timestampsToggle()->setToolTip(tr("Ask the daemon for the time of each line"));
    connect(m_view->timestampsToggle(), &QCheckBox::toggled, this,
            &ContainerLogView::setTimestamps);

    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("containerLogStatus"));

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_tailChoice);
    bar->addWidget(m_streamChoice);
    bar->addWidget(m_clear);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    // Tab follows the screen: this bar, then the log view's (created first, as the rest needs
    // it).
    setTabOrder(m_tailChoice, m_streamChoice);
    setTabOrder(m_streamChoice, m_clear);
    m_view->setTabOrderAfter(m_clear);
}

void ContainerLogView::setTail(int lines)
{
    lines = std::max(lines, -1);
    int index = m_tailChoice->findData(lines);
    if (index < 0) {
        m_tailChoice->addItem(tr("Last %1 lines").arg(QLocale().toString(lines)), lines);
        index = m_tailChoice->count() - 1;
    }
    m_tailChoice->setCurrentIndex(index);
    m_tail = lines;
    restartStream();
}

void ContainerLogView::setTimestamps(bool on)
{
    if (on == m_timestamps)
        return;
    m_timestamps = on;
    // The view's toggle also shows or hides the time column.
    m_view->timestampsToggle()->setChecked(on);
    restartStream();
}

void ContainerLogView::setMaskedValues(const QStringList& values)
{
    m_extraSecrets = values;
    applyMasks();
    if (m_opened)
        restartStream();
}

void ContainerLogView::applyMasks()
{
    QStringList values = m_envSecrets;
    for (const QString& value : std::as_const(m_extraSecrets))
        if (!values.contains(value))
            values.append(value);
    m_feed.setMaskedValues(values);
}

void ContainerLogView::clear()
{
    m_model->clear();
}

void ContainerLogView::reload()
{
    restartStream();
}

void ContainerLogView::restartStream()
{
    m_opened = false;
    if (m_phase == Phase::Removed || !m_inspected ||
        m_host->status().state != DockerConnectionState::Connected)
        return; // the next open starts from the tail
    m_retry->stop();
    openStream(false);
}

void ContainerLogView::inspect()
{
    m_retry->stop();
    m_phase = Phase::Inspecting;
    m_inspectRequest = m_host->inspectContainer(m_containerId);
    if (!m_opened)
        setStatus(tr("Reading %1…").arg(m_containerName));
}

void ContainerLogView::onInspected(quint64 request, const QJsonObject& inspect,
                                   const QString& error)
{
    if (request != m_inspectRequest || m_phase != Phase::Inspecting)
        return;
    if (!error.isEmpty()) {
        if (m_host->status().state != DockerConnectionState::Connected) {
            m_phase = Phase::WaitingForHost;
            setStatus(tr("Waiting for %1 to connect…").arg(m_host->name()));
        } else {
            scheduleRetry(error);
        }
        return;
    }
    const QJsonObject config = inspect.value(QLatin1String("Config")).toObject();
    m_tty = config.value(QLatin1String("Tty")).toBool();
    m_envSecrets = DockerLogFeed::secretValues(inspect);
    m_inspected = true;
    applyMasks();
    openStream(m_opened);
}

void ContainerLogView::openStream(bool resume)
{
    ++m_generation;
    m_stream.reset();
    DockerLogOptions options;
    options.follow = true;
    options.timestamps = m_timestamps;
    options.tty = m_tty;
    options.tail = m_tail;
    if (!resume) {
        m_feed.restart();
        m_model->clear();
    } else if (m_feed.canResume()) {
        // No "since" in the options: read the tail again and drop what was shown by its time.
        m_feed.resumeAfterLastLine();
    } else if (m_feed.lineCount() > 0) {
        // Without times nothing tells old lines from new: only what comes from now on.
        options.tail = 0;
    }
    m_opened = true;
    m_phase = Phase::Streaming;
    m_stream = DockerStream::logs(m_host->endpoint(), m_host->apiVersion(), m_containerId, options);
    const quint64 generation = m_generation;
    connect(m_stream.get(), &DockerStream::logLinesReceived, this,
            [this, generation](const QList<DockerLogLine>& lines) {
                if (generation == m_generation)
                    onLines(lines);
            });
    connect(m_stream.get(), &DockerStream::finished, this,
            [this, generation](const QString& error) {
                if (generation == m_generation)
                    onFinished(error);
            });
    m_stream->start();
    setStatus(m_tty ? tr("Following the log of %1 (terminal: one stream)").arg(m_containerName)
                    : tr("Following the log of %1").arg(m_containerName));
}

void ContainerLogView::onLines(const QList<DockerLogLine>& lines)
{
    m_retryDelayMs = 0;
    const LogBatch batch = m_feed.convert(lines);
    if (!batch.isEmpty())
        m_model->enqueue(batch);
}

void ContainerLogView::onFinished(const QString& error)
{
    if (error.isEmpty()) {
        m_phase = Phase::Ended;
        setStatus(tr("%1 exited; its log ended at %2.")
                      .arg(m_containerName, QTime::currentTime().toString(Qt::ISODate)));
    } else {
        qCWarning(lcContainerLog) << "log stream of" << m_containerId << "broke:" << error;
        scheduleRetry(error);
    }
    Q_EMIT streamEnded(error);
}

void ContainerLogView::scheduleRetry(const QString& why)
{
    m_phase = Phase::Lost;
    m_retryDelayMs =
        m_retryDelayMs == 0 ? kFirstRetryMs : std::min(m_retryDelayMs * 2, kMaxRetryMs);
    setStatus(tr("%1 — retrying in %n s", nullptr, (m_retryDelayMs + 999) / 1000).arg(why));
    m_retry->start(m_retryDelayMs);
}

void ContainerLogView::onHostStatus(const DockerHostStatus& status)
{
    switch (status.state) {
    case DockerConnectionState::Connected:
        // The container may have been restarted while the host was away, so look again.
        if (m_phase != Phase::Streaming && m_phase != Phase::Removed)
            inspect();
        break;
    case DockerConnectionState::Disconnected:
        if (m_phase == Phase::Removed)
            break;
        ++m_generation;
        m_stream.reset();
        m_retry->stop();
        m_phase = Phase::WaitingForHost;
        setStatus(tr("%1 is unreachable (%2); the log resumes when it is back.")
                      .arg(m_host->name(), status.error));
        break;
    case DockerConnectionState::Connecting:
        break;
    }
}

void ContainerLogView::onContainersChanged(const QList<DockerContainer>& containers)
{
    if (m_phase != Phase::Ended)
        return;
    const bool restarted =
        std::any_of(containers.begin(), containers.end(), [this](const DockerContainer& c) {
            return c.id == m_containerId && c.state == QLatin1String("running");
        });
    if (restarted)
        inspect();
}

void ContainerLogView::setStatus(const QString& text)
{
    m_status->setText(text);
}

} // namespace launchdeck
