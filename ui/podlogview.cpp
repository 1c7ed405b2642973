// The pod log view's life cycle: read the pods (containers, secrets to mask), follow their logs
// through the cluster, which resumes them after a reconnect, and read anew when a choice changes.
#include "podlogview.h"

#include "kubernetes/kubecluster.h"
#include "kubernetes/podlogstream.h"
#include "logmodel.h"
#include "logview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace launchdeck {

namespace {

const QLatin1String kDefaultContainerAnnotation("kubectl.kubernetes.io/default-container");
constexpr int kReadAttempts = 2;
constexpr int kReadRetryMs = 1000;
// How long the pods' streams stay quiet before their first lines are shown merged, and how long
// at most they are held.
constexpr int kBacklogQuietMs = 150;
constexpr qint64 kBacklogMaxMs = 1000;

qint64 nanosecondsOf(const kube::PodLogLine& line)
{
    qint64 ns = 0;
    return kube::parseRfc3339Nano(line.timeText, &ns) ? ns
                                                      : line.time.toMSecsSinceEpoch() * 1'000'000;
}

} // namespace

PodLogView::PodLogView(kube::KubeCluster* cluster, const QString& nameSpace,
                       const QStringList& pods, QWidget* parent)
    : QWidget(parent)
    , m_cluster(cluster)
    , m_nameSpace(nameSpace)
    , m_pods(pods)
    , m_model(new LogModel(kCapacity, this))
    , m_view(new LogView(m_model, this))
    , m_containerChoice(new QComboBox(this))
    , m_podChoice(new QComboBox(this))
    , m_previous(new QCheckBox(tr("&Previous"), this))
    , m_tailChoice(new QComboBox(this))
    , m_sinceChoice(new QComboBox(this))
    , m_follow(new QCheckBox(tr("Follow &new lines"), this))
    , m_status(new QLabel(this))
    , m_readRetry(new QTimer(this))
    , m_backlogQuiet(new QTimer(this))
{
    buildLayout();
    m_backlogQuiet->setSingleShot(true);
    connect(m_backlogQuiet, &QTimer::timeout, this, &PodLogView::flushBacklog);
    connect(m_cluster, &kube::KubeCluster::objectRead, this, &PodLogView::onPodRead);
    connect(m_cluster, &kube::KubeCluster::statusChanged, this, &PodLogView::onClusterStatus);
    connect(m_cluster, &kube::KubeCluster::logLines, this,
            [this](quint64 id, const QList<kube::PodLogLine>& lines) {
                if (id != m_streamId)
                    return;
                if (m_reconnecting) {
                    m_reconnecting = false;
                    setStatus(followingText());
                }
                if (!m_gatheringBacklog) {
                    showLines(lines);
                    return;
                }
                if (m_backlog.isEmpty())
                    m_backlogAge.start();
                m_backlog.append(lines);
                if (m_backlogAge.elapsed() >= kBacklogMaxMs)
                    flushBacklog();
                else
                    m_backlogQuiet->start(kBacklogQuietMs);
            });
    connect(m_cluster, &kube::KubeCluster::logEnded, this,
            [this](quint64 id, const QString& error) {
                if (id != m_streamId)
                    return;
                flushBacklog();
                m_streamId = 0;
                m_reconnecting = false;
                if (!error.isEmpty())
                    setStatus(error);
                else if (m_pods.size() == 1)
                    setStatus(tr("The log of %1 ended.").arg(m_pods.constFirst()));
                else
                    setStatus(tr("The logs of %n pods ended.", nullptr, int(m_pods.size())));
                Q_EMIT streamEnded(error);
            });
    readPods();
}

PodLogView::~PodLogView()
{
    stopStream();
}

void PodLogView::buildLayout()
{
    m_containerChoice->setToolTip(tr("The container whose log is read"));
    m_containerChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_containerChoice->addItem(tr("Default container"), QString());
    connect(m_containerChoice, &QComboBox::activated, this,
            [this](int index) { setContainer(m_containerChoice->itemData(index).toString()); });

    // The pods take the place of the pipeline steps; the view's own step list would call them
    // steps.
    m_view->stepFilter()->hide();
    m_podChoice->setToolTip(tr("Show the lines of one pod or of all"));
    m_podChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_podChoice->addItem(tr("All pods"));
    for (const QString& pod : std::as_const(m_pods))
        m_podChoice->addItem(pod, pod);
    m_podChoice->setVisible(m_pods.size() > 1);
    connect(m_podChoice, &QComboBox::activated, this, [this](int index) {
        m_view->showStep(index <= 0 ? QString() : m_podChoice->itemData(index).toString());
    });
    if (m_pods.size() == 1)
        m_view->showStep(m_pods.constFirst()); // no pod column for a single pod

    m_previous->setToolTip(tr("Read the log of the previous, terminated container"));
    connect(m_previous, &QCheckBox::toggled, this, &PodLogView::setPrevious);

    const QLocale locale;
    for (int lines : {100, 1000, -1}) {
        m_tailChoice->addItem(
            lines < 0 ? tr("All lines") : tr("Last %1 lines").arg(locale.toString(lines)), lines);
    }
    m_tailChoice->setCurrentIndex(m_tailChoice->findData(kDefaultTail));
    m_tailChoice->setToolTip(tr("How much of the existing log to read"));
    connect(m_tailChoice, &QComboBox::activated, this,
            [this](int index) { setTail(m_tailChoice->itemData(index).toInt()); });

    m_sinceChoice->addItem(tr("Any time"), 0);
    m_sinceChoice->addItem(tr("Last 5 minutes"), 5 * 60);
    m_sinceChoice->addItem(tr("Last hour"), 60 * 60);
    m_sinceChoice->addItem(tr("Last 24 hours"), 24 * 60 * 60);
    m_sinceChoice->setToolTip(tr("Only the lines written since then"));
    connect(m_sinceChoice, &QComboBox::activated, this,
            [this](int index) { setSince(m_sinceChoice->itemData(index).toInt()); });

    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the stream open and show new lines as they are written"));
    connect(m_follow, &QCheckBox::toggled, this, &PodLogView::setFollow);

    // The server's time of every line is always at hand: the toggle only shows it.
    m_view->timestampsToggle()->setToolTip(tr("Show the time the container wrote each line"));

    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("podLogStatus"));
    m_readRetry->setSingleShot(true);
    connect(m_readRetry, &QTimer::timeout, this, &PodLogView::readPods);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_containerChoice);
    bar->addWidget(m_podChoice);
    bar->addWidget(m_previous);
    bar->addWidget(m_tailChoice);
    bar->addWidget(m_sinceChoice);
    bar->addWidget(m_follow);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    // Tab follows the screen: this bar, then the log view's.
    setTabOrder(m_containerChoice, m_podChoice);
    setTabOrder(m_podChoice, m_previous);
    setTabOrder(m_previous, m_tailChoice);
    setTabOrder(m_tailChoice, m_sinceChoice);
    setTabOrder(m_sinceChoice, m_follow);
    m_view->setTabOrderAfter(m_follow);
}

void PodLogView::setContainer(const QString& container)
{
    int index = m_containerChoice->findData(container);
    if (index < 0) {
        m_containerChoice->addItem(container, container);
        index = m_containerChoice->count() - 1;
    }
    m_containerChoice->setCurrentIndex(index);
    if (container == m_container && isStreaming())
        return;
    m_container = container;
    reload();
}

void PodLogView::setPrevious(bool previous)
{
    m_previous->setChecked(previous);
    if (previous == m_isPrevious)
        return;
    m_isPrevious = previous;
    reload();
}

void PodLogView::setTail(int lines)
{
    lines = std::max(lines, -1);
    int index = m_tailChoice->findData(lines);
    if (index < 0) {
        m_tailChoice->addItem(tr("Last %1 lines").arg(QLocale().toString(lines)), lines);
        index = m_tailChoice->count() - 1;
    }
    m_tailChoice->setCurrentIndex(index);
    m_tail = lines;
    reload();
}

void PodLogView::setSince(int seconds)
{
    seconds = std::max(seconds, 0);
    int index = m_sinceChoice->findData(seconds);
    if (index < 0) {
        m_sinceChoice->addItem(tr("Last %n seconds", nullptr, seconds), seconds);
        index = m_sinceChoice->count() - 1;
    }
    m_sinceChoice->setCurrentIndex(index);
    m_sinceSeconds = seconds;
    reload();
}

void PodLogView::setFollow(bool follow)
{
    m_follow->setChecked(follow);
    if (follow == m_isFollowing)
        return;
    m_isFollowing = follow;
    reload();
}

void PodLogView::setTimestamps(bool on)
{
    m_view->timestampsToggle()->setChecked(on);
}

void PodLogView::setSecrets(const QList<QJsonObject>& secrets)
{
    m_secrets = secrets;
    applyMasks();
    reload();
}

void PodLogView::setMaskedValues(const QStringList& values)
{
    m_extraSecrets = values;
    applyMasks();
    reload();
}

void PodLogView::applyMasks()
{
    QStringList values;
    for (const QString& pod : std::as_const(m_pods)) {
        for (const QString& value : PodLogFeed::secretValues(m_podObjects.value(pod), m_secrets))
            if (!values.contains(value))
                values.append(value);
    }
    for (const QString& value : std::as_const(m_extraSecrets))
        if (!values.contains(value))
            values.append(value);
    m_feed.setMaskedValues(values);
}

void PodLogView::reload()
{
    // While the pods are read, the stream opens afterwards with the choices of that moment.
    if (!m_reads.isEmpty() || m_waitingForCluster || m_readRetry->isActive())
        return;
    openStream();
}

void PodLogView::readPods()
{
    stopStream();
    m_reads.clear();
    m_readErrors.clear();
    m_podObjects.clear();
    m_waitingForCluster = false;
    for (const QString& pod : std::as_const(m_pods))
        m_reads.insert(m_cluster->read(QStringLiteral("pods"), m_nameSpace, pod), pod);
    if (m_pods.isEmpty()) {
        setStatus(tr("No pod to read the log of."));
        return;
    }
    setStatus(m_pods.size() == 1 ? tr("Reading %1…").arg(m_pods.constFirst())
                                 : tr("Reading %n pods…", nullptr, int(m_pods.size())));
}

void PodLogView::onPodRead(quint64 request, const kube::LiveObject& object, const QString& error)
{
    const auto it = m_reads.constFind(request);
    if (it == m_reads.constEnd())
        return;
    const QString pod = it.value();
    m_reads.erase(it);
    if (error.isEmpty())
        m_podObjects.insert(pod, object.json);
    else if (m_cluster->status().state != kube::ClusterState::Connected)
        m_waitingForCluster = true;
    else
        m_readErrors.append(error);
    if (!m_reads.isEmpty())
        return;
    if (m_waitingForCluster) {
        setStatus(tr("Waiting for %1 to connect…").arg(m_cluster->name()));
        return;
    }
    if (!m_readErrors.isEmpty() && m_readAttempt < kReadAttempts) {
        // The cluster may have come back between the failure and its answer: read again
        // before giving up on a pod.
        ++m_readAttempt;
        setStatus(m_readErrors.join(QStringLiteral("; ")) + tr(" — reading again…"));
        m_readRetry->start(kReadRetryMs);
        return;
    }
    m_readAttempt = 0;
    // Only pods that were read are followed: their secrets are known. kubectl logs reads the
    // pod first as well.
    if (m_podObjects.isEmpty()) {
        setStatus(m_readErrors.join(QStringLiteral("; ")));
        return;
    }
    for (const QString& name : std::as_const(m_pods)) {
        if (m_podObjects.contains(name)) {
            fillContainers(m_podObjects.value(name));
            break;
        }
    }
    applyMasks();
    openStream();
}

void PodLogView::fillContainers(const QJsonObject& pod)
{
    const QStringList names = PodLogFeed::containerNames(pod);
    if (names.isEmpty())
        return;
    m_containerChoice->clear();
    for (const QString& name : names)
        m_containerChoice->addItem(name, name);
    if (!m_container.isEmpty() && names.contains(m_container)) {
        m_containerChoice->setCurrentIndex(m_containerChoice->findData(m_container));
        return;
    }
    // As kubectl picks: the annotated default, else the first.
    const QString annotated = pod.value(QLatin1String("metadata"))
                                  .toObject()
                                  .value(QLatin1String("annotations"))
                                  .toObject()
                                  .value(kDefaultContainerAnnotation)
                                  .toString();
    m_container = names.contains(annotated) ? annotated : names.constFirst();
    m_containerChoice->setCurrentIndex(m_containerChoice->findData(m_container));
}

void PodLogView::onClusterStatus(const kube::ClusterStatus& status)
{
    switch (status.state) {
    case kube::ClusterState::Connected:
        if (m_waitingForCluster) {
            readPods();
        } else if (m_reconnecting) {
            m_reconnecting = false;
            setStatus(followingText());
        }
        break;
    case kube::ClusterState::Disconnected:
        // The cluster resumes the stream by itself once it is back.
        if (isStreaming()) {
            m_reconnecting = true;
            setStatus(
                tr("%1 is unreachable (%2); reconnecting…").arg(m_cluster->name(), status.error));
        }
        break;
    case kube::ClusterState::Connecting:
        break;
    }
}

void PodLogView::showLines(const QList<kube::PodLogLine>& lines)
{
    const LogBatch batch = m_feed.convert(lines);
    if (!batch.isEmpty())
        m_model->enqueue(batch);
}

void PodLogView::flushBacklog()
{
    m_backlogQuiet->stop();
    if (!std::exchange(m_gatheringBacklog, false))
        return;
    QList<kube::PodLogLine> lines = std::exchange(m_backlog, {});
    // Stable: the lines of one pod keep their order where their times are equal.
    std::stable_sort(lines.begin(), lines.end(),
                     [](const kube::PodLogLine& a, const kube::PodLogLine& b) {
                         return nanosecondsOf(a) < nanosecondsOf(b);
                     });
    showLines(lines);
}

void PodLogView::openStream()
{
    stopStream();
    m_feed.restart();
    m_model->clear();
    m_backlog.clear();
    m_backlogQuiet->stop();
    kube::PodLogRequest request;
    request.nameSpace = m_nameSpace;
    for (const QString& pod : std::as_const(m_pods))
        if (m_podObjects.contains(pod))
            request.pods.append(pod);
    request.container = m_container;
    request.follow = m_isFollowing;
    request.previous = m_isPrevious;
    request.tailLines = m_tail;
    request.sinceSeconds = m_sinceSeconds;
    if (request.pods.isEmpty())
        return;
    m_gatheringBacklog = request.pods.size() > 1;
    m_streamId = m_cluster->followLogs(request);
    setStatus(followingText());
}

void PodLogView::stopStream()
{
    if (m_streamId == 0)
        return;
    if (m_cluster)
        m_cluster->stopLogs(m_streamId);
    m_streamId = 0;
    m_reconnecting = false;
    m_gatheringBacklog = false;
    m_backlog.clear();
    m_backlogQuiet->stop();
}

QString PodLogView::followingText() const
{
    QStringList streamed;
    for (const QString& pod : std::as_const(m_pods))
        if (m_podObjects.contains(pod))
            streamed.append(pod);
    QString text;
    if (streamed.size() == 1) {
        text = m_isFollowing ? tr("Following %1").arg(streamed.constFirst())
                             : tr("Reading the log of %1").arg(streamed.constFirst());
    } else {
        const int count = int(streamed.size());
        text = m_isFollowing ? tr("Following %n pods", nullptr, count)
                             : tr("Reading the logs of %n pods", nullptr, count);
    }
    if (!m_container.isEmpty())
        text += tr(" (container %1)").arg(m_container);
    if (m_isPrevious)
        text += tr(", previous run");
    if (!m_readErrors.isEmpty())
        text += u" — " + m_readErrors.join(QStringLiteral("; "));
    return text;
}

void PodLogView::setStatus(const QString& text)
{
    m_status->setText(text);
}

} // namespace launchdeck
